#!/usr/bin/env bash
# Good traffic next to endless loops and memory bombs, 20 s, all against 127.0.0.1.
# Run from the repository root after `npm install`: bash bench/http/hostile-mix.sh
set -u
# EXTRA_ENV="ISORUN_X=1 ..." adds server settings; NODE_EXTRA=--perf-basic-prof adds node flags (for perf).
cd "$(dirname "$0")/../.."
PORT=${PORT:-8095}
AC=bench/node_modules/autocannon/autocannon.js
out=$(mktemp -d)
env ISORUN_PORT=$PORT ISORUN_LOG_LEVEL=warn ${EXTRA_ENV:-} node --no-node-snapshot ${NODE_EXTRA:-} dist/server/main.js > /dev/null 2>&1 &
server=$!
sleep 3
post() { node $AC -c "$1" -d 20 -m POST -H content-type=application/json -b "$2" "http://127.0.0.1:$PORT/run" > "$out/$3.txt" 2>&1 & }
post 40 '{"code":"(a,b)=>a+b","args":[1,2]}' good
post 5 '{"code":"while(true){}","timeoutMs":50}' loop
post 5 '{"code":"() => { const a = []; while (true) a.push(new Array(1e5).fill(1)) }","timeoutMs":2000}' bomb
wait %2 %3 %4
for name in good loop bomb; do echo "== $name"; grep -E "Latency|requests in|2xx" "$out/$name.txt" | head -4; done
echo "healthz: $(curl -s "127.0.0.1:$PORT/healthz")"
curl -s "127.0.0.1:$PORT/metrics" | grep -E '^isorun_invocations_total'
kill -INT $server; wait $server
