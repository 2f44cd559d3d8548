// Package provider is the Terraform glue of the Realtime provider: schemas,
// models, plan logic and diagnostics. It holds no HTTP; every call goes
// through internal/ortc.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = (*realtimeProvider)(nil)

type realtimeProvider struct {
	version string
}

// New returns a factory for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &realtimeProvider{version: version} }
}

func (p *realtimeProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "realtime"
	resp.Version = p.version
}

func (p *realtimeProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{}
}

func (p *realtimeProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *realtimeProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *realtimeProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
