package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*pushTopicsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*pushTopicsDataSource)(nil)
)

// NewPushTopicsDataSource returns the realtime_push_topics data source.
func NewPushTopicsDataSource() datasource.DataSource {
	return &pushTopicsDataSource{}
}

// pushTopicsDataSource lists the application's push topics, every page.
type pushTopicsDataSource struct {
	data *providerData
}

type pushTopicsDataSourceModel struct {
	Topics types.List `tfsdk:"topics"`
}

func (d *pushTopicsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_push_topics"
}

func (d *pushTopicsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The application's mobile push topics: the push channels that have at least one " +
			"subscribed device. Reads every page of the push API's topic list (one request per 100 topics) with " +
			"the provider's private key.",
		Attributes: map[string]schema.Attribute{
			"topics": schema.ListAttribute{
				MarkdownDescription: "Every topic, sorted (byte order), each once. Empty when no device is subscribed to anything.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *pushTopicsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *pushTopicsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.readyToRead(&resp.Diagnostics) || !d.data.needPrivateKey("Listing push topics", &resp.Diagnostics) {
		return
	}
	ctx = d.data.logContext(ctx)
	topics, err := d.data.client.AllTopics(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Could not list push topics", err.Error())
		return
	}
	slices.Sort(topics)
	topics = slices.Compact(topics)
	list, diags := types.ListValueFrom(ctx, types.StringType, topics)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, pushTopicsDataSourceModel{Topics: list})...)
}
