package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6Server returns the factory of the provider's protocol 6
// server, for main.go: the framework's server, with the write-only action
// attributes marked (see actionWriteOnlyServer).
func NewProtocol6Server(version string) func() (tfprotov6.ProviderServer, error) {
	return protocol6Server(New(version))
}

// protocol6Server serves the provider that factory makes; the acceptance
// tests serve theirs (fake clock, own environment) through it too, so that
// they test the server Terraform talks to.
func protocol6Server(factory func() provider.Provider) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		s, err := providerserver.NewProtocol6WithError(factory())()
		if err != nil {
			return nil, err
		}
		full, ok := s.(fullProviderServer)
		if !ok {
			return nil, fmt.Errorf("the framework's server %T lacks the action, list or state store RPCs", s)
		}
		return actionWriteOnlyServer{full}, nil
	}
}

// fullProviderServer is every RPC the framework's server answers: the
// temporary interfaces of terraform-plugin-go must stay visible through the
// wrapper, or Terraform would find no actions.
//
//nolint:staticcheck // SA1019: deprecated only in favour of ProviderServer holding them all, which it does not yet; tf6server asserts these.
type fullProviderServer interface {
	tfprotov6.ProviderServerWithActions
	tfprotov6.ProviderServerWithListResource
	tfprotov6.ProviderServerWithStateStores
}

// actionWriteOnlyAttributes are the action attributes Terraform must treat
// as write-only: they accept ephemeral values, which Terraform leaves out of
// the plan.
var actionWriteOnlyAttributes = map[string]bool{attrMessageWO: true}

// actionSensitiveAttributes are the action attributes Terraform must treat
// as sensitive (redacted in plan output and the UI). The framework's action
// schema has no Sensitive field (its attributes report IsSensitive false),
// so the flag is set here too.
var actionSensitiveAttributes = map[string]bool{attrToken: true, attrMessageWO: true}

// actionWriteOnlyServer marks actionWriteOnlyAttributes write-only and
// actionSensitiveAttributes sensitive in the action schemas it hands
// Terraform.
//
// Why not WriteOnly: true in the action schema: terraform-plugin-framework
// v1.19.0 has the field, but its ValidateActionConfig runs the schema
// validation with WriteOnlyAttributesAllowed hard-coded false, so any value
// set in a write-only action attribute fails with "WriteOnly Attribute Not
// Allowed ... only supported in Terraform 1.11 and later", whatever the
// Terraform version. For actions the flag means nothing else to the
// framework (it keeps no plan or state of an action), so the framework's
// schema leaves it off and Terraform is told here. When the framework
// validates action write-only attributes properly, set WriteOnly in
// deliveryActionAttributes and drop this wrapper;
// TestActionWriteOnlyFrameworkStillRefuses says when.
type actionWriteOnlyServer struct {
	fullProviderServer
}

func (s actionWriteOnlyServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	resp, err := s.fullProviderServer.GetProviderSchema(ctx, req)
	if resp == nil {
		return resp, err
	}
	for _, a := range resp.ActionSchemas {
		if a == nil || a.Schema == nil || a.Schema.Block == nil {
			continue
		}
		for _, attr := range a.Schema.Block.Attributes {
			if actionWriteOnlyAttributes[attr.Name] {
				attr.WriteOnly = true
			}
			if actionSensitiveAttributes[attr.Name] {
				attr.Sensitive = true
			}
		}
	}
	return resp, err
}
