#!/usr/bin/env bash
# Benchmark (not a test): latency of a cached token request served through the near cache and through Redis
# alone, and how many upstream calls two instances sharing one Redis made. Needs redis-server, wrk and curl, and
# the fat jar (mvn -B -q -DskipTests package). Usage: scripts/bench-redis.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bootstrap/target/tokenbroker.jar
SECONDS_PER_RUN=${1:-10}
REDIS_PORT=${REDIS_PORT:-16379}
SANDBOX_PORT=${SANDBOX_PORT:-18090}
NEAR_PORT=${NEAR_PORT:-18081}    # instance with the near cache (the default)
REDIS_ONLY_PORT=${REDIS_ONLY_PORT:-18082}  # instance with tokenbroker.redis.near-cache-size=0
# Both instances seal with one ring, so each opens what the other cached; without one they refuse to start.
export TOKENBROKER_ENCRYPTION_KEYS=${TOKENBROKER_ENCRYPTION_KEYS:-k1:$(head -c 32 /dev/urandom | base64 -w0)}
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
LOGS=$(mktemp -d)
trap 'echo "failed; last log lines:" >&2; tail -n 5 "$LOGS"/*.log >&2' ERR

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$LOGS/redis.log" 2>&1 &
PIDS+=($!)
java -jar "$JAR" sandbox "$SANDBOX_PORT" bench-client bench-secret 3600 >"$LOGS/sandbox.log" 2>&1 &
PIDS+=($!)
REDIS_URI="redis://127.0.0.1:$REDIS_PORT" TOKENBROKER_PORT=$NEAR_PORT \
  java -jar "$JAR" >"$LOGS/near.log" 2>&1 &
PIDS+=($!)
REDIS_URI="redis://127.0.0.1:$REDIS_PORT" TOKENBROKER_PORT=$REDIS_ONLY_PORT TOKENBROKER_REDIS_NEAR_CACHE_SIZE=0 \
  java -jar "$JAR" >"$LOGS/redis-only.log" 2>&1 &
PIDS+=($!)

CONNECTION="{\"provider\":\"oauth2\",\"token_url\":\"http://127.0.0.1:$SANDBOX_PORT/oauth/token\",\
\"client_id\":\"bench-client\",\"client_secret\":\"bench-secret\",\"auth_method\":\"client_secret_basic\"}"
for port in $NEAR_PORT $REDIS_ONLY_PORT; do
  curl -sf --retry 60 --retry-connrefused --retry-delay 1 -o /dev/null -X PUT -H 'Content-Type: application/json' \
    -d "$CONNECTION" "http://127.0.0.1:$port/v1/tenants/bench/connections/crm"
  curl -sf -o /dev/null "http://127.0.0.1:$port/v1/tenants/bench/connections/crm/token"
done

for run in "near cache:$NEAR_PORT" "Redis only:$REDIS_ONLY_PORT"; do
  port=${run##*:}
  url="http://127.0.0.1:$port/v1/tenants/bench/connections/crm/token"
  wrk -t2 -c16 -d5s "$url" >/dev/null   # JIT warm-up, not reported
  echo "== ${run%%:*} (wrk -t2 -c16 -d${SECONDS_PER_RUN}s --latency)"
  wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency "$url" | grep -E 'Latency|50%|90%|99%|Requests/sec|requests in|Non-2xx'
done
echo "== upstream token requests for both instances together: $(curl -s "http://127.0.0.1:$SANDBOX_PORT/stats")"
