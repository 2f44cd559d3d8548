package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// Permission letters ("r", "w", "p") are a set: "pw" and "wp" grant the same.
// LettersType is a string type whose values are semantically equal when they
// hold the same set (ortc.NormalizeLetters), so a value the practitioner
// wrote is never "changed" into its canonical spelling after an apply or a
// read. Semantic equality does not reach the plan, though (Terraform core
// diffs configuration against state); useStateWhenSemanticallyEqual, a map
// plan modifier, closes that gap for maps of these values.

var (
	_ basetypes.StringTypable                    = LettersType{}
	_ basetypes.StringValuableWithSemanticEquals = LettersValue{}
)

// LettersType is the attr.Type of permission letters.
type LettersType struct {
	basetypes.StringType
}

// String returns a human readable name of the type.
func (t LettersType) String() string { return "provider.LettersType" }

// Equal reports whether o is a LettersType.
func (t LettersType) Equal(o attr.Type) bool {
	_, ok := o.(LettersType)
	return ok
}

// ValueType returns the value type of this type.
func (t LettersType) ValueType(context.Context) attr.Value { return LettersValue{} }

// ValueFromString wraps a framework string.
func (t LettersType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return LettersValue{StringValue: in}, nil
}

// ValueFromTerraform builds a value from its Terraform representation.
func (t LettersType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return LettersValue{StringValue: s}, nil
}

// LettersValue is a value of LettersType.
type LettersValue struct {
	basetypes.StringValue
}

// NewLettersValue returns a known LettersValue.
func NewLettersValue(s string) LettersValue {
	return LettersValue{StringValue: types.StringValue(s)}
}

// Type returns LettersType.
func (v LettersValue) Type(context.Context) attr.Type { return LettersType{} }

// Equal is exact equality (the same spelling), as the framework requires.
func (v LettersValue) Equal(o attr.Value) bool {
	other, ok := o.(LettersValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both values grant the same letters.
func (v LettersValue) StringSemanticEquals(_ context.Context, o basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := o.(LettersValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected a permission letters value, got %T. This is a bug in the provider.", o))
		return false, diags
	}
	return lettersEquivalent(v.ValueString(), other.ValueString()), diags
}

// lettersEquivalent reports whether two spellings grant the same letters.
func lettersEquivalent(a, b string) bool {
	return ortc.NormalizeLetters(a) == ortc.NormalizeLetters(b)
}

// useStateWhenSemanticallyEqual plans the prior state's map when the
// configuration holds the same keys with semantically equal values, so that
// rewriting "pw" as "wp" plans no change. Terraform accepts a planned value
// that equals the prior state in place of the configuration's; it does not
// accept a mix of both, so when anything else in the map changed the plan is
// the configuration as written.
func useStateWhenSemanticallyEqual() planmodifier.Map { return semanticMapModifier{} }

type semanticMapModifier struct{}

var _ planmodifier.Map = semanticMapModifier{}

func (semanticMapModifier) Description(context.Context) string {
	return "Keeps the prior value when the configuration differs from it only in spelling (such as permission letters in another order)."
}

func (m semanticMapModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (semanticMapModifier) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if req.PlanValue.Equal(req.StateValue) {
		return
	}
	equal, diags := mapsSemanticallyEqual(ctx, req.PlanValue, req.StateValue)
	resp.Diagnostics.Append(diags...)
	if equal {
		resp.PlanValue = req.StateValue
	}
}

// mapsSemanticallyEqual reports whether a and b have the same keys and, key
// by key, equal or semantically equal values. Unknown elements never are.
func mapsSemanticallyEqual(ctx context.Context, a, b types.Map) (bool, diag.Diagnostics) {
	ae, be := a.Elements(), b.Elements()
	if len(ae) != len(be) {
		return false, nil
	}
	for k, av := range ae {
		bv, ok := be[k]
		if !ok || av.IsUnknown() || bv.IsUnknown() {
			return false, nil
		}
		if av.Equal(bv) {
			continue
		}
		as, ok := av.(basetypes.StringValuableWithSemanticEquals)
		if !ok {
			return false, nil
		}
		bs, ok := bv.(basetypes.StringValuable)
		if !ok {
			return false, nil
		}
		eq, diags := as.StringSemanticEquals(ctx, bs)
		if diags.HasError() || !eq {
			return false, diags
		}
	}
	return true, nil
}
