// Command terraform-provider-realtime serves the Terraform provider for
// Realtime Cloud Messaging (ORTC).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/provider"
)

//go:generate go tool -modfile=tools/go.mod tfplugindocs generate --provider-name realtime

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/ortc-terraform/realtime",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
