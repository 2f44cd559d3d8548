package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// The validators every schema of this provider shares. They are built on
// terraform-plugin-framework-validators with the limits and patterns that
// internal/ortc exports, so the API client and the schemas have one source of
// truth, and they run at validate time: a bad value never costs a request.
//
// The framework validators word their diagnostics generically ("value must be
// at least 62, got: 61") and quote the value. Each one is wrapped here so the
// diagnostic names the rule of the Realtime API in the practitioner's words,
// and so that secrets (tokens) are never quoted.

// Rules, worded once for the validators and for the descriptions.
var (
	ruleChannelLength = fmt.Sprintf("channel names must be 1 to %d bytes long", ortc.MaxChannelBytes)
	ruleChannelChars  = "channel names may contain only letters, digits, _ - : / . " +
		"(and end in :* to cover every sub-channel of a main channel, as in main:*)"
	ruleTopicChars   = "push topics may contain only letters, digits, _ - :"
	ruleTokenChars   = "tokens may contain only letters, digits, _ - : / ."
	ruleAppKeyChars  = "application keys may contain only letters, digits, _ - : / ."
	ruleLettersEmpty = "permission letters must not be empty: give at least one of r (read), w (write), p (presence)"
	ruleLettersChars = "permission letters may only be r (read), w (write) and p (presence)"
	ruleTTL          = fmt.Sprintf("must be at least %d seconds (the Realtime API's minimum token TTL)", ortc.MinTTL)
	rulePermissions  = fmt.Sprintf("a token holds 1 to %d channel permissions", ortc.MaxPermissions)
)

// namePattern is ortc.NamePattern without its anchors, for patterns built on it.
var namePattern = unanchored(ortc.NamePattern)

func unanchored(re *regexp.Regexp) string {
	return strings.TrimSuffix(strings.TrimPrefix(re.String(), "^"), "$")
}

// orEmpty also matches "": emptiness is the business of a separate length
// rule, so that "" yields one diagnostic, not two.
func orEmpty(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + pattern + `)?$`)
}

// The character rules of names, tokens, application keys and topics.
var (
	namePatternOrEmpty  = orEmpty(namePattern)
	topicPatternOrEmpty = orEmpty(unanchored(ortc.TopicPattern))
)

// channelPattern accepts what ortc.ValidateChannel accepts as to characters:
// a name, or a main channel (a name without ":") followed by the wildcard
// ":*", as in "main:*". A unit test holds it to ortc.ValidateChannel.
var channelPattern = orEmpty(namePattern + `|` + strings.Replace(namePattern, ":", "", 1) + `:\*`)

// lettersPattern matches any run of permission letters; emptiness is the
// business of a separate length rule so that "" yields one diagnostic, not two.
var lettersPattern = regexp.MustCompile(`^[rwp]*$`)

// channelValidators validate a channel name (also "main:*").
func channelValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthBetween(1, ortc.MaxChannelBytes), "Invalid channel name", ruleChannelLength, showLength),
		stringRule(stringvalidator.RegexMatches(channelPattern, ruleChannelChars), "Invalid channel name", ruleChannelChars, showValue),
	}
}

// presenceChannelValidators validate a channel that travels as the rest of a
// URL path (presence enable, disable, get): on top of channelValidators, no
// empty, "." or ".." segment between slashes, which path cleaning on the way
// would rewrite into another channel. (ortc checks the same before a presence
// call, but does not export that check.)
func presenceChannelValidators() []validator.String {
	return append(channelValidators(), pathChannelValidator{})
}

// reservedAuthFields are the form fields of /authenticate that are not
// channels, so no channel of these names can hold a permission.
var reservedAuthFields = []string{"AT", "PVT", "AK", "PK", "TTL", "TP"}

// permissionChannelValidators validate a channel in a token's permissions:
// on top of channelValidators, not a reserved field name of /authenticate.
// (ortc refuses the same when saving, but does not export the list.)
func permissionChannelValidators() []validator.String {
	return append(channelValidators(),
		stringRule(stringvalidator.NoneOf(reservedAuthFields...), "Invalid channel name",
			"channel names "+strings.Join(reservedAuthFields, ", ")+" are reserved by the API's token form and cannot hold permissions", showValue))
}

type pathChannelValidator struct{}

var _ validator.String = pathChannelValidator{}

const rulePathChannel = `channel names used in a URL path must not hold an empty, "." or ".." segment between slashes`

func (pathChannelValidator) Description(context.Context) string         { return rulePathChannel }
func (pathChannelValidator) MarkdownDescription(context.Context) string { return rulePathChannel }

func (pathChannelValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPathChannel(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid channel name", fmt.Sprintf("%s: %s.", req.Path, err))
	}
}

// checkPathChannel is the rule of pathChannelValidator, for values no schema
// validator sees (import identifiers).
func checkPathChannel(ch string) error {
	for _, seg := range strings.Split(ch, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%s; got %q", rulePathChannel, ch)
		}
	}
	return nil
}

// topicValidators validate a mobile push channel (topic): no "/" or ".".
func topicValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthBetween(1, ortc.MaxChannelBytes), "Invalid push topic", fmt.Sprintf("push topics must be 1 to %d bytes long", ortc.MaxChannelBytes), showLength),
		stringRule(stringvalidator.RegexMatches(topicPatternOrEmpty, ruleTopicChars), "Invalid push topic", ruleTopicChars, showValue),
	}
}

// tokenValidators validate an authentication token without ever quoting it.
func tokenValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthAtLeast(1), "Invalid token", "tokens must not be empty", showNothing),
		stringRule(stringvalidator.RegexMatches(namePatternOrEmpty, ruleTokenChars), "Invalid token", ruleTokenChars, showNothing),
	}
}

// applicationKeyValidators validate an application key (not a secret).
func applicationKeyValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthAtLeast(1), "Invalid application key", "the application key must not be empty", showNothing),
		stringRule(stringvalidator.RegexMatches(namePatternOrEmpty, ruleAppKeyChars), "Invalid application key", ruleAppKeyChars, showValue),
	}
}

// lettersValidators validate one channel's permission letters ("rwp" subset).
func lettersValidators() []validator.String {
	return []validator.String{
		stringRule(stringvalidator.LengthAtLeast(1), "Invalid permission letters", ruleLettersEmpty, showNothing),
		stringRule(stringvalidator.RegexMatches(lettersPattern, ruleLettersChars), "Invalid permission letters", ruleLettersChars, showValue),
	}
}

// permissionsValidators validate a channel → letters map: its size, every key
// as a channel and every value as letters.
func permissionsValidators() []validator.Map {
	return []validator.Map{
		mapRule(mapvalidator.SizeBetween(1, ortc.MaxPermissions), "Too many or too few channel permissions", rulePermissions),
		mapvalidator.KeysAre(permissionChannelValidators()...),
		mapvalidator.ValueStringsAre(lettersValidators()...),
	}
}

// ttlValidators validate a token TTL in seconds.
func ttlValidators() []validator.Int64 {
	return []validator.Int64{
		int64Rule(int64validator.AtLeast(ortc.MinTTL), "TTL too short", ruleTTL),
		int64Rule(int64validator.AtMost(ortc.MaxTTL), "TTL too long", fmt.Sprintf("must be at most %d seconds (about 68 years)", ortc.MaxTTL)),
	}
}

// urlValidators validate an http(s) base URL (server, push; the cluster URL
// may also carry a query of its own, to which the client adds the appkey).
func urlValidators(allowQuery bool) []validator.String {
	return []validator.String{urlValidator{allowQuery: allowQuery}}
}

// durationValidators validate a request timeout: a Go duration ("15s",
// "1m30s") or a whole number of seconds ("15").
func durationValidators() []validator.String {
	return []validator.String{durationValidator{}}
}

// What a rule's diagnostic adds about the offending value.
type shown int

const (
	showNothing shown = iota // secrets and empty values
	showValue                // the value, quoted
	showLength               // the value's length in bytes
)

func describeValue(v string, s shown) string {
	switch s {
	case showValue:
		return fmt.Sprintf("; got %q", v)
	case showLength:
		return fmt.Sprintf("; got %d bytes", len(v))
	default:
		return ""
	}
}

// stringRule runs a framework validator and, when it fails, reports the rule
// in our words instead of the framework's generic message.
func stringRule(inner validator.String, summary, rule string, s shown) validator.String {
	return stringRuleValidator{inner: inner, summary: summary, rule: rule, shown: s}
}

type stringRuleValidator struct {
	inner         validator.String
	summary, rule string
	shown         shown
}

var _ validator.String = stringRuleValidator{}

func (v stringRuleValidator) Description(context.Context) string         { return v.rule }
func (v stringRuleValidator) MarkdownDescription(context.Context) string { return v.rule }

func (v stringRuleValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	var inner validator.StringResponse
	v.inner.ValidateString(ctx, req, &inner)
	if !inner.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary,
		fmt.Sprintf("%s: %s%s.", req.Path, v.rule, describeValue(req.ConfigValue.ValueString(), v.shown)))
}

func int64Rule(inner validator.Int64, summary, rule string) validator.Int64 {
	return int64RuleValidator{inner: inner, summary: summary, rule: rule}
}

type int64RuleValidator struct {
	inner         validator.Int64
	summary, rule string
}

var _ validator.Int64 = int64RuleValidator{}

func (v int64RuleValidator) Description(context.Context) string         { return v.rule }
func (v int64RuleValidator) MarkdownDescription(context.Context) string { return v.rule }

func (v int64RuleValidator) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	var inner validator.Int64Response
	v.inner.ValidateInt64(ctx, req, &inner)
	if !inner.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary,
		fmt.Sprintf("%s %s; got %d.", req.Path, v.rule, req.ConfigValue.ValueInt64()))
}

func mapRule(inner validator.Map, summary, rule string) validator.Map {
	return mapRuleValidator{inner: inner, summary: summary, rule: rule}
}

type mapRuleValidator struct {
	inner         validator.Map
	summary, rule string
}

var _ validator.Map = mapRuleValidator{}

func (v mapRuleValidator) Description(context.Context) string         { return v.rule }
func (v mapRuleValidator) MarkdownDescription(context.Context) string { return v.rule }

func (v mapRuleValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	var inner validator.MapResponse
	v.inner.ValidateMap(ctx, req, &inner)
	if !inner.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, v.summary,
		fmt.Sprintf("%s: %s; got %d.", req.Path, v.rule, len(req.ConfigValue.Elements())))
}

// urlValidator accepts an absolute http or https URL with a host, no user
// information and no fragment; no query either, unless allowQuery.
type urlValidator struct{ allowQuery bool }

var _ validator.String = urlValidator{}

func (v urlValidator) Description(context.Context) string {
	if v.allowQuery {
		return "must be an absolute http:// or https:// URL with a host, and no fragment"
	}
	return "must be an absolute http:// or https:// URL with a host, and no query or fragment"
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v urlValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkBaseURL(req.ConfigValue.ValueString(), v.allowQuery); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// checkBaseURL is the rule behind urlValidator, shared with the environment
// fallbacks that no schema validator sees. It is stricter than the client's
// own check in one way: no credentials in the URL (they would be logged).
func checkBaseURL(raw string, allowQuery bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("must be an absolute http:// or https:// URL; got one that does not parse")
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("must be an http:// or https:// URL; got %q", shown)
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("must be an absolute URL naming a host, such as https://host/path; got %q", shown)
	case u.User != nil:
		return fmt.Errorf("must not carry credentials (user information); got %q", shown)
	case u.Fragment != "":
		return fmt.Errorf("must have no fragment; got %q", shown)
	case !allowQuery && (u.RawQuery != "" || u.ForceQuery):
		return fmt.Errorf("must have no query; got %q", shown)
	}
	return nil
}

// isLoopbackHost reports whether host (a URL's Hostname(): no port, no
// brackets) is this machine: localhost, 127.0.0.0/8 or ::1.
func isLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Bounds of request_timeout.
const (
	minRequestTimeout = 100 * time.Millisecond
	maxRequestTimeout = 10 * time.Minute
)

// durationValidator accepts what parseTimeout accepts.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as \"15s\" or \"1m30s\", or a whole number of seconds, between %s and %s", minRequestTimeout, maxRequestTimeout)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseTimeout(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid request timeout", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

// parseTimeout reads a request timeout: a Go duration ("15s", "1m30s",
// "500ms") or a whole number of seconds ("15").
func parseTimeout(s string) (time.Duration, error) {
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > int64(maxRequestTimeout/time.Second) || n < 0 {
			return 0, fmt.Errorf("must be between %s and %s; got %q", minRequestTimeout, maxRequestTimeout, s)
		}
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("must be a duration such as \"15s\" or \"1m30s\", or a whole number of seconds; got %q", s)
	}
	if d < minRequestTimeout || d > maxRequestTimeout {
		return 0, fmt.Errorf("must be between %s and %s; got %q", minRequestTimeout, maxRequestTimeout, s)
	}
	return d, nil
}

// ruleNoWildcard: messages go to, and presence is read from, one channel.
const ruleNoWildcard = "a wildcard such as main:* stands for many channels: name one concrete channel"

// concreteChannelValidators validate a concrete channel: channelValidators
// without the main:* wildcard.
func concreteChannelValidators() []validator.String {
	return append(channelValidators(), noWildcardValidator{})
}

// noWildcardValidator refuses a well-formed main:* wildcard; a malformed one
// is channelValidators' to report, so each bad value gets one diagnostic.
type noWildcardValidator struct{}

var _ validator.String = noWildcardValidator{}

func (noWildcardValidator) Description(context.Context) string         { return ruleNoWildcard }
func (noWildcardValidator) MarkdownDescription(context.Context) string { return ruleNoWildcard }

func (noWildcardValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if ch := req.ConfigValue.ValueString(); strings.HasSuffix(ch, ":*") && ortc.ValidateChannel(ch) == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid channel name",
			fmt.Sprintf("%s: %s%s.", req.Path, ruleNoWildcard, describeValue(ch, showValue)))
	}
}

// concretePresenceChannelValidators validate a concrete channel read as the
// rest of a URL path (presence reads).
func concretePresenceChannelValidators() []validator.String {
	return append(concreteChannelValidators(), pathChannelValidator{})
}

// jsonObjectValidators validate a JSON string (such as a
// jsontypes.Normalized attribute) as a JSON object. Syntax errors are the
// JSON type's to report; this adds "an object, not an array or a scalar".
func jsonObjectValidators() []validator.String {
	return []validator.String{jsonObjectValidator{}}
}

const ruleJSONObject = "must be a JSON object, such as jsonencode({ sound = \"default\" })"

type jsonObjectValidator struct{}

var _ validator.String = jsonObjectValidator{}

func (jsonObjectValidator) Description(context.Context) string         { return ruleJSONObject }
func (jsonObjectValidator) MarkdownDescription(context.Context) string { return ruleJSONObject }

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var v any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &v); err != nil {
		return // not JSON at all: the JSON type says so
	}
	if _, ok := v.(map[string]any); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Not a JSON object",
			fmt.Sprintf("%s %s; got %s.", req.Path, ruleJSONObject, jsonKind(v)))
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	default:
		return "null"
	}
}
