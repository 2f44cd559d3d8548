#!/usr/bin/env bash
# build-cli.sh terraform|tofu VERSION OUT
#
# Builds the Terraform or OpenTofu CLI from the Go module proxy, for machines
# that can reach the proxy but no release download. Terraform's go.mod replaces
# nested modules with local folders that are not in its module zip, so a
# throw-away wrapper module stands each of them in with a stub: the nine remote
# state backends fail with a clear message when configured, and internal/legacy
# (imported by a test file only) is empty. OpenTofu needs only upstream's
# non-local replace directives and godebug block.
set -euo pipefail

kind="${1:?usage: build-cli.sh terraform|tofu VERSION OUT}"
version="${2:?missing VERSION}"; version="${version#v}"
out="$(realpath -m "${3:?missing OUT}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

build_terraform() {
  local backends="azure consul cos gcs kubernetes oci oss pg s3" b
  {
    printf 'module tfbuild\n\ngo 1.25\n\nrequire github.com/hashicorp/terraform v%s\n\nreplace (\n' "$version"
    for b in $backends; do
      printf '\tgithub.com/hashicorp/terraform/internal/backend/remote-state/%s => ./stubs/%s\n' "$b" "$b"
    done
    printf '\tgithub.com/hashicorp/terraform/internal/legacy => ./stubs/legacy\n)\n'
  } > go.mod
  for b in $backends; do
    mkdir -p "stubs/$b"
    printf 'module github.com/hashicorp/terraform/internal/backend/remote-state/%s\n\ngo 1.25\n' "$b" > "stubs/$b/go.mod"
    sed "s/BACKEND/$b/g" > "stubs/$b/backend.go" <<'GO'
// Package BACKEND stands in for a state backend left out of this build.
package BACKEND

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/tfdiags"
	"github.com/zclconf/go-cty/cty"
)

type unavailable struct{ backend.Backend }

func New() backend.Backend { return unavailable{} }

func (unavailable) ConfigSchema() *configschema.Block { return &configschema.Block{} }

func (unavailable) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) {
	var diags tfdiags.Diagnostics
	return v, diags.Append(tfdiags.Sourceless(tfdiags.Error,
		"Backend \"BACKEND\" not available",
		"The \"BACKEND\" state backend is not available in this build of Terraform."))
}

func (u unavailable) Configure(cty.Value) tfdiags.Diagnostics {
	_, diags := u.PrepareConfig(cty.NilVal)
	return diags
}
GO
  done
  mkdir -p stubs/legacy
  printf 'module github.com/hashicorp/terraform/internal/legacy\n\ngo 1.25\n' > stubs/legacy/go.mod
  go build -mod=mod -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
    -o "$out" github.com/hashicorp/terraform
}

build_tofu() {
  printf 'module tofubuild\n\ngo 1.25\n\nrequire github.com/opentofu/opentofu v%s\n' "$version" > go.mod
  local upstream
  upstream="$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
  grep -E '^replace .* => [^.]' "$upstream" >> go.mod || true
  awk '/^godebug \(/{p=1} p{print} p&&/^\)/{p=0} /^godebug [^(]/{print}' "$upstream" >> go.mod
  go build -mod=mod -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$out" github.com/opentofu/opentofu/cmd/tofu
}

case "$kind" in
  terraform) build_terraform ;;
  tofu) build_tofu ;;
  *) echo "build-cli.sh: unknown CLI '$kind' (want terraform or tofu)" >&2; exit 2 ;;
esac
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$out" version
