# Shared by run.sh and faults.sh: tools, ports, processes started by PID and stopped on exit, result rows.
# shellcheck shell=bash
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
JAR=${BENCH_JAR:-$ROOT/bootstrap/target/tokenbroker.jar}
# A bounded heap makes RSS comparable between runs and machines; the JVM default (1/4 of RAM) lets it balloon.
JAVA_OPTS_BENCH=${BENCH_JAVA_OPTS:--Xmx1g}
CLIENT_ID=bench-client
CLIENT_SECRET=bench-secret
BASIC=$(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 | tr -d '\n')
API_KEY=${BENCH_API_KEY:-}
export BENCH_API_KEY=$API_KEY
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tokenbroker-bench.XXXXXX")
ROWS=$WORK/rows.jsonl
: >"$ROWS"
PIDS=()
SMOKE=false

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# Every process this script starts is recorded (PID and kernel start time, so a recycled PID is never hit) in
# $WORK/pids, also from subshells, and stopped on exit, failure or Ctrl-C: TERM, then KILL after 5 s.
started_at() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
ours() { [[ -n ${2:-} && $(started_at "$1") == "$2" ]]; }
cleanup() {
  local status=$? pid start entries=()
  trap - EXIT INT TERM
  [[ -f $WORK/pids ]] && mapfile -t entries <"$WORK/pids"
  for entry in "${entries[@]}"; do pid=${entry%:*} start=${entry#*:}; ours "$pid" "$start" && kill -TERM "$pid" 2>/dev/null; done
  for entry in "${entries[@]}"; do
    pid=${entry%:*} start=${entry#*:}
    for _ in $(seq 50); do ours "$pid" "$start" || break; sleep 0.1; done
    ours "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  if [[ $status -ne 0 ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

track() { PIDS+=("$1"); echo "$1:$(started_at "$1")" >>"$WORK/pids"; }
stop_pid() {
  local pid=$1 signal=${2:-TERM}
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Installs what is missing from the distribution's packages (Debian/Ubuntu); needs root or sudo.
ensure_tools() {
  local missing=() tool package
  for tool in wrk:wrk nginx:nginx redis-server:redis-server redis-benchmark:redis-tools redis-cli:redis-tools \
              hyperfine:hyperfine jq:jq curl:curl; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "${tool%%:*}" >/dev/null 2>&1 \
      || missing+=("${tool#*:}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  log "installing ${missing[*]} from the distribution's packages"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo -n"
  # policy-rc.d (when present) keeps the packages' own services from starting; we start our own, on loopback.
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null || die "could not install ${missing[*]}"
}

ensure_jar() {
  if [[ ! -f $JAR ]]; then
    log "building the jar (mvn package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package) || die "build failed"
  fi
  # Compiled once: `java Load.java` would compile on every call and skew the timing of what follows.
  mkdir -p "$WORK/classes" && javac -d "$WORK/classes" "$BENCH_DIR/Load.java" || die "Load.java did not compile"
}

# load COMMAND ARGS…: the small Java load client (bench/Load.java); LOAD_OPTS adds JVM options
load() { java ${LOAD_OPTS:-} -cp "$WORK/classes" Load "$@"; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    ss -Htan "( sport = :$port or dport = :$port )" 2>/dev/null | grep -q . || { echo "$port"; return; }
  done
}

now_ms() { date +%s%3N; }

# wait_http URL SECONDS: until anything answers over HTTP (any status), or fail.
wait_http() {
  local url=$1 seconds=$2 deadline
  deadline=$(( $(date +%s) + seconds ))
  while (( $(date +%s) < deadline )); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true) != 000 ]] && return 0
    sleep 0.05
  done
  return 1
}

# start_sandbox NAME LIFETIME_S DELAY_MS: sets <NAME>_PORT and <NAME>_PID.
start_sandbox() {
  local name=$1 port pid
  port=$(free_port)
  java -Xmx256m -jar "$JAR" sandbox "$port" "$CLIENT_ID" "$CLIENT_SECRET" "$2" "$3" >"$WORK/$name.log" 2>&1 &
  pid=$!; track $pid
  wait_http "http://127.0.0.1:$port/stats" 30 || die "sandbox $name did not start (see $WORK/$name.log)"
  printf -v "${name}_PORT" '%s' "$port"; printf -v "${name}_PID" '%s' "$pid"
}

upstream_calls() { curl -s --max-time 5 "http://127.0.0.1:$1/stats" | jq -r .token_requests; }
upstream_stat() { curl -s --max-time 5 "http://127.0.0.1:$1/stats" | jq -r ".$2 // 0"; }

# start_broker NAME [VAR=value …]: one broker from the fat jar on a free loopback port, bench endpoint on.
# Sets <NAME>_PORT, <NAME>_PID and <NAME>_READY_MS (launch to first HTTP answer).
start_broker() {
  local name=$1 port pid started; shift
  port=${BROKER_PORT:-$(free_port)}
  started=$(now_ms)
  # shellcheck disable=SC2086
  # Rate limits off: the load generator is one address and one key, and the limits would be what gets measured.
  env TOKENBROKER_PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 TOKENBROKER_BENCH_ENABLED=true \
    TOKENBROKER_RATE_LIMIT_PER_KEY=0 TOKENBROKER_RATE_LIMIT_PER_ADDRESS=0 \
    ${API_KEY:+TOKENBROKER_BOOTSTRAP_ADMIN_KEY=$API_KEY} "$@" \
    java $JAVA_OPTS_BENCH -jar "$JAR" >"$WORK/$name.log" 2>&1 &
  pid=$!; track $pid
  if ! wait_http "http://127.0.0.1:$port/health-of-nothing" 90 || ! kill -0 $pid 2>/dev/null; then
    tail -20 "$WORK/$name.log" >&2
    die "broker $name did not start"
  fi
  printf -v "${name}_PORT" '%s' "$port"; printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_READY_MS" '%s' "$(( $(now_ms) - started ))"
}

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# curl with the caller key when one is configured
bcurl() { curl -s ${API_KEY:+-H "X-API-Key: $API_KEY"} "$@"; }

# register BASE TENANT COUNT TOKEN_URL [MINT_URL]: connections c1..cN (Load.java)
register() {
  load register "$1" "$2" "$3" "$4" 32 "${5:-}"
}
warm() { load warm "$1" "$2" "$3" 32; }

# wrk_json URL SECONDS THREADS CONNECTIONS [VAR=value …]: one wrk run after a short warm-up; prints its JSON.
wrk_json() {
  local url=$1 seconds=$2 threads=$3 connections=$4 warmup=2; shift 4
  $SMOKE && warmup=1
  env "$@" timeout $((warmup + 20)) wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$BENCH_DIR/wrk/bench.lua" \
    "$url" >/dev/null 2>&1 || true
  env "$@" timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$BENCH_DIR/wrk/bench.lua" \
    "$url" 2>&1 | sed -n 's/^BENCHJSON //p' | tail -1
}

# row STEP VARIANT STATUS METRICS_JSON NOTE
row() {
  local metrics=${4:-}
  [[ -z $metrics ]] && metrics='{}'
  jq -cn --arg step "$1" --arg variant "$2" --arg status "$3" --argjson m "$metrics" --arg note "${5:-}" \
    '{step: $step, variant: $variant, status: $status, note: $note} + $m' >>"$ROWS"
  log "$1 | $2 | $3 | $(jq -c . <<<"$metrics") ${5:-}"
}

machine_json() {
  jq -n --arg cores "$(nproc)" --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    --arg mem "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)" \
    --arg jvm "$(java -version 2>&1 | sed -n 2p)" --arg os "$(. /etc/os-release && echo "$PRETTY_NAME")" \
    --arg kernel "$(uname -r)" --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    '{cores: ($cores | tonumber), cpu: $cpu, memory: $mem, jvm: $jvm, os: $os, kernel: $kernel, commit: $commit}'
}

# Features of the jar under test, by trying them: printed as "yes" or "no".
JAR_LISTING=""
jar_has() {
  [[ -n $JAR_LISTING ]] || JAR_LISTING=$(jar tf "$JAR")
  grep -q "$1" <<<"$JAR_LISTING" && echo yes || echo no
}
