#!/usr/bin/env bash
# terraform.sh [VERSION]
#
# Makes ./bin/terraform a Terraform CLI of at least 1.14 (actions need it) and
# prints its absolute path. A `terraform` on PATH is reused when it is new
# enough; otherwise VERSION (default 1.16.2) is built from the Go module proxy
# into ./bin/terraform-VERSION once and reused from then on. Nothing is
# downloaded from anywhere but the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
want="${1:-1.16.2}"
mkdir -p bin

version_of() { # prints X.Y.Z of a terraform binary, or nothing
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\)".*/\1/p' | head -n1
}
at_least_1_14() { # $1 = X.Y.Z
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  [ "${major:-0}" -gt 1 ] || { [ "${major:-0}" -eq 1 ] && [ "${minor:-0}" -ge 14 ]; }
}

if [ -z "${REALTIME_BUILD_TERRAFORM:-}" ] && found="$(command -v terraform 2>/dev/null)" &&
  [ "$(readlink -f "$found")" != "$(readlink -f bin/terraform 2>/dev/null || true)" ]; then
  v="$(version_of "$found")"
  if [ -n "$v" ] && at_least_1_14 "$v"; then
    ln -sfn "$found" bin/terraform
    echo "$PWD/bin/terraform"
    exit 0
  fi
  echo "terraform.sh: $found is ${v:-of unknown version}, older than 1.14: using Terraform $want from ./bin" >&2
fi

built="bin/terraform-$want"
if [ ! -x "$built" ] || [ "$(version_of "$built")" != "$want" ]; then
  echo "terraform.sh: building Terraform $want from the Go module proxy (about 2 minutes cold)" >&2
  scripts/build-cli.sh terraform "$want" "$built" >&2
fi
ln -sfn "terraform-$want" bin/terraform
echo "$PWD/bin/terraform"
