package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*pushTopicDevicesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*pushTopicDevicesDataSource)(nil)
)

// NewPushTopicDevicesDataSource returns the realtime_push_topic_devices data source.
func NewPushTopicDevicesDataSource() datasource.DataSource {
	return &pushTopicDevicesDataSource{}
}

// pushTopicDevicesDataSource lists the device tokens of one push topic,
// every page.
type pushTopicDevicesDataSource struct {
	data *providerData
}

type pushTopicDevicesDataSourceModel struct {
	Topic  types.String `tfsdk:"topic"`
	Tokens types.List   `tfsdk:"tokens"`
	Count  types.Int64  `tfsdk:"device_count"`
}

func (d *pushTopicDevicesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_push_topic_devices"
}

func (d *pushTopicDevicesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The devices subscribed to one mobile push topic: their device tokens and how many " +
			"there are. Reads every page of the push API's device list (one request per 100 devices) with the " +
			"provider's private key. Device tokens are sensitive: they address a person's device.",
		Attributes: map[string]schema.Attribute{
			"topic": topicAttribute(),
			"tokens": schema.ListAttribute{
				MarkdownDescription: "Every device token subscribed to the topic, sorted (byte order), each once. " +
					"Empty for a topic without devices. Sensitive.",
				Computed:    true,
				Sensitive:   true,
				ElementType: types.StringType,
			},
			"device_count": schema.Int64Attribute{
				MarkdownDescription: "The number of devices subscribed to the topic (the length of `tokens`); not sensitive.",
				Computed:            true,
			},
		},
	}
}

func (d *pushTopicDevicesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *pushTopicDevicesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m pushTopicDevicesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.readyToRead(&resp.Diagnostics) ||
		!d.data.needPrivateKey("Listing a push topic's devices", &resp.Diagnostics) {
		return
	}
	ctx = d.data.logContext(ctx)
	topic := m.Topic.ValueString()
	tokens, err := d.data.client.AllTopicDevices(ctx, topic)
	if err != nil {
		resp.Diagnostics.AddError("Could not list the devices of a push topic", fmt.Sprintf("Topic %q: %s", topic, err))
		return
	}
	slices.Sort(tokens)
	tokens = slices.Compact(tokens)
	list, diags := types.ListValueFrom(ctx, types.StringType, tokens)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Tokens, m.Count = list, types.Int64Value(int64(len(tokens)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
