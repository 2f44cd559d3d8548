#!/usr/bin/env bash
# demo.sh — the provider's main job on an embedded default, in one command.
#
# Starts the emulator on loopback with a demo application, points Terraform at
# the freshly built provider through a dev_overrides CLI config in a temp dir,
# applies examples/demo, prints the outputs, shows that a second plan has no
# changes and what the emulator received, then stops the emulator. Each step is
# announced; a failure names the step and leaves nothing running.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
terraform="$root/bin/terraform"
provider="$root/bin/terraform-provider-realtime"
emulator_bin="$root/bin/realtime-emulator"

work="$(mktemp -d)"
emu_pid=""
current=""
cleanup() {
  local rc=$?
  if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
    kill "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  if [ "$rc" -ne 0 ]; then
    echo "demo: FAILED during: ${current:-setup} (exit $rc)" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { current="$*"; printf '\n==> %s\n' "$*"; }

step "checking the provider and Terraform builds"
[ -x "$provider" ] || { echo "missing $provider: run make build" >&2; exit 1; }
[ -x "$terraform" ] || { echo "missing $terraform: run make terraform" >&2; exit 1; }
CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$terraform" version | head -n1

step "building the emulator"
(cd "$root" && go build -o "$emulator_bin" ./internal/emulator/cmd/realtime-emulator)

step "starting the emulator on loopback with the demo application"
mkfifo "$work/emulator.out"
"$emulator_bin" -listen 127.0.0.1:0 -seed "$root/examples/demo/seed.json" >"$work/emulator.out" 2>"$work/emulator.err" &
emu_pid=$!
exec 3<"$work/emulator.out"
if ! read -r -t 20 base <&3; then
  cat "$work/emulator.err" >&2
  exit 1
fi
cat <&3 >/dev/null &  # keep draining its output
echo "emulator at $base (pid $emu_pid)"

step "writing a dev_overrides CLI config for the local provider build"
cat >"$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "ortc-terraform/realtime" = "$(dirname "$provider")"
  }
  direct {}
}
CFG
cp "$root/examples/demo/main.tf" "$work/"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export REALTIME_APPLICATION_KEY=demo-app REALTIME_PRIVATE_KEY=demo-private-key
export REALTIME_CLUSTER_URL="$base/server/2.1" REALTIME_PUSH_URL="$base/mp"
tf() { "$terraform" -chdir="$work" "$@" -no-color; }

step "terraform init"
tf init -input=false | grep -v '^$' | tail -n 3

step "terraform apply"
tf apply -input=false -auto-approve

step "outputs"
tf output

step "a second plan (expect: no changes)"
set +e
tf plan -input=false -detailed-exitcode >"$work/plan2.txt"
plan_rc=$?
set -e
tail -n 3 "$work/plan2.txt"
if [ "$plan_rc" -ne 0 ]; then
  echo "the second plan is not empty (exit $plan_rc):" >&2
  cat "$work/plan2.txt" >&2
  exit 1
fi

step "what the emulator received"
admin() { curl -fsS "$base/_emulator/$1"; }
if command -v jq >/dev/null 2>&1; then
  echo "tokens:";    admin "tokens?app=demo-app"   | jq -c '.[] | {token, permissions, private}'
  echo "presence:";  admin "presence?app=demo-app" | jq -c '.[] | {channel, enabled, metadata}'
  echo "messages:";  admin "messages?app=demo-app" | jq -c '.[] | {channel, id, parts: .total, complete, text}'
  echo "pushes:";    admin "pushes?app=demo-app"   | jq -c '.[] | {channels, message}'
  echo "requests:";  admin "counters?app=demo-app" | jq -c .
else
  for what in tokens presence messages pushes counters; do echo "$what:"; admin "$what?app=demo-app"; echo; done
fi

step "stopping the emulator"
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=""
current=""
echo "demo: done"
