#!/usr/bin/env bash
# matrix.sh CLI...
#
# Runs the provider's acceptance tests against each Terraform or OpenTofu CLI
# given (paths of binaries, such as bin/terraform-1.12.2 bin/tofu-1.12.6),
# without the race detector (`make test` runs them with it on the newest
# Terraform). Tests of features a CLI lacks skip by version (tfversion); every
# other test must pass. Prints which CLI ran, how long it took, the counts of
# passed, skipped and failed tests, and every skip with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
read -r -a flags <<<"${MATRIX_FLAGS:--count=1 -p 2 -parallel 4 -timeout 30m}"
logs="${MATRIX_LOGS:-$(mktemp -d)}"
mkdir -p "$logs"
failed=()

for cli in "$@"; do
  cli="$(realpath "$cli")"
  [ -x "$cli" ] || { echo "matrix: $cli is not an executable CLI" >&2; exit 2; }
  version="$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$cli" version | head -n1)"
  env=(TF_ACC=1 "TF_ACC_TERRAFORM_PATH=$cli" CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null)
  case "$version" in
    OpenTofu*) env+=(TF_ACC_PROVIDER_HOST=registry.opentofu.org) ;; # else "legacy provider namespace"
  esac
  log="$logs/$(basename "$cli").log"
  printf '\n--- matrix: %s (%s)\n' "$version" "$cli"
  start=$SECONDS
  rc=0
  env "${env[@]}" "$GO" test "${flags[@]}" -v ./internal/provider/... >"$log" 2>&1 || rc=$?
  count() { grep -cE "^ *--- $1: " "$log" || true; }
  printf -- '--- matrix: %s: %s in %ds: %s passed, %s skipped, %s failed (tests and subtests; log %s)\n' \
    "$version" "$([ "$rc" -eq 0 ] && echo ok || echo FAILED)" "$((SECONDS - start))" \
    "$(count PASS)" "$(count SKIP)" "$(count FAIL)" "$log"
  # Each skip with its reason: the last line its test logged (in -v output a
  # test's log lines follow the "=== RUN/CONT/NAME <test>" line naming it).
  awk '
    /^=== (RUN|CONT|NAME|PAUSE) / { cur = $3; next }
    /^ *--- / { if ($2 == "SKIP:") skipped[++n] = $3; next }
    /^ +[^ ]+\.go:[0-9]+: / { r = $0; sub(/^ +[^ ]+\.go:[0-9]+: /, "", r); reason[cur] = r }
    END { for (i = 1; i <= n; i++) printf "    skipped %s: %s\n", skipped[i], reason[skipped[i]] }
  ' "$log"
  if [ "$rc" -ne 0 ]; then
    failed+=("$version")
    grep -E '^ *--- FAIL: |^(FAIL|panic:)' "$log" | head -n 40 || true
    echo "    (last lines of the log:)"
    tail -n 30 "$log" | sed 's/^/    /'
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  printf '\nmatrix: FAILED on %s\n' "${failed[*]}"
  exit 1
fi
printf '\nmatrix: ok on every CLI\n'
