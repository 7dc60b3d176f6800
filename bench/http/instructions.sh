#!/usr/bin/env bash
# CPU instructions and CPU time per request of one server at full load (50 connections), counted by
# `perf stat` on the server process alone: instruction counts barely move with the machine's noise,
# where times do. Needs `perf` (Debian: linux-perf). Run from the repository root after `npm install`:
#   bash bench/http/instructions.sh isorun|isolated-vm [requests]
set -u
cd "$(dirname "$0")/../.."
which=${1:-isorun}
requests=${2:-8000}
PORT=${PORT:-8096}
case "$which" in
  isorun) server=(node --no-node-snapshot dist/server/main.js) ;;
  isolated-vm) server=(node --no-node-snapshot bench/http/servers/fastify-isolated-vm.mjs) ;;
  *) echo "usage: $0 isorun|isolated-vm [requests]" >&2; exit 2 ;;
esac
command -v perf > /dev/null || { echo "perf is not installed" >&2; exit 1; }
ISORUN_PORT=$PORT ISORUN_HOST=127.0.0.1 ISORUN_LOG_LEVEL=warn BENCH_PORT=$PORT "${server[@]}" > /dev/null 2>&1 &
pid=$!
trap 'kill $pid 2> /dev/null' EXIT
sleep 3
load() {
  node bench/node_modules/autocannon/autocannon.js -c 50 -a "$1" -m POST -H content-type=application/json \
    -b '{"code":"(a,b)=>a+b","args":[1,2]}' "http://127.0.0.1:$PORT/run" 2>&1 | grep -E "requests in|2xx"
}
load 3000 > /dev/null # warm-up: the pool grows, the code paths are compiled
counts=$(mktemp)
perf stat -e instructions,task-clock -x, -p $pid -o "$counts" &
perf_pid=$!
sleep 0.3
summary=$(load "$requests")
kill -INT $perf_pid
wait $perf_pid 2> /dev/null
instructions=$(grep ',instructions' "$counts" | cut -d, -f1)
cpu_ms=$(grep ',task-clock' "$counts" | cut -d, -f1)
echo "$which: $(echo "$summary" | tr '\n' ' ')"
awk -v i="$instructions" -v c="$cpu_ms" -v n="$requests" -v w="$which" \
  'BEGIN { printf "%s: %.2f M instructions and %.0f µs of CPU per request (%d requests)\n", w, i / n / 1e6, c * 1000 / n, n }'
