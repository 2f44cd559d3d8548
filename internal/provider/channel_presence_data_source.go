package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

var (
	_ datasource.DataSource              = (*channelPresenceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*channelPresenceDataSource)(nil)
)

// NewChannelPresenceDataSource returns the realtime_channel_presence data source.
func NewChannelPresenceDataSource() datasource.DataSource {
	return &channelPresenceDataSource{}
}

// channelPresenceDataSource reads a channel's presence: how many
// subscribers, and with which connection metadata.
type channelPresenceDataSource struct {
	data *providerData
}

type channelPresenceDataSourceModel struct {
	Channel       types.String `tfsdk:"channel"`
	Token         types.String `tfsdk:"token"`
	Enabled       types.Bool   `tfsdk:"enabled"`
	Subscriptions types.Int64  `tfsdk:"subscriptions"`
	Metadata      types.Map    `tfsdk:"metadata"`
}

func (d *channelPresenceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_channel_presence"
}

func (d *channelPresenceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The presence of one channel: whether presence is on, how many subscribers the " +
			"channel has and, when the channel collects it, their connection metadata.\n\n" +
			"Reading presence takes a token with the `p` permission on the channel (when the application enforces " +
			"authentication): `token` when set; otherwise the provider's `authentication_token`; otherwise a " +
			"short-lived private read token the provider saves itself with the private key (`p` on this channel " +
			"only, 300 seconds, the same one `realtime_channel_presence` resources use). Presence switched off is " +
			"no error: `enabled` is then `false`.",
		Attributes: map[string]schema.Attribute{
			"channel": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The channel to read: 1 to %d bytes of letters, digits and "+
					"`_ - : / .`, a concrete channel (such as `orders:eu`, not a wildcard such as `orders:*`).",
					ortc.MaxChannelBytes),
				Required:   true,
				Validators: concretePresenceChannelValidators(),
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "An authentication token to read with; it needs the `p` (presence) permission " +
					"on the channel when the application enforces authentication. Default: the provider's " +
					"`authentication_token`, else the provider's own read token (see above). Sensitive.",
				Optional:   true,
				Sensitive:  true,
				Validators: tokenValidators(),
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether presence is on for the channel (switched on for it, or for its main " +
					"channel's `main:*`). When `false`, `subscriptions` is `0` and `metadata` is empty.",
				Computed: true,
			},
			"subscriptions": schema.Int64Attribute{
				MarkdownDescription: "The number of subscribers of the channel.",
				Computed:            true,
			},
			"metadata": schema.MapAttribute{
				MarkdownDescription: "Each connection metadata string of the subscribers, with the number of " +
					"subscribers that carry it (up to 100 entries). Empty unless the channel's presence collects " +
					"metadata.",
				Computed:    true,
				ElementType: types.Int64Type,
			},
		},
	}
}

func (d *channelPresenceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *channelPresenceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m channelPresenceDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !d.data.readyToRead(&resp.Diagnostics) {
		return
	}
	channel := m.Channel.ValueString()
	ctx = d.data.logContext(ctx, m.Token.ValueString())

	var (
		info *ortc.PresenceInfo
		err  error
	)
	if !m.Token.IsNull() {
		info, err = d.data.client.Presence(ctx, m.Token.ValueString(), channel)
		if ortc.IsUnauthorized(err) {
			err = fmt.Errorf("the token was refused reading presence on %q; it needs the p permission on that "+
				"channel (or its main:*): %w", channel, err)
		}
	} else {
		info, err = d.data.presence.Read(ctx, channel)
	}
	switch {
	case errors.Is(err, ortc.ErrPresenceNotEnabled):
		m.Enabled, m.Subscriptions = types.BoolValue(false), types.Int64Value(0)
		m.Metadata = types.MapValueMust(types.Int64Type, map[string]attr.Value{})
	case err != nil:
		resp.Diagnostics.AddError("Could not read channel presence", fmt.Sprintf("Reading presence on %q: %s", channel, err))
		return
	default:
		m.Enabled, m.Subscriptions = types.BoolValue(true), types.Int64Value(int64(info.Subscriptions))
		counts := make(map[string]int64, len(info.Metadata))
		for k, v := range info.Metadata {
			counts[k] = int64(v)
		}
		md, diags := types.MapValueFrom(ctx, types.Int64Type, counts)
		resp.Diagnostics.Append(diags...)
		m.Metadata = md
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
