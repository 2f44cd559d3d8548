// Command terraform-provider-realtime serves the Terraform provider for
// Realtime Cloud Messaging (ORTC).
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/provider"
)

//go:generate go tool -modfile=tools/go.mod tfplugindocs generate --provider-name realtime

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietLogsUnlessAsked()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// The framework's server with the provider's adjustments (see
	// provider.NewProtocol6Server), served as providerserver.Serve would.
	factory := provider.NewProtocol6Server(version)
	err := tf6server.Serve("registry.terraform.io/ortc-terraform/realtime", func() tfprotov6.ProviderServer {
		s, err := factory()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// quietLogsUnlessAsked turns the plugin SDK's and the provider's loggers off
// when nobody asked for logs. Their level comes from TF_LOG_SDK* and
// TF_LOG_PROVIDER_REALTIME, and an unset level means TRACE: every RPC would
// then write JSON log lines that Terraform parses only to drop them, which
// costs a fifth of a plan's wall time (measured in BENCHMARKS.md). With
// TF_LOG or TF_LOG_PROVIDER set, or any of these variables, nothing changes.
func quietLogsUnlessAsked() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_REALTIME"} {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, "off")
		}
	}
}
