#!/bin/bash
# bench/nodes/publish-cost.sh: redis-server CPU per PUBLISH of a 2.9 KB message, by number of subscribers (redis-cli SUBSCRIBE to /dev/null), from its /proc CPU. Needs redis-server, redis-cli, redis-benchmark; port 6399 free.
PORT=6399
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no --dir "$(mktemp -d)" --daemonize no >/dev/null 2>&1 &
RS=$!
sleep 0.5
MSG=$(head -c 2200 /dev/urandom | base64 -w0 | head -c 2900)
for subs in 1 2 5 10; do
  pids=()
  for i in $(seq $subs); do redis-cli -p $PORT SUBSCRIBE ch >/dev/null & pids+=($!); done
  sleep 0.5
  t0=$(awk '{print $14+$15}' /proc/$RS/stat)
  N=20000
  redis-benchmark -p $PORT -q -n $N -c 4 PUBLISH ch "$MSG" >/dev/null 2>&1
  t1=$(awk '{print $14+$15}' /proc/$RS/stat)
  echo "subscribers $subs: redis-server CPU $(( (t1-t0)*10 )) ms for $N PUBLISH => $(echo "scale=1; ($t1-$t0)*10000/$N" | bc) us per PUBLISH"
  kill ${pids[@]} 2>/dev/null; wait ${pids[@]} 2>/dev/null
done
kill $RS
