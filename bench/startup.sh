#!/usr/bin/env bash
# startup.sh JAR TOKEN_URL: launches the broker, registers one connection against TOKEN_URL and returns once the
# first token has been served; then stops the broker. hyperfine times it (bench/run.sh, "start-up").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/net.sh"
jar=$1 token_url=$2
free_port port
# No drain on SIGTERM (as launch_broker in lib.sh): the trap below waits for the broker to exit, so hyperfine would
# time the drain's 5 s of readiness-down serving as start-up.
# shellcheck disable=SC2086
env TOKENBROKER_PORT=$port MICRONAUT_SERVER_HOST=127.0.0.1 MICRONAUT_SECURITY_ENABLED=false TOKENBROKER_SHUTDOWN_DRAIN=0s \
  java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$jar" >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
base=http://127.0.0.1:$port/v1/tenants/startup/connections/c1
body="{\"provider\":\"oauth2\",\"token_url\":\"$token_url\",\"client_id\":\"bench-client\",\"client_secret\":\"bench-secret\"}"
deadline=$(( $(date +%s) + 90 ))
until http PUT "$base" "$body" && [[ $HTTP_STATUS == 2* ]]; do
  (( $(date +%s) < deadline )) && kill -0 $pid 2>/dev/null || { echo "broker did not start" >&2; exit 1; }
  sleep 0.02
done
http GET "$base/token" && [[ $HTTP_STATUS == 200 ]] || { echo "no token: $HTTP_STATUS" >&2; exit 1; }
