#!/usr/bin/env bash
# tokenbroker fault drills: faults injected while load runs; for each, failed requests, upstream calls, refresh
# tokens lost and recovery time.
#   bench/faults.sh           full drills (~3 min), results in bench/results/<date>-faults.json and .md
#   bench/faults.sh --smoke   each drill for a few seconds, results in a temporary directory; exit ≠ 0 on failure
# Loopback only; same tools and environment variables as bench/run.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ ${1:-} == --smoke ]] && SMOKE=true
COMMAND="bench/faults.sh${1:+ $1}"
if $SMOKE; then BEFORE=2; FAULT=3; AFTER=8; KILL_AFTER=14; else BEFORE=5; FAULT=10; AFTER=40; KILL_AFTER=25; fi
WORKERS=16
RUN_STARTED=$(date +%s)

ensure_tools
ensure_jar
log "work directory $WORK"

# Tokens live 4 s and are served for 2 s (the buffer halves for short tokens): refreshes keep happening, so a
# fault reaches callers instead of hiding behind one long-lived cached token.
start_sandbox SF 4 20
SF_URL=http://127.0.0.1:$SF_PORT/oauth/token
SF_ADMIN=http://127.0.0.1:$SF_PORT

# at LABEL SECONDS COMMAND…: runs COMMAND in the background after SECONDS (tracked, so it dies with us) and notes
# the moment it fired in $WORK/fired.LABEL (epoch ms), from which recovery is counted.
at() {
  local label=$1 delay=$2; shift 2
  rm -f "$WORK/fired.$label"
  ( sleep "$delay"; now_ms >"$WORK/fired.$label"; "$@" ) >>"$WORK/at.log" 2>&1 &
  track $!
}

# drill NAME VARIANT BASES PATH SECONDS LABEL FAULT_S NOTE: load on BASES for SECONDS; the fault was scheduled with
# `at LABEL`. Recovery: from the end of the fault (its start + FAULT_S) to the last failed request.
drill() {
  local name=$1 variant=$2 bases=$3 path=$4 seconds=$5 label=$6 fault_s=$7 note=$8 before after rejected_before \
        rejected_after result fired
  before=$(upstream_calls "$SF_PORT"); rejected_before=$(upstream_stat "$SF_PORT" refresh_rejected)
  result=$(load drive "$bases" "$path" $WORKERS "$seconds")
  after=$(upstream_calls "$SF_PORT"); rejected_after=$(upstream_stat "$SF_PORT" refresh_rejected)
  fired=$(cat "$WORK/fired.$label" 2>/dev/null) || die "$name: the fault never fired"
  result=$(jq -c --argjson calls $((after - before)) --argjson rejected $((rejected_after - rejected_before)) \
    --argjson fault_end $((fired + fault_s * 1000)) --argjson seconds "$seconds" --argjson lost "${LOST:-0}" '
    {requests: .total, failed, statuses, upstream_calls: $calls, refresh_rejected: $rejected,
     refresh_tokens_lost: $lost, max_ms: .max_latency_ms,
     recovery_s: (if .failed == 0 or .last_failure_ms <= $fault_end then 0
                  else ((.last_failure_ms - $fault_end) / 100 | round / 10) end),
     recovered: (.failed == 0 or .last_failure_ms < .start_ms + $seconds * 1000 - 1000)}' <<<"$result")
  row "$name" "$variant" measured "$result" "$note"
}

start_broker B1
B1=http://127.0.0.1:$B1_PORT

# --- upstream answers 503 for FAULT s ---------------------------------------------------------------------------------
register "$B1" f503 1 "$SF_URL" >/dev/null
at f503 $BEFORE curl -s -X POST -d "{\"status\":503,\"seconds\":$FAULT}" "$SF_ADMIN/fault"
drill "upstream 503" "503 for ${FAULT} s under load, 1 instance" "$B1" /v1/tenants/f503/connections/c1/token \
  $((BEFORE + FAULT + AFTER)) f503 $FAULT "defaults: 3 attempts per refresh, circuit opens after 5 failed calls for 30 s"

# --- upstream answers 429 with Retry-After ----------------------------------------------------------------------------
register "$B1" f429 1 "$SF_URL" >/dev/null
at f429 $BEFORE curl -s -X POST -d "{\"status\":429,\"seconds\":$FAULT,\"retry_after\":2}" "$SF_ADMIN/fault"
drill "upstream 429" "429 + Retry-After: 2 for ${FAULT} s under load, 1 instance" "$B1" \
  /v1/tenants/f429/connections/c1/token $((BEFORE + FAULT + AFTER)) f429 $FAULT "Retry-After is a floor for the next attempt"

# --- kill -9 one of three instances during refreshes of rotating tokens -------------------------------------------------
# In-memory instances share nothing: each holds its own connection with its own rotating refresh token. Killing one
# loses that token with the process (counted as lost); the restarted instance serves again once the connection is
# registered anew with a fresh grant. A shared store (PostgreSQL) is what makes this 0: that drill is "not yet".
start_broker B2; start_broker B3
B2=http://127.0.0.1:$B2_PORT; B3=http://127.0.0.1:$B3_PORT
for base in "$B1" "$B2" "$B3"; do register "$base" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null; done
restart_b2() {
  kill -KILL "$B2_PID"
  BROKER_PORT=$B2_PORT start_broker B2
  register "$B2" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
}
at kill $BEFORE restart_b2
RESTARTER=${PIDS[-1]}
LOST=1 drill "kill -9" "1 of 3 in-memory instances killed and restarted during rotating refreshes" "$B1,$B2,$B3" \
  /v1/tenants/rot/connections/c1/token $((BEFORE + KILL_AFTER)) kill 0 \
  "recovery: from the kill until the restarted instance, its connection registered again with a fresh grant, serves; the killed instance's refresh token died with it"
wait $RESTARTER || die "restarting the killed instance failed: $(cat "$WORK/at.log")"
row "kill -9" "1 of 3 instances killed during rotating refreshes, shared store" "not yet" "" \
  "needs the PostgreSQL connection store (issue 9) and Redis lease (issue 4): then the survivors go on refreshing with the rotated token and 0 tokens may be lost"

# --- Redis stop and restart -------------------------------------------------------------------------------------------
REDIS_PORT=$(free_port)
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!; track $REDIS_PID
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  die "redis did not start"
}
start_redis
start_broker BR REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
BR=http://127.0.0.1:$BR_PORT
register "$BR" fredis 1 "$SF_URL" >/dev/null
bcurl -o /dev/null "$BR/v1/tenants/fredis/connections/c1/token"
if [[ $(redis-cli -p "$REDIS_PORT" --scan --pattern '*fredis*' | wc -l) -gt 0 ]]; then
  stop_start_redis() { kill -TERM "$REDIS_PID"; sleep "$FAULT"; start_redis; }
  at redis $BEFORE stop_start_redis
  drill "Redis stop/restart" "Redis stopped for ${FAULT} s under load, 1 instance" "$BR" \
    /v1/tenants/fredis/connections/c1/token $((BEFORE + FAULT + AFTER)) redis $FAULT "fail-open: near cache, then direct fetch"
else
  row "Redis stop/restart" "Redis stopped and restarted under load" "not yet" "" \
    "with REDIS_URI set the jar wrote nothing to Redis: the Redis adapters (issue 4) have not landed"
fi
stop_pid "$BR_PID"

# --- PostgreSQL stop and restart --------------------------------------------------------------------------------------
if [[ $(jar_has org/postgresql/Driver.class) == yes ]]; then
  row "PostgreSQL stop/restart" "PostgreSQL stopped and restarted under load" "not yet" "" \
    "the jar carries the PostgreSQL driver; this drill (initdb as an unprivileged user, pg_ctl stop/start) is the next step of issue 8"
else
  row "PostgreSQL stop/restart" "PostgreSQL stopped and restarted under load" "not yet" "" \
    "no PostgreSQL driver in the jar: the PostgreSQL adapters (issue 9) have not landed"
fi

# --- results ------------------------------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - RUN_STARTED ))
STAMP=$(date -u +%Y-%m-%dT%H%MZ)-faults
RESULT_DIR=$BENCH_DIR/results
$SMOKE && RESULT_DIR=$WORK/results
mkdir -p "$RESULT_DIR"
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg command "$COMMAND" --argjson machine "$(machine_json)" \
  --arg smoke "$SMOKE" --argjson elapsed $ELAPSED --arg java_opts "$JAVA_OPTS_BENCH" \
  --arg load "$WORKERS looping callers (bench/Load.java drive): ${BEFORE} s before the fault, ${FAULT} s of fault, ${AFTER} s after" \
  '{date: $date, command: $command, smoke: ($smoke == "true"), elapsed_s: $elapsed, machine: $machine,
    broker_java_opts: $java_opts, load: $load, rows: .}' "$ROWS" >"$RESULT_DIR/$STAMP.json"
jq -r '
  "Run \(.date) · \(.command) · \(.machine.cores) cores · \(.machine.jvm) · commit \(.machine.commit) · \(.elapsed_s) s",
  "", "Load: \(.load).", "",
  "| fault | variant | requests | failed | upstream calls | refresh tokens lost | invalid_grant | recovery | notes |",
  "|---|---|---:|---:|---:|---:|---:|---|---|",
  (.rows[] | if .status != "measured" then "| \(.step) | \(.variant) | not yet | | | | | | \(.note) |"
   else "| \(.step) | \(.variant) | \(.requests) | \(.failed) \(.statuses | tostring) | \(.upstream_calls) | \(.refresh_tokens_lost) | \(.refresh_rejected) | \(if .recovered then "\(.recovery_s) s" else "not within \(.recovery_s) s" end) | \(.note) |" end)
' "$RESULT_DIR/$STAMP.json" >"$RESULT_DIR/$STAMP.md"
log "results: $RESULT_DIR/$STAMP.json and .md (${ELAPSED} s)"
cat "$RESULT_DIR/$STAMP.md"
exit 0
