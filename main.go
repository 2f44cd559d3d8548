// Command terraform-provider-realtime serves the Terraform provider for
// Realtime Cloud Messaging (ORTC).
package main

import (
	"flag"
	"log"

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
