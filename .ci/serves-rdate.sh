#!/usr/bin/env bash
# Start EXECUTABLE [ARGS...] on a free loopback port, ask it with rdate -p and with the rfc868-client
# symlink beside it, show the runtime tuning in its environment, and stop it (exit 0 expected).
set -euo pipefail
executable=$1
shift
served=$(mktemp)
trap 'rm -f "$served"' EXIT
"$executable" "$@" --host 127.0.0.1 --port 0 --quiet >"$served" 2>&1 &
pid=$!
# Up to a minute: under emulation the start takes seconds.
for _ in $(seq 600); do grep -q '^listening on port' "$served" || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^listening on port //p' "$served")
if [ -z "$port" ]; then
  cat "$served" >&2
  kill "$pid" 2>/dev/null || true
  exit 1
fi
rdate -p -o "$port" 127.0.0.1
"$(dirname "$executable")/rfc868-client" 127.0.0.1 --port "$port"
tr '\0' '\n' </proc/$pid/environ | grep -E '^(BUN_JSC_useFTLJIT|BUN_GC_TIMER_DISABLE|MIMALLOC_PURGE_DELAY)='
kill "$pid"
wait "$pid"
