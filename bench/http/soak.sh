#!/usr/bin/env bash
# RSS of the server over a bounded soak: 500 req/s for 300 s against 127.0.0.1, sampled every 30 s.
# Run from the repository root after `npm install`: bash bench/http/soak.sh
set -u
cd "$(dirname "$0")/../.."
PORT=${PORT:-8094}
ISORUN_PORT=$PORT ISORUN_LOG_LEVEL=warn node --no-node-snapshot dist/server/main.js > /dev/null 2>&1 &
server=$!
sleep 3
log=$(mktemp)
node bench/node_modules/autocannon/autocannon.js -c 20 -R 500 -d 300 -m POST -H content-type=application/json \
  -b '{"code":"(a,b)=>a+b","args":[1,2]}' "http://127.0.0.1:$PORT/run" > "$log" 2>&1 &
load=$!
for i in $(seq 0 10); do
  echo "t=$((i * 30))s rss_mb=$(($(grep VmRSS /proc/$server/status | awk '{print $2}') / 1024))"
  sleep 30
done
wait $load
grep -E "requests in|Latency" "$log"
kill -INT $server; wait $server
