package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protoServer serves the provider in process over the plugin protocol,
// configured for the test's emulator, so that a test can make the calls a
// Terraform CLI would, in an order or a form no CLI at hand makes: Renew
// (Terraform calls it once RenewAt has passed in real time, which an
// acceptance test cannot wait for), or a read without identity (Terraform
// before 1.12).
type protoServer struct {
	t       *testing.T
	srv     tfprotov6.ProviderServer
	schemas *tfprotov6.GetProviderSchemaResponse
}

func newProtoServer(t *testing.T, e *testEnv) *protoServer {
	t.Helper()
	ctx := context.Background()
	srv, err := providerserver.NewProtocol6WithError(newWithClockAndEnv("test", e.Clock.Now, e.getenv)())()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(sch.Diagnostics) > 0 {
		t.Fatalf("schema: %v %v", err, sch.Diagnostics)
	}
	cfg := protoObject(t, sch.Provider, map[string]tftypes.Value{
		"application_key": tftypes.NewValue(tftypes.String, e.AppKey),
		"private_key":     tftypes.NewValue(tftypes.String, e.PrivateKey),
		"cluster_url":     tftypes.NewValue(tftypes.String, e.ClusterURL()),
		"push_url":        tftypes.NewValue(tftypes.String, e.PushURL()),
	})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, protoDiags(resp.Diagnostics))
	}
	return &protoServer{t: t, srv: srv, schemas: sch}
}

// protoObject is the DynamicValue of an object of schema s: the given
// attributes, every other one null.
func protoObject(t *testing.T, s *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := s.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T", s.ValueType())
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := set[name]; ok {
			vals[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func protoDiags(ds []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "[%v] %s: %s; ", d.Severity, d.Summary, d.Detail)
	}
	return b.String()
}

// protoAttributes reads an object DynamicValue of schema s; nil for null.
func protoAttributes(t *testing.T, s *tfprotov6.Schema, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	t.Helper()
	v, err := dv.Unmarshal(s.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	if v.IsNull() {
		return nil
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// OpenToken opens realtime_token with the given attributes and returns the
// result's attributes, the private data and RenewAt.
func (s *protoServer) OpenToken(set map[string]tftypes.Value) (map[string]tftypes.Value, []byte, time.Time) {
	s.t.Helper()
	schema := s.schemas.EphemeralResourceSchemas["realtime_token"]
	resp, err := s.srv.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "realtime_token", Config: protoObject(s.t, schema, set),
	})
	if err != nil || len(resp.Diagnostics) > 0 {
		s.t.Fatalf("open: %v %s", err, protoDiags(resp.Diagnostics))
	}
	return protoAttributes(s.t, schema, resp.Result), resp.Private, resp.RenewAt
}

func protoString(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func protoPerms(m map[string]string) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for k, v := range m {
		vals[k] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, vals)
}
