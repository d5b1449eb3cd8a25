#!/usr/bin/env bash
# startup.sh JAR TOKEN_URL: launches the broker, registers one connection against TOKEN_URL and returns once the
# first token has been served; then stops the broker. hyperfine times it (bench/run.sh, "start-up").
set -euo pipefail
jar=$1 token_url=$2
port=$((20000 + RANDOM % 30000))
while ss -Htan "( sport = :$port )" | grep -q .; do port=$((20000 + RANDOM % 30000)); done
env TOKENBROKER_PORT=$port MICRONAUT_SERVER_HOST=127.0.0.1 MICRONAUT_SECURITY_ENABLED=false \
  java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$jar" >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port/v1/tenants/startup/connections/c1
body="{\"provider\":\"oauth2\",\"token_url\":\"$token_url\",\"client_id\":\"bench-client\",\"client_secret\":\"bench-secret\"}"
deadline=$(( $(date +%s) + 90 ))
until curl -sf -o /dev/null -X PUT -H 'Content-Type: application/json' -d "$body" "$base" 2>/dev/null; do
  (( $(date +%s) < deadline )) && kill -0 $pid 2>/dev/null || { echo "broker did not start" >&2; exit 1; }
  sleep 0.02
done
curl -sf -o /dev/null --retry 3 --retry-all-errors "$base/token"
