package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestLettersSemanticEquality(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"pw", "wp", true},
		{"rwp", "prw", true},
		{"rrw", "wr", true},
		{"r", "r", true},
		{"r", "rw", false},
		{"p", "w", false},
		{"rw", "rwp", false},
	} {
		got, diags := NewLettersValue(tc.a).StringSemanticEquals(ctx, NewLettersValue(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%q ≡ %q: %v (%v), want %v", tc.a, tc.b, got, diags, tc.want)
		}
	}
	if _, diags := NewLettersValue("r").StringSemanticEquals(ctx, types.StringValue("r")); !diags.HasError() {
		t.Error("comparing with a plain string is not reported")
	}
}

func TestLettersTypeRoundTrips(t *testing.T) {
	ctx := context.Background()
	v, err := LettersType{}.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "pw"))
	if err != nil {
		t.Fatal(err)
	}
	lv, ok := v.(LettersValue)
	if !ok || lv.ValueString() != "pw" || !lv.Type(ctx).Equal(LettersType{}) {
		t.Fatalf("got %#v", v)
	}
	if NewLettersValue("pw").Equal(NewLettersValue("wp")) {
		t.Error("Equal must be exact; semantic equality is separate")
	}
	if !NewLettersValue("pw").Equal(NewLettersValue("pw")) {
		t.Error("Equal of identical values is false")
	}
}

func TestUseStateWhenSemanticallyEqual(t *testing.T) {
	ctx := context.Background()
	mk := func(m map[string]string) types.Map {
		elems := map[string]attr.Value{}
		for k, v := range m {
			elems[k] = NewLettersValue(v)
		}
		return types.MapValueMust(LettersType{}, elems)
	}
	for _, tc := range []struct {
		name       string
		state, cfg types.Map
		wantState  bool
	}{
		{"letters reordered keep the state", mk(map[string]string{"a": "pw", "b": "r"}), mk(map[string]string{"a": "wp", "b": "r"}), true},
		{"repeats dropped keep the state", mk(map[string]string{"a": "rw"}), mk(map[string]string{"a": "rrww"}), true},
		{"a changed set is planned", mk(map[string]string{"a": "pw"}), mk(map[string]string{"a": "p"}), false},
		{"a reorder beside a real change is planned as written", mk(map[string]string{"a": "pw", "b": "r"}), mk(map[string]string{"a": "wp", "b": "w"}), false},
		{"a new key is planned", mk(map[string]string{"a": "r"}), mk(map[string]string{"a": "r", "b": "r"}), false},
		{"a removed key is planned", mk(map[string]string{"a": "r", "b": "r"}), mk(map[string]string{"a": "r"}), false},
		{"creation has no state", types.MapNull(LettersType{}), mk(map[string]string{"a": "r"}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := planmodifier.MapRequest{Path: path.Root("permissions"), StateValue: tc.state, ConfigValue: tc.cfg, PlanValue: tc.cfg}
			resp := planmodifier.MapResponse{PlanValue: tc.cfg}
			useStateWhenSemanticallyEqual().PlanModifyMap(ctx, req, &resp)
			if resp.Diagnostics.HasError() {
				t.Fatal(resp.Diagnostics)
			}
			gotState := resp.PlanValue.Equal(tc.state) && !tc.state.IsNull()
			if gotState != tc.wantState {
				t.Errorf("planned %v, want state %v", resp.PlanValue, tc.wantState)
			}
			if !tc.wantState && !resp.PlanValue.Equal(tc.cfg) {
				t.Errorf("planned %v, want the configuration %v", resp.PlanValue, tc.cfg)
			}
		})
	}
}
