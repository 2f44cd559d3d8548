#!/usr/bin/env bash
# bench.sh [realtime-bench flags]
#
# `make bench`: measures the provider against its physical limits and writes
# BENCHMARKS.md (see internal/bench). Raw `go test -bench` results are kept in
# .bench/ (not committed), and each run is compared with the previous one on
# this machine by benchstat. Needs ./bin/terraform (`make terraform`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x bin/terraform ] || { echo "bench.sh: bin/terraform is missing; run make terraform" >&2; exit 1; }
exec go run ./internal/bench/cmd/realtime-bench -terraform bin/terraform -out BENCHMARKS.md -dir .bench "$@"
