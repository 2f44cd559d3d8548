#!/usr/bin/env bash
# Conformance run: the vendor's Node.js SDK (sdk.js) against the emulator.
#
# Builds internal/emulator/cmd/realtime-emulator, serves it on 127.0.0.57:80
# (the SDK's cluster lookup ignores any port and always dials port 80;
# binding it needs root), seeds subscribers on the checked channel, runs
# `npm ci` when node_modules is missing, then sdk.js. The emulator is always
# stopped. Override the address with CONFORMANCE_ADDR (host:80).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
addr="${CONFORMANCE_ADDR:-127.0.0.57:80}"
host="${addr%:*}"
work="$(mktemp -d)"
pid=""

cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the emulator"
(cd "$root" && go build -o "$work/realtime-emulator" ./internal/emulator/cmd/realtime-emulator)

cat > "$work/seed.json" <<'JSON'
{
  "apps": [{"key": "conformance-app", "privateKey": "conformance-private", "enforceAuth": true}],
  "subscribers": [
    {"app": "conformance-app", "channel": "conformance:room", "metadata": "user:ann", "count": 2},
    {"app": "conformance-app", "channel": "conformance:room", "metadata": "user:bob", "count": 1},
    {"app": "conformance-app", "channel": "conformance:room", "count": 1}
  ]
}
JSON

"$work/realtime-emulator" -listen "$addr" -seed "$work/seed.json" >"$work/stdout" 2>"$work/stderr" &
pid=$!

base=""
for _ in $(seq 1 100); do
  base="$(head -n 1 "$work/stdout" 2>/dev/null || true)"
  [ -n "$base" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the emulator did not start:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "the emulator printed no URL within 10 s" >&2
  exit 1
fi
echo "emulator at $base"

cd "$here"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
node sdk.js "http://$host/server/2.1" conformance-app conformance-private \
  '{"subscriptions":4,"metadata":{"user:ann":2,"user:bob":1}}' | tee "$work/sdk.out"

# What the SDK saved is what the emulator holds: exactly its permissions and
# TTL, for the one token it saved (the refused save left nothing).
token="$(sed -n 's/^token: //p' "$work/sdk.out")"
tokens="$(curl -fsS "$base/_emulator/tokens?app=conformance-app")"
node -e '
  const [token, json] = process.argv.slice(1);
  const all = JSON.parse(json);
  const t = all.find((x) => x.token === token);
  const want = JSON.stringify({"conformance:room": "wp"});
  if (all.length !== 1 || !t || JSON.stringify(t.permissions) !== want || t.ttl !== 1800 || t.private !== false) {
    console.error("FAIL: the emulator holds " + json + ", want only " + token + " with " + want + ", TTL 1800, not private");
    process.exit(1);
  }
  console.log("emulator record: " + token + " " + want + " TTL 1800");
' "$token" "$tokens"

# What the emulator saw: every SDK call went through the balancer first.
if counters="$(curl -fsS "$base/_emulator/counters" 2>/dev/null)"; then
  echo "emulator counters: $counters"
fi
