package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ datasource.DataSource              = (*pushTopicDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*pushTopicDataSource)(nil)
)

// NewPushTopicDataSource returns the realtime_push_topic data source.
func NewPushTopicDataSource() datasource.DataSource {
	return &pushTopicDataSource{}
}

// pushTopicDataSource tells whether a push topic has subscribed devices.
type pushTopicDataSource struct {
	data *providerData
}

type pushTopicDataSourceModel struct {
	Topic      types.String `tfsdk:"topic"`
	Subscribed types.Bool   `tfsdk:"subscribed"`
}

func (d *pushTopicDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_push_topic"
}

func (d *pushTopicDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether a mobile push topic has subscribed devices, in one request with the " +
			"provider's private key. A push to a topic without devices fails, so this can guard a " +
			"`realtime_message` with `delivery = \"push\"`.",
		Attributes: map[string]schema.Attribute{
			"topic": topicAttribute(),
			"subscribed": schema.BoolAttribute{
				MarkdownDescription: "`true` when at least one device is subscribed to the topic.",
				Computed:            true,
			},
		},
	}
}

// topicAttribute is the required `topic` of the push data sources.
func topicAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("The push topic: 1 to %d bytes of letters, digits and `_ - :` "+
			"(no `/` or `.`).", ortc.MaxChannelBytes),
		Required:   true,
		Validators: topicValidators(),
	}
}

func (d *pushTopicDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *pushTopicDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m pushTopicDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.readyToRead(&resp.Diagnostics) ||
		!d.data.needPrivateKey("Reading a push topic", &resp.Diagnostics) {
		return
	}
	ctx = d.data.logContext(ctx)
	ok, err := d.data.client.IsTopicSubscribed(ctx, m.Topic.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Could not read a push topic", fmt.Sprintf("Topic %q: %s", m.Topic.ValueString(), err))
		return
	}
	m.Subscribed = types.BoolValue(ok)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
