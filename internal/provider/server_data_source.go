package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*serverDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*serverDataSource)(nil)
)

// NewServerDataSource returns the realtime_server data source.
func NewServerDataSource() datasource.DataSource {
	return &serverDataSource{}
}

// serverDataSource tells which messaging server the cluster hands out for
// the provider's application key.
type serverDataSource struct {
	data *providerData
}

type serverDataSourceModel struct {
	URL            types.String `tfsdk:"url"`
	ApplicationKey types.String `tfsdk:"application_key"`
}

func (d *serverDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_server"
}

func (d *serverDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The messaging server the cluster (balancer) hands out for the provider's " +
			"application key, such as a client SDK would connect to. One balancer request per provider process, " +
			"shared with every other call that needs the server. With the provider's `server_url` set, that URL " +
			"(no request). An unknown or disabled application key is an error.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "The messaging server URL, such as `https://ortc-developers2-useast1-s0001.realtime.co:443`.",
				Computed:            true,
			},
			"application_key": schema.StringAttribute{
				MarkdownDescription: "The application key the server was asked for: the provider's.",
				Computed:            true,
			},
		},
	}
}

func (d *serverDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *serverDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.readyToRead(&resp.Diagnostics) {
		return
	}
	ctx = d.data.logContext(ctx)
	url, err := d.data.client.Server(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not look up the messaging server", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, serverDataSourceModel{
		URL:            types.StringValue(url),
		ApplicationKey: types.StringValue(d.data.client.ApplicationKey()),
	})...)
}
