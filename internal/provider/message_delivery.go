package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	aschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// The pieces of a message delivery that realtime_message shares with the
// delivery actions (realtime_send, realtime_publish, realtime_push): the
// deliveries and their limits, the input attributes (names, descriptions,
// validators), the validation of a configuration against its delivery, and
// the delivery itself. A type states which deliveries it offers; every
// piece takes that list, so realtime_message (all three, chosen by its
// delivery attribute) and an action (one, fixed) get the same names, rules,
// limits and wording from one place.

// deliveryKind is how a message travels.
type deliveryKind string

const (
	// deliverySend: POST /send (one channel) or /sendbatch (several); not
	// kept by the server.
	deliverySend deliveryKind = "send"
	// deliveryPublish: POST /publish per channel; kept for ttl seconds, with
	// a sequence id per channel.
	deliveryPublish deliveryKind = "publish"
	// deliveryPush: mobile push, POST {push}/publish (one topic) or
	// /publishbatch (several).
	deliveryPush deliveryKind = "push"
)

// allDeliveries are the deliveries of realtime_message, the default first.
var allDeliveries = []deliveryKind{deliverySend, deliveryPublish, deliveryPush}

// maxPublishChannels bounds a publish to several channels (one publish per
// channel, made one after the other). The API has no batch publish and so no
// limit; the send limit keeps a delivery from turning into hundreds of
// sequential requests, and lets a configuration switch between send and
// publish without meeting a new limit.
const maxPublishChannels = ortc.MaxSendBatchChannels

// maxChannels is the most channels one delivery takes.
func (k deliveryKind) maxChannels() int {
	switch k {
	case deliveryPush:
		return ortc.MaxPushChannels
	case deliveryPublish:
		return maxPublishChannels
	default:
		return ortc.MaxSendBatchChannels
	}
}

// noun names what the channels of a delivery are.
func (k deliveryKind) noun() string {
	if k == deliveryPush {
		return "topics"
	}
	return "channels"
}

// limitRule words the channel count limit of a delivery.
func (k deliveryKind) limitRule() string {
	switch k {
	case deliveryPush:
		return fmt.Sprintf("push delivers to 1 to %d topics (one publishbatch request)", ortc.MaxPushChannels)
	case deliveryPublish:
		return fmt.Sprintf("publish delivers to 1 to %d channels (one publish per channel)", maxPublishChannels)
	default:
		return fmt.Sprintf("send delivers to 1 to %d channels (one sendbatch request)", ortc.MaxSendBatchChannels)
	}
}

// channelValidators validate one channel of the delivery: a concrete
// channel for send and publish, a topic for push.
func (k deliveryKind) channelValidators() []validator.String {
	if k == deliveryPush {
		return topicValidators()
	}
	return concreteChannelValidators()
}

func offers(kinds []deliveryKind, k deliveryKind) bool { return slices.Contains(kinds, k) }

// Attribute names of a delivery's input. message_wo is the write-only
// alternative to message (exactly one of them); realtime_message adds
// message_wo_version, which only a type with a state needs.
const (
	attrDelivery  = "delivery"
	attrChannels  = "channels"
	attrMessage   = "message"
	attrMessageWO = "message_wo"
	attrTTL       = "ttl"
	attrToken     = "token"
	attrPayload   = "payload"
	attrAPNS      = "apns"
	attrGCM       = "gcm"
)

// deliveryAttributeNames lists the input attributes a type offering kinds
// has: delivery only when there is a choice, ttl only with publish, token
// only with send or publish (push takes the private key only), payload,
// apns and gcm only with push.
func deliveryAttributeNames(kinds []deliveryKind) []string {
	names := []string{attrChannels, attrMessage, attrMessageWO}
	if len(kinds) > 1 {
		names = append(names, attrDelivery)
	}
	if offers(kinds, deliveryPublish) {
		names = append(names, attrTTL)
	}
	if offers(kinds, deliverySend) || offers(kinds, deliveryPublish) {
		names = append(names, attrToken)
	}
	if offers(kinds, deliveryPush) {
		names = append(names, attrPayload, attrAPNS, attrGCM)
	}
	return names
}

// deliveryAttributeDescription is the practitioner's documentation of one
// input attribute, for a type offering kinds. It says nothing about what a
// change does: a resource replaces, an action has no state; the caller adds
// that.
func deliveryAttributeDescription(name string, kinds []deliveryKind) string {
	only := func(k deliveryKind) string {
		if len(kinds) > 1 {
			return fmt.Sprintf(" Only with `delivery = \"%s\"`; setting it with another delivery is an error.", k)
		}
		return ""
	}
	switch name {
	case attrDelivery:
		return "How the message travels. Default `\"send\"`.\n" +
			"  - `send`: to the subscribers connected now, not kept by the server. One channel is one `send` " +
			"request per part; several channels are one `sendbatch` request per part.\n" +
			"  - `publish`: guaranteed delivery, kept by the server for `ttl` seconds. One `publish` request per " +
			"part and channel, channel after channel; each channel answers a sequence id (`sequence_ids`).\n" +
			"  - `push`: a mobile push notification to the devices subscribed to each topic in `channels`, " +
			"through the push API (one `publish`, or one `publishbatch` for several topics). Takes `payload`, " +
			"`apns` and `gcm`; no `ttl`, no `token`."
	case attrChannels:
		var limits []string
		for _, k := range kinds {
			limits = append(limits, k.limitRule())
		}
		var names []string
		if offers(kinds, deliverySend) || offers(kinds, deliveryPublish) {
			names = append(names, fmt.Sprintf("a channel is 1 to %d bytes of letters, digits and `_ - : / .` "+
				"(a concrete channel such as `orders` or `orders:eu`, not a wildcard such as `orders:*`)", ortc.MaxChannelBytes))
		}
		if offers(kinds, deliveryPush) {
			names = append(names, fmt.Sprintf("a push topic is 1 to %d bytes of letters, digits and `_ - :` (no `/` or `.`)", ortc.MaxChannelBytes))
		}
		return "The channels to deliver the message to, each listed once. " + upperFirst(strings.Join(limits, "; ")) +
			". " + upperFirst(strings.Join(names, "; ")) + "."
	case attrMessage:
		return fmt.Sprintf("The message text: any non-empty UTF-8 text, of any length. The provider cuts it into "+
			"parts of at most %d bytes (framing prefix included, never inside a character); receivers reassemble "+
			"them. For push, the notification's alert text (one request, not cut). Exactly one of `message` and "+
			"`message_wo`.", ortc.MaxPartBytes)
	case attrMessageWO:
		return "The message text, like `message`, for a text that must not be written down (requires Terraform " +
			"1.11 or later). Write-only: it may come from an ephemeral value (an ephemeral resource, an " +
			"`ephemeral = true` variable) and is sent as it is. Exactly one of `message` and `message_wo`."
	case attrTTL:
		return "How long the server keeps a published message for subscribers that connect later, in seconds. " +
			"`0` or unset means the retention of the application's plan." + only(deliveryPublish)
	case attrToken:
		return "An authentication token to send with instead of the private key: it needs the `w` (write) " +
			"permission on every channel when the application enforces authentication. Unset: the provider's " +
			"`private_key`, or its `authentication_token` when it has no private key." + only2(kinds) +
			" Sensitive: never shown or logged."
	case attrPayload:
		return "The push notification's payload: a JSON object (write it with `jsonencode`), such as " +
			"`jsonencode({ sound = \"default\", badge = \"1\" })`. Compared as JSON, so key order and spacing make " +
			"no difference." + only(deliveryPush)
	case attrAPNS:
		return "A raw Apple Push Notification service payload: a JSON object (write it with `jsonencode`), " +
			"passed through unchanged. Compared as JSON, so key order and spacing make no difference." + only(deliveryPush)
	case attrGCM:
		return "A raw Firebase/Google Cloud Messaging payload: a JSON object (write it with `jsonencode`), " +
			"passed through unchanged. Compared as JSON, so key order and spacing make no difference." + only(deliveryPush)
	}
	return ""
}

// only2 is the "only with" sentence of token, which fits two deliveries.
func only2(kinds []deliveryKind) string {
	if offers(kinds, deliveryPush) {
		return " Only with `send` and `publish`: the push API takes the private key only."
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// deliveryResourceAttributes are the input attributes of a resource that
// delivers a message (realtime_message): every change replaces the resource,
// which delivers again.
func deliveryResourceAttributes(kinds []deliveryKind) map[string]rschema.Attribute {
	const replaces = " Changing it replaces the resource, which delivers the message again."
	out := map[string]rschema.Attribute{}
	for _, name := range deliveryAttributeNames(kinds) {
		desc := deliveryAttributeDescription(name, kinds) + replaces
		switch name {
		case attrDelivery:
			out[name] = rschema.StringAttribute{
				MarkdownDescription: desc, Optional: true, Computed: true,
				Default:       stringdefault.StaticString(string(kinds[0])),
				Validators:    deliveryKindValidators(kinds),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			}
		case attrChannels:
			out[name] = rschema.ListAttribute{
				MarkdownDescription: desc, Required: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			}
		case attrMessage:
			out[name] = rschema.StringAttribute{
				MarkdownDescription: desc, Optional: true,
				Validators:    messageTextValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			}
		case attrMessageWO:
			// No plan modifier: a write-only value is null in every plan and
			// state, so no change of it can be seen; message_wo_version is
			// what replaces.
			out[name] = rschema.StringAttribute{
				MarkdownDescription: deliveryAttributeDescription(name, kinds) + " Terraform keeps it out of the plan " +
					"and the state, and so cannot compare it between runs: change `message_wo_version` to deliver again.",
				Optional: true, WriteOnly: true, Sensitive: true,
				Validators: messageTextValidators(),
			}
		case attrTTL:
			out[name] = rschema.Int64Attribute{
				MarkdownDescription: desc, Optional: true,
				Validators:    publishTTLValidators(),
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			}
		case attrToken:
			out[name] = rschema.StringAttribute{
				MarkdownDescription: desc, Optional: true, Sensitive: true,
				Validators:    tokenValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			}
		case attrPayload, attrAPNS, attrGCM:
			out[name] = rschema.StringAttribute{
				MarkdownDescription: desc, Optional: true, CustomType: jsontypes.NormalizedType{},
				Validators: jsonObjectValidators(),
				// Keep the prior value when the new one is the same JSON, so that
				// RequiresReplace sees no change.
				PlanModifiers: []planmodifier.String{jsonSemanticEqualityModifier{}, stringplanmodifier.RequiresReplace()},
			}
		}
	}
	return out
}

// deliveryActionAttributes are the same input attributes for an action
// (realtime_send, realtime_publish, realtime_push): no state, so nothing
// replaces, and action attributes cannot be marked sensitive. Terraform
// keeps an action's configuration in no state, but does keep it in a saved
// plan (ephemeral values removed): message_wo is what takes an ephemeral
// value.
func deliveryActionAttributes(kinds []deliveryKind) map[string]aschema.Attribute {
	out := map[string]aschema.Attribute{}
	for _, name := range deliveryAttributeNames(kinds) {
		desc := deliveryAttributeDescription(name, kinds)
		switch name {
		case attrDelivery:
			out[name] = aschema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: deliveryKindValidators(kinds)}
		case attrChannels:
			out[name] = aschema.ListAttribute{MarkdownDescription: desc, Required: true, ElementType: types.StringType}
		case attrMessage:
			out[name] = aschema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: messageTextValidators()}
		case attrMessageWO:
			// Write-only for Terraform, which actionWriteOnlyServer tells (the
			// framework refuses a value in a WriteOnly action attribute).
			out[name] = aschema.StringAttribute{
				MarkdownDescription: desc + " An action's configuration is never in the state; a saved plan leaves " +
					"`message_wo` out when its value is ephemeral (a plain value is saved there, like `message`).",
				Optional: true, Validators: messageTextValidators(),
			}
		case attrTTL:
			out[name] = aschema.Int64Attribute{MarkdownDescription: desc, Optional: true, Validators: publishTTLValidators()}
		case attrToken:
			out[name] = aschema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: tokenValidators()}
		case attrPayload, attrAPNS, attrGCM:
			out[name] = aschema.StringAttribute{MarkdownDescription: desc, Optional: true, CustomType: jsontypes.NormalizedType{}, Validators: jsonObjectValidators()}
		}
	}
	return out
}

// jsonSemanticEqualityModifier plans the prior value when the configured
// JSON means the same (key order, spacing): Terraform accepts a planned
// value equal to the prior state as "functionally equivalent", and the
// plan modifiers after it (RequiresReplace) then see no change. The
// framework applies semantic equality after apply and read, not at plan.
type jsonSemanticEqualityModifier struct{}

var _ planmodifier.String = jsonSemanticEqualityModifier{}

func (jsonSemanticEqualityModifier) Description(context.Context) string {
	return "a change of key order or spacing only is no change"
}

func (m jsonSemanticEqualityModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (jsonSemanticEqualityModifier) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() ||
		req.StateValue.Equal(req.PlanValue) {
		return
	}
	prior := jsontypes.NewNormalizedValue(req.StateValue.ValueString())
	same, diags := prior.StringSemanticEquals(ctx, jsontypes.NewNormalizedValue(req.PlanValue.ValueString()))
	if diags.HasError() || !same {
		return
	}
	resp.PlanValue = req.StateValue
}

// Static validators of the input attributes: the rules that hold whatever
// the delivery. The rules that depend on it (channel names, counts,
// attributes that do not fit) are deliveryConfig.validate's.

func deliveryKindValidators(kinds []deliveryKind) []validator.String {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	rule := "delivery must be one of " + quotedList(names)
	return []validator.String{stringRule(stringvalidator.OneOf(names...), "Invalid delivery", rule, showValue)}
}

func messageTextValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthAtLeast(1), "Empty message", ruleMessageEmpty, showNothing),
	}
}

func publishTTLValidators() []validator.Int64 {
	return []validator.Int64{
		int64Rule(int64validator.Between(0, ortc.MaxTTL), "Invalid ttl", rulePublishTTL),
	}
}

var (
	ruleMessageEmpty = "a message must not be empty"
	rulePublishTTL   = fmt.Sprintf("must be 0 (the plan's retention) to %d seconds", ortc.MaxTTL)
)

func quotedList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// deliveryConfig is a delivery's input as configured, in framework values.
// realtime_message reads it from its configuration and plan (its model
// embeds it); an action reads it with readDeliveryConfig, and the attributes
// its schema does not have stay null.
type deliveryConfig struct {
	Delivery  types.String         `tfsdk:"delivery"`
	Channels  types.List           `tfsdk:"channels"`
	Message   types.String         `tfsdk:"message"`
	MessageWO types.String         `tfsdk:"message_wo"` // null in every plan and state
	TTL       types.Int64          `tfsdk:"ttl"`
	Token     types.String         `tfsdk:"token"`
	Payload   jsontypes.Normalized `tfsdk:"payload"`
	APNS      jsontypes.Normalized `tfsdk:"apns"`
	GCM       jsontypes.Normalized `tfsdk:"gcm"`
}

// attributeGetter is tfsdk.Config's, tfsdk.Plan's and tfsdk.State's GetAttribute.
type attributeGetter func(ctx context.Context, p path.Path, target any) diag.Diagnostics

// readDeliveryConfig reads the input attributes that a type offering kinds
// has (deliveryAttributeNames). Without a delivery attribute, the delivery
// is the type's one.
func readDeliveryConfig(ctx context.Context, get attributeGetter, kinds []deliveryKind) (deliveryConfig, diag.Diagnostics) {
	c := deliveryConfig{
		Delivery: types.StringNull(), Channels: types.ListNull(types.StringType), Message: types.StringNull(),
		MessageWO: types.StringNull(), TTL: types.Int64Null(), Token: types.StringNull(),
		Payload: jsontypes.NewNormalizedNull(), APNS: jsontypes.NewNormalizedNull(), GCM: jsontypes.NewNormalizedNull(),
	}
	targets := map[string]any{
		attrDelivery: &c.Delivery, attrChannels: &c.Channels, attrMessage: &c.Message, attrMessageWO: &c.MessageWO,
		attrTTL: &c.TTL, attrToken: &c.Token, attrPayload: &c.Payload, attrAPNS: &c.APNS, attrGCM: &c.GCM,
	}
	var diags diag.Diagnostics
	for _, name := range deliveryAttributeNames(kinds) {
		diags.Append(get(ctx, path.Root(name), targets[name])...)
	}
	if len(kinds) == 1 {
		c.Delivery = types.StringValue(string(kinds[0]))
	}
	return c, diags
}

// kind is the configured delivery: send when not set (the default), known
// false while the configuration does not tell yet.
func (c deliveryConfig) kind() (deliveryKind, bool) {
	switch {
	case c.Delivery.IsUnknown():
		return "", false
	case c.Delivery.IsNull():
		return deliverySend, true
	}
	return deliveryKind(c.Delivery.ValueString()), true
}

// validate checks the rules that depend on the delivery, each diagnostic
// on the attribute (or list element) at fault, naming the rule. Unknown
// values are checked once they are known (at plan). It makes no request.
func (c deliveryConfig) validate(ctx context.Context, diags *diag.Diagnostics) {
	c.validateMessage(diags)
	kind, known := c.kind()
	if known && !slices.Contains(allDeliveries, kind) {
		return // the delivery attribute's own validator reports it
	}
	if known {
		misfit := func(name string, set bool, rule string) {
			if set {
				diags.AddAttributeError(path.Root(name), "Attribute does not fit the delivery",
					fmt.Sprintf("%s: %s; here delivery = %q.", name, rule, kind))
			}
		}
		if kind != deliveryPublish {
			misfit(attrTTL, !c.TTL.IsNull(), "only publish keeps messages, so ttl applies to delivery = \"publish\" only")
		}
		if kind != deliveryPush {
			for name, v := range map[string]jsontypes.Normalized{attrPayload: c.Payload, attrAPNS: c.APNS, attrGCM: c.GCM} {
				misfit(name, !v.IsNull(), name+" is part of a push notification, so it applies to delivery = \"push\" only")
			}
		}
		if kind == deliveryPush {
			misfit(attrToken, !c.Token.IsNull(), "the push API takes the private key only, so token applies to delivery = \"send\" or \"publish\" only")
		}
	}
	c.validateChannels(ctx, kind, known, diags)
}

// validateMessage checks that exactly one of message and message_wo is set.
// An unknown value may still turn out null, so it is checked once known.
func (c deliveryConfig) validateMessage(diags *diag.Diagnostics) {
	if c.Message.IsUnknown() || c.MessageWO.IsUnknown() {
		return
	}
	switch {
	case c.Message.IsNull() && c.MessageWO.IsNull():
		diags.AddAttributeError(path.Root(attrMessage), "Missing message", attrMessage+": "+ruleMessageOne+"; neither is set.")
	case !c.Message.IsNull() && !c.MessageWO.IsNull():
		diags.AddAttributeError(path.Root(attrMessageWO), "Conflicting message", attrMessageWO+": "+ruleMessageOne+"; both are set.")
	}
}

// ruleMessageOne is the rule of message and message_wo.
const ruleMessageOne = "set exactly one of message and message_wo (message_wo for a text that must stay out of " +
	"the plan and the state)"

// text is the message to deliver: message, or message_wo read from the
// configuration (validate makes it exactly one).
func (c deliveryConfig) text() string {
	if !c.MessageWO.IsNull() {
		return c.MessageWO.ValueString()
	}
	return c.Message.ValueString()
}

// validateChannels checks the count, each name and repeats. While the
// delivery is unknown it checks what every delivery accepts.
func (c deliveryConfig) validateChannels(ctx context.Context, kind deliveryKind, known bool, diags *diag.Diagnostics) {
	if c.Channels.IsNull() || c.Channels.IsUnknown() {
		return
	}
	root := path.Root(attrChannels)
	elems := c.Channels.Elements()
	limit, rule, validators := ortc.MaxPushChannels, "every delivery takes at least one channel", concreteChannelValidators()
	if known {
		limit, rule, validators = kind.maxChannels(), kind.limitRule(), kind.channelValidators()
	}
	switch {
	case len(elems) == 0:
		diags.AddAttributeError(root, "No channels", fmt.Sprintf("channels: %s; got none.", rule))
	case len(elems) > limit:
		diags.AddAttributeError(root, "Too many channels", fmt.Sprintf("channels: %s; got %d.", rule, len(elems)))
	}
	seen := map[string]int{}
	for i, e := range elems {
		p := root.AtListIndex(i)
		s, ok := e.(types.String)
		switch {
		case !ok:
			continue // not a string list: the schema says otherwise
		case s.IsUnknown():
			continue
		case s.IsNull():
			diags.AddAttributeError(p, "Invalid channel", fmt.Sprintf("%s: a channel must not be null.", p))
			continue
		}
		for _, v := range validators {
			var resp validator.StringResponse
			v.ValidateString(ctx, validator.StringRequest{Path: p, PathExpression: p.Expression(), ConfigValue: s}, &resp)
			diags.Append(resp.Diagnostics...)
		}
		if first, dup := seen[s.ValueString()]; dup {
			diags.AddAttributeError(p, "Repeated channel",
				fmt.Sprintf("%s: each channel may be listed once (it would get the message twice); %q is also %s.",
					p, s.ValueString(), root.AtListIndex(first)))
			continue
		}
		seen[s.ValueString()] = i
	}
}

// input turns a known, valid configuration into what deliver takes. token
// is the credential to send with ("" = the private key); the caller decides
// it (the configured token, or the provider's).
func (c deliveryConfig) input(ctx context.Context, message, token string) (deliveryInput, diag.Diagnostics) {
	kind, _ := c.kind()
	in := deliveryInput{Kind: kind, Message: message, Token: token, TTL: int(c.TTL.ValueInt64())}
	diags := c.Channels.ElementsAs(ctx, &in.Channels, false)
	for _, j := range []struct {
		v   jsontypes.Normalized
		dst *json.RawMessage
	}{{c.Payload, &in.Payload}, {c.APNS, &in.APNS}, {c.GCM, &in.GCM}} {
		if !j.v.IsNull() && !j.v.IsUnknown() {
			*j.dst = json.RawMessage(j.v.ValueString())
		}
	}
	return in, diags
}

// deliveryCredentials is the token to deliver with: the configured one,
// else none (the private key), else the provider's authentication_token.
// When the provider has none of what kind needs, missing is the
// diagnostic's detail saying so. d must be configured.
func deliveryCredentials(d *providerData, kind deliveryKind, token types.String) (tok string, missing string) {
	switch {
	case !token.IsNull():
		return token.ValueString(), ""
	case d.hasPrivateKey:
		return "", ""
	case kind != deliveryPush && d.authenticationToken() != "":
		return d.authenticationToken(), ""
	case kind == deliveryPush:
		return "", "delivery = \"push\" needs the application's private key: set private_key in the " +
			"provider block or the " + envPrivateKey + " environment variable."
	}
	return "", fmt.Sprintf("delivery = %q needs the application's private key or a token with the w permission: "+
		"set private_key (or authentication_token) in the provider block, or token here.", kind)
}

// deliveryInput is one delivery in the client's terms.
type deliveryInput struct {
	Kind     deliveryKind
	Channels []string // 1 to Kind.maxChannels(), valid, no repeats
	Message  string
	TTL      int    // publish: seconds, 0 = the plan's retention
	Token    string // send, publish: sent as AT instead of the private key when set
	// push: JSON objects, nil when not set
	Payload, APNS, GCM json.RawMessage
}

// deliveryResult is what a delivery computed.
type deliveryResult struct {
	// ID is the framing id shared by every part on every channel; push frames
	// nothing, so there it is an id of the same shape that names the delivery.
	ID string
	// Parts is the number of parts per channel (1 for push).
	Parts int
	// SequenceIDs maps each channel to its sequence id (publish only; nil
	// otherwise).
	SequenceIDs map[string]string
}

// deliveryProgress reports one accepted request: a part on a channel (or on
// the channels of a batch).
type deliveryProgress struct {
	Kind        deliveryKind
	Channels    []string
	Part, Total int
	SequenceID  string // publish: on the part that completed the message
}

// String is the progress line shown to the practitioner.
func (p deliveryProgress) String() string {
	where := fmt.Sprintf("%s %s", strings.TrimSuffix(p.Kind.noun(), "s"), strings.Join(p.Channels, ", "))
	if len(p.Channels) > 1 {
		where = fmt.Sprintf("%d %s", len(p.Channels), p.Kind.noun())
	}
	s := fmt.Sprintf("%s: part %d of %d accepted for %s", p.Kind, p.Part, p.Total, where)
	if p.SequenceID != "" {
		s += " (sequence id " + p.SequenceID + ")"
	}
	return s
}

// deliveryError is a failed delivery: which channels the failing request
// was for, and which channels had the message before it failed (a publish
// to several channels goes channel after channel).
type deliveryError struct {
	Kind      deliveryKind
	Failed    []string          // the channels of the failing request
	Delivered []string          // complete before the failure, in order
	Sequences map[string]string // sequence ids of Delivered (publish)
	Pending   []string          // not attempted
	Err       error
}

func (e *deliveryError) Unwrap() error { return e.Err }

func (e *deliveryError) Error() string { return e.Summary() + ": " + e.Detail() }

// Summary is the diagnostic's summary.
func (e *deliveryError) Summary() string {
	if len(e.Delivered) > 0 {
		return "Message only partly delivered"
	}
	return "Message not delivered"
}

// Detail names the channel, quotes the API's answer, says what was
// delivered anyway and what applying again does (to realtime_message, which
// records nothing).
func (e *deliveryError) Detail() string {
	return e.detail("Nothing was recorded in the state: applying again delivers the message to every ")
}

// ActionDetail is Detail for an action, which has no state.
func (e *deliveryError) ActionDetail() string {
	return e.detail("Invoking the action again delivers the message to every ")
}

func (e *deliveryError) detail(again string) string {
	var b strings.Builder
	verb := map[deliveryKind]string{deliverySend: "Sending", deliveryPublish: "Publishing", deliveryPush: "Pushing"}[e.Kind]
	noun := strings.TrimSuffix(e.Kind.noun(), "s")
	if len(e.Failed) == 1 {
		fmt.Fprintf(&b, "%s to %s %q failed: %s.", verb, noun, e.Failed[0], strings.TrimSuffix(e.Err.Error(), "."))
	} else {
		fmt.Fprintf(&b, "%s to %s %s failed (one request for all of them, so none got it): %s.",
			verb, e.Kind.noun(), quotedList(e.Failed), strings.TrimSuffix(e.Err.Error(), "."))
	}
	if len(e.Delivered) > 0 {
		done := make([]string, len(e.Delivered))
		for i, ch := range e.Delivered {
			done[i] = fmt.Sprintf("%q", ch)
			if seq := e.Sequences[ch]; seq != "" {
				done[i] += " (sequence id " + seq + ")"
			}
		}
		fmt.Fprintf(&b, "\n\nAlready delivered, and messages cannot be unsent: %s.", strings.Join(done, ", "))
	}
	if len(e.Pending) > 0 {
		fmt.Fprintf(&b, "\n\nNot attempted: %s.", quotedList(e.Pending))
	}
	if ortc.MayHaveArrived(e.Err) {
		b.WriteString("\n\nThe connection broke after the request was sent, so the server may have received it: " +
			"receivers may already have the message, and delivering again may duplicate it.")
	}
	b.WriteString("\n\n" + again + noun + " listed")
	if len(e.Delivered) > 0 {
		b.WriteString(", those already delivered included (remove them from channels to deliver only the rest)")
	}
	b.WriteString(".")
	return b.String()
}

// deliver delivers one message and returns what it computed; progress (may
// be nil) hears of every accepted request, never concurrently. A failure is a
// *deliveryError. It validates nothing the client does not: callers
// validate the configuration first (deliveryConfig.validate).
//
// send: one channel is client.Send, several are client.SendBatch (all or
// nothing). publish: client.Publish per channel, in order, all with one
// framing id; the first failure stops it, and the error names the channels
// already delivered. push: one topic is client.PushPublish, several are
// client.PushPublishBatch (all or nothing).
func deliver(ctx context.Context, client *ortc.Client, in deliveryInput, progress func(deliveryProgress)) (*deliveryResult, error) {
	id := ortc.NewMessageID()
	report := func(chs []string) func(ortc.PartProgress) {
		return func(p ortc.PartProgress) {
			if progress != nil {
				progress(deliveryProgress{Kind: in.Kind, Channels: chs, Part: p.Part, Total: p.Total, SequenceID: p.SequenceID})
			}
		}
	}
	fail := func(err error) error {
		return &deliveryError{Kind: in.Kind, Failed: in.Channels, Err: err}
	}

	switch in.Kind {
	case deliverySend:
		var (
			d   *ortc.Delivery
			err error
		)
		if len(in.Channels) == 1 {
			d, err = client.Send(ctx, ortc.SendInput{Channel: in.Channels[0], Message: in.Message, Token: in.Token, ID: id, Progress: report(in.Channels)})
		} else {
			d, err = client.SendBatch(ctx, ortc.SendBatchInput{Channels: in.Channels, Message: in.Message, Token: in.Token, ID: id, Progress: report(in.Channels)})
		}
		if err != nil {
			return nil, fail(err)
		}
		return &deliveryResult{ID: d.ID, Parts: d.Parts}, nil

	case deliveryPublish:
		res := &deliveryResult{ID: id, SequenceIDs: map[string]string{}}
		for i, ch := range in.Channels {
			d, err := client.Publish(ctx, ortc.PublishInput{Channel: ch, Message: in.Message, TTL: in.TTL, Token: in.Token, ID: id, Progress: report([]string{ch})})
			if err != nil {
				return nil, &deliveryError{Kind: in.Kind, Failed: []string{ch}, Delivered: in.Channels[:i],
					Sequences: res.SequenceIDs, Pending: in.Channels[i+1:], Err: err}
			}
			res.ID, res.Parts, res.SequenceIDs[ch] = d.ID, d.Parts, d.SequenceID
		}
		return res, nil

	case deliveryPush:
		n := ortc.PushNotification{Message: in.Message, Payload: in.Payload, APNS: in.APNS, GCM: in.GCM}
		var err error
		if len(in.Channels) == 1 {
			err = client.PushPublish(ctx, in.Channels[0], n)
		} else {
			err = client.PushPublishBatch(ctx, in.Channels, n)
		}
		if err != nil {
			return nil, fail(err)
		}
		report(in.Channels)(ortc.PartProgress{Part: 1, Total: 1})
		return &deliveryResult{ID: id, Parts: 1}, nil
	}
	return nil, fmt.Errorf("unknown delivery %q", in.Kind)
}
