package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The examples under examples/ are what the registry docs show. Every one of
// them is applied here against the emulator, so an example that drifts from
// the schema fails a test instead of a practitioner.

const examplesDir = "../../examples"

func readExample(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, rel))
	if err != nil {
		t.Fatalf("example %s: %v", rel, err)
	}
	return string(b)
}

// TestExamples_everyTypeHasOne checks that each type the provider serves has
// its example where tfplugindocs looks for it.
func TestExamples_everyTypeHasOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p, ok := New("test")().(provider.ProviderWithEphemeralResources)
	if !ok {
		t.Fatal("the provider serves no ephemeral resources")
	}
	pa, ok := p.(provider.ProviderWithActions)
	if !ok {
		t.Fatal("the provider serves no actions")
	}
	want := map[string]string{"provider/provider.tf": "provider"}
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "realtime"}, &resp)
		want["resources/"+resp.TypeName+"/resource.tf"] = resp.TypeName
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "realtime"}, &resp)
		want["data-sources/"+resp.TypeName+"/data-source.tf"] = resp.TypeName
	}
	for _, f := range p.EphemeralResources(ctx) {
		var resp ephemeral.MetadataResponse
		f().Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "realtime"}, &resp)
		want["ephemeral-resources/"+resp.TypeName+"/ephemeral-resource.tf"] = resp.TypeName
	}
	for _, f := range pa.Actions(ctx) {
		var resp action.MetadataResponse
		f().Metadata(ctx, action.MetadataRequest{ProviderTypeName: "realtime"}, &resp)
		want["actions/"+resp.TypeName+"/action.tf"] = resp.TypeName
	}
	if len(want) < 13 { // the provider block and 12 types
		t.Fatalf("only %d types found: %v", len(want), want)
	}
	for rel, name := range want {
		if _, err := os.Stat(filepath.Join(examplesDir, rel)); err != nil {
			t.Errorf("%s has no example: %v", name, err)
		}
	}
}

// TestAccExamples applies every resource, data source, action and ephemeral
// resource example against the emulator, then destroys it.
func TestAccExamples(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(examplesDir, "*", "realtime_*", "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, file := range files {
		rel, _ := filepath.Rel(examplesDir, file)
		if strings.HasSuffix(rel, "import-by-identity.tf") {
			continue // TestAccExamples_import
		}
		t.Run(rel, func(t *testing.T) {
			e := newTestEnv(t)
			// The push examples notify the devices on "customers".
			e.Emulator.AddDevices(e.AppKey, "customers", "example-device-1")
			minimum := tfversion.Version1_0_0
			switch strings.SplitN(rel, string(filepath.Separator), 2)[0] {
			case "actions":
				minimum = tfversion.Version1_14_0
			case "ephemeral-resources":
				minimum = tfversion.Version1_10_0
			}
			if example := readExample(t, rel); minimum.LessThan(tfversion.Version1_11_0) &&
				(strings.Contains(example, "_wo ") || strings.Contains(example, "_wo_version")) {
				minimum = tfversion.Version1_11_0 // write-only attributes
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: e.Factories(),
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(minimum)},
				Steps: []tfresource.TestStep{{
					Config: e.ProviderBlock() + readExample(t, rel),
				}},
			})
		})
	}
}

// TestAccExamples_provider plans the provider example as it stands: it must
// configure without a request.
func TestAccExamples_provider(t *testing.T) {
	e := newTestEnv(t)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: e.Factories(),
		Steps: []tfresource.TestStep{{
			Config:   readExample(t, "provider/provider.tf"),
			PlanOnly: true,
		}},
	})
	e.ExpectNoRequests()
}

var importCommand = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)$`)

// TestAccExamples_import runs the import examples of realtime_channel_presence
// (by ID from import.sh, by identity from import-by-identity.tf) against a
// channel whose presence was switched on outside Terraform.
func TestAccExamples_import(t *testing.T) {
	t.Parallel()
	const dir = "resources/realtime_channel_presence/"
	m := importCommand.FindStringSubmatch(readExample(t, dir+"import.sh"))
	if m == nil {
		t.Fatal("import.sh has no terraform import command")
	}
	address, id := m[1], m[2]
	byIdentity := readExample(t, dir+"import-by-identity.tf")
	if !strings.Contains(byIdentity, `"myAppKey"`) || !strings.Contains(byIdentity, address) {
		t.Fatalf("import-by-identity.tf does not import %s of myAppKey", address)
	}

	t.Run("by ID", func(t *testing.T) {
		e := newTestEnv(t)
		resourceBlock := "resource \"realtime_channel_presence\" \"lobby\" {\n  channel = \"" + id + "\"\n}\n"
		tfresource.ParallelTest(t, tfresource.TestCase{
			ProtoV6ProviderFactories: e.Factories(),
			Steps: []tfresource.TestStep{
				{Config: e.ProviderBlock() + resourceBlock},
				{
					Config:            e.ProviderBlock() + resourceBlock,
					ResourceName:      address,
					ImportState:       true,
					ImportStateId:     id,
					ImportStateVerify: true,
				},
			},
		})
	})

	t.Run("by identity", func(t *testing.T) {
		e := newTestEnv(t)
		resourceBlock := "resource \"realtime_channel_presence\" \"lobby\" {\n  channel = \"" + id + "\"\n}\n"
		importBlock := strings.ReplaceAll(byIdentity, `"myAppKey"`, `"`+e.AppKey+`"`)
		tfresource.ParallelTest(t, tfresource.TestCase{
			ProtoV6ProviderFactories: e.Factories(),
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
			Steps: []tfresource.TestStep{
				{
					PreConfig: func() { e.enablePresence(t, id, false) },
					Config:    e.ProviderBlock() + resourceBlock + importBlock,
					Check:     e.CheckPresence(id, false),
				},
			},
		})
	})
}
