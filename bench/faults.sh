#!/usr/bin/env bash
# tokenbroker fault drills: faults injected while load runs; for each, failed requests, upstream calls, refresh
# tokens lost and recovery time.
#   bench/faults.sh           full drills (~3 min), results in bench/results/<date>-faults.json and .md
#   bench/faults.sh --smoke   each drill for a few seconds, results in a temporary directory; exit ≠ 0 on failure
# Loopback only; same tools and environment variables as bench/run.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The drills measure resilience, not authentication: their brokers run with caller security off (run.sh measures
# API keys separately).
start_drill_broker() { start_broker "$@" MICRONAUT_SECURITY_ENABLED=false; }

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
     refresh_tokens_lost: (if $lost < 0 then $rejected else $lost end), max_ms: .max_latency_ms,
     recovery_s: (if .failed == 0 or .last_failure_ms <= $fault_end then 0
                  else ((.last_failure_ms - $fault_end) / 100 | round / 10) end),
     recovered: (.failed == 0 or .last_failure_ms < .start_ms + $seconds * 1000 - 1000)}' <<<"$result")
  row "$name" "$variant" measured "$result" "$note"
}

start_drill_broker B1
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
# registered anew with a fresh grant. A shared store (PostgreSQL) is what makes this 0: see the shared-store drill below.
start_drill_broker B2; start_drill_broker B3
B2=http://127.0.0.1:$B2_PORT; B3=http://127.0.0.1:$B3_PORT
for base in "$B1" "$B2" "$B3"; do register "$base" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null; done
restart_b2() {
  kill -KILL "$B2_PID"
  BROKER_PORT=$B2_PORT start_drill_broker B2
  register "$B2" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
}
at kill $BEFORE restart_b2
RESTARTER=${PIDS[-1]}
LOST=1 drill "kill -9" "1 of 3 in-memory instances killed and restarted during rotating refreshes" "$B1,$B2,$B3" \
  /v1/tenants/rot/connections/c1/token $((BEFORE + KILL_AFTER)) kill 0 \
  "recovery: from the kill until the restarted instance, its connection registered again with a fresh grant, serves; the killed instance's refresh token died with it"
wait $RESTARTER || die "restarting the killed instance failed: $(cat "$WORK/at.log")"

# --- Redis stop and restart -------------------------------------------------------------------------------------------
REDIS_PORT=$(free_port)
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >>"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!; track $REDIS_PID
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  die "redis did not start"
}
start_redis
start_drill_broker BR REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
BR=http://127.0.0.1:$BR_PORT
register "$BR" fredis 1 "$SF_URL" >/dev/null
bcurl -o /dev/null "$BR/v1/tenants/fredis/connections/c1/token"
if [[ $(redis-cli -p "$REDIS_PORT" --scan --pattern '*fredis*' | wc -l) -gt 0 ]]; then
  REDIS_ADAPTERS_URI="redis://127.0.0.1:$REDIS_PORT"
  stop_start_redis() { kill -TERM "$REDIS_PID"; sleep "$FAULT"; start_redis; }
  at redis $BEFORE stop_start_redis
  drill "Redis stop/restart" "Redis stopped for ${FAULT} s under load, 1 instance" "$BR" \
    /v1/tenants/fredis/connections/c1/token $((BEFORE + FAULT + AFTER)) redis $FAULT "fail-open: near cache, then direct fetch"
else
  row "Redis stop/restart" "Redis stopped and restarted under load" "not yet" "" \
    "with REDIS_URI set the jar wrote nothing to Redis: the Redis adapters (issue 4) have not landed"
fi
stop_pid "$BR_PID"

# --- PostgreSQL stop and restart; kill -9 with a shared store ----------------------------------------------------------
# A throwaway cluster of the distribution's PostgreSQL, on loopback, owned by an unprivileged user (postgres refuses
# root); setpriv execs, so the PID we track is the postmaster's own.
PG_ADAPTERS=no
if [[ $(jar_has org/postgresql/Driver.class) == yes ]]; then
  PG_BIN=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -1)")
  if [[ ! -x $PG_BIN/initdb ]]; then
    $([[ $(id -u) -eq 0 ]] || echo sudo -n) apt-get install -y -qq -o DPkg::Lock::Timeout=300 postgresql >/dev/null \
      || die "could not install postgresql"
    PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | tail -1)")
  fi
  PG_USER=$(id -un); AS_PG=()
  if [[ $(id -u) -eq 0 ]]; then
    PG_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
    AS_PG=(setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" --init-groups)
  fi
  PG_DIR=$WORK/pg; PG_PORT=$(free_port)
  mkdir -p "$PG_DIR"; chmod o+x "$WORK"; chown "$PG_USER" "$PG_DIR"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U tokenbroker -A trust --no-sync >"$WORK/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -3 "$WORK/initdb.log")"
  start_pg() {
    # a plain command in the background (no function): setpriv execs postgres, so $! is the postmaster
    "${AS_PG[@]}" "$PG_BIN/postgres" -D "$PG_DIR/data" -p "$PG_PORT" -k "$PG_DIR" -c listen_addresses=127.0.0.1 \
      -c fsync=off >>"$WORK/postgres.log" 2>&1 &
    PG_PID=$!; track $PG_PID; echo $PG_PID >"$WORK/pg.pid"
    for _ in $(seq 200); do psql -h 127.0.0.1 -p "$PG_PORT" -U tokenbroker -d postgres -Atc 'select 1' >/dev/null 2>&1 \
      && return 0; sleep 0.05; done
    die "postgres did not start: $(tail -3 "$WORK/postgres.log")"
  }
  start_pg
  psql -h 127.0.0.1 -p "$PG_PORT" -U tokenbroker -d postgres -qc 'create database tokenbroker' >/dev/null
  PG_ENV=(DATASOURCES_DEFAULT_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/tokenbroker"
          DATASOURCES_DEFAULT_USERNAME=tokenbroker DATASOURCES_DEFAULT_PASSWORD=unused
          TOKENBROKER_ENCRYPTION_KEYS="k1:$(head -c 32 /dev/urandom | base64)")
  start_drill_broker BP "${PG_ENV[@]}"
  BP=http://127.0.0.1:$BP_PORT
  register "$BP" fpg 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  tables=$(psql -h 127.0.0.1 -p "$PG_PORT" -U tokenbroker -d tokenbroker -Atc \
    "select count(*) from information_schema.tables where table_schema = 'public'" 2>/dev/null || echo 0)
  [[ $tables -gt 0 ]] && PG_ADAPTERS=yes
fi
if [[ $PG_ADAPTERS == yes ]]; then
  bcurl -o /dev/null "$BP/v1/tenants/fpg/connections/c1/token"
  # SIGINT: fast shutdown (TERM would wait for the broker's pool to disconnect); wait until the port is free
  stop_start_pg() {
    kill -INT "$PG_PID"
    for _ in $(seq 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.05; done
    sleep "$FAULT"; start_pg
  }
  at pg $BEFORE stop_start_pg
  LOST=-1 drill "PostgreSQL stop/restart" "PostgreSQL stopped for ${FAULT} s under load, rotating refresh token" "$BP" \
    /v1/tenants/fpg/connections/c1/token $((BEFORE + FAULT + AFTER)) pg $FAULT \
    "refresh tokens lost counted as invalid_grant answers: a rotated token the broker failed to keep"
  stop_pid "$BP_PID"
  # kill -9 with the shared store: three instances, one connection, one rotating refresh token between them.
  SHARED_ENV=("${PG_ENV[@]}")
  [[ -n ${REDIS_ADAPTERS_URI:-} ]] && SHARED_ENV+=(REDIS_URI="$REDIS_ADAPTERS_URI")
  start_drill_broker K1 "${SHARED_ENV[@]}"; start_drill_broker K2 "${SHARED_ENV[@]}"; start_drill_broker K3 "${SHARED_ENV[@]}"
  register "http://127.0.0.1:$K1_PORT" shared 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  restart_k2() { kill -KILL "$K2_PID"; BROKER_PORT=$K2_PORT start_drill_broker K2 "${SHARED_ENV[@]}"; }
  at killshared $BEFORE restart_k2
  LOST=-1 drill "kill -9" "1 of 3 instances killed during rotating refreshes, shared store (PostgreSQL${REDIS_ADAPTERS_URI:+ + Redis})" \
    "http://127.0.0.1:$K1_PORT,http://127.0.0.1:$K2_PORT,http://127.0.0.1:$K3_PORT" \
    /v1/tenants/shared/connections/c1/token $((BEFORE + KILL_AFTER)) killshared 0 \
    "no re-registration: the restarted instance reads the connection from PostgreSQL"
  stop_pid "$K1_PID"; stop_pid "$K3_PID"
  [[ -f $WORK/pg.pid ]] && stop_pid "$(cat "$WORK/pg.pid")" INT
else
  [[ -n ${BP_PID:-} ]] && stop_pid "$BP_PID"
  [[ -f $WORK/pg.pid ]] && stop_pid "$(cat "$WORK/pg.pid")" INT
  row "PostgreSQL stop/restart" "PostgreSQL stopped and restarted under load" "not yet" "" \
    "the PostgreSQL adapters (issue 9) have not landed: no PostgreSQL driver in the jar, or no tables after a start with DATASOURCES_DEFAULT_URL"
  row "kill -9" "1 of 3 instances killed during rotating refreshes, shared store" "not yet" "" \
    "needs the PostgreSQL connection store (issue 9), and the Redis lease (issue 4) for one refresh at a time: then the survivors go on with the rotated token and 0 tokens may be lost"
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
