#!/usr/bin/env bash
# tokenbroker fault drills: faults injected while load runs; for each, failed requests, upstream calls, refresh
# tokens lost and recovery time.
#   bench/faults.sh           full drills (~8 min), results in bench/results/<date>-faults.json and .md
#   bench/faults.sh --smoke   each drill for a few seconds, results in a temporary directory; exit ≠ 0 on failure
#   bench/faults.sh [--smoke] --only ID   one drill (e.g. fault.postgres-down-kill) and only the servers it needs,
#                             results in a temporary directory (BENCH_OUT to keep them), logs kept (BENCH_KEEP)
# Loopback only; same tools and environment variables as bench/run.sh (PostgreSQL: BENCH_PG_BIN, the
# distribution's binaries or the zonky embedded-postgres ones; a smoke run without any skips the drills that need
# it).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The drills measure resilience, not authentication: their brokers run with caller security off (run.sh measures
# API keys), and with no configured admin key, so that brokers sharing one database don't race to store one.
API_KEY=""; export BENCH_API_KEY=""
launch_drill_broker() { launch_broker "$@" MICRONAUT_SECURITY_ENABLED=false; }
start_drill_broker() { launch_drill_broker "$@"; await "$1"; }

COMMAND="bench/faults.sh${*:+ $*}"
ONLY=""
while (( $# )); do
  case $1 in
    --smoke) $SMOKE || die "--smoke comes first (lib.sh reads it as the first argument)" ;;
    --only) ONLY=${2:?--only needs a drill id}; shift ;;
    *) die "unknown argument $1 (expected --smoke, --only ID)" ;;
  esac
  shift
done
# drill_wanted ID…: whether this run does any of these drills (all of them unless --only names one); lib.sh's
# wanted reads BENCH_ONLY for run.sh's rows instead.
# The last one that answered yes is the STEP a failure is reported in.
drill_wanted() { [[ -z $ONLY || " $* " == *" $ONLY "* ]] && STEP="$*"; }
[[ -z $ONLY ]] || { BENCH_KEEP=${BENCH_KEEP:-1}; BENCH_OUT=${BENCH_OUT:-$WORK/results}; }
WORKERS=16
# The kill -9 drills pace their load: flat out, 16 looping workers and the two surviving brokers took both cores,
# and the restarted JVM needed 22 s instead of 3 s to start; at 2,000 requests/s still 16–25 s, at 500 3.3 s (see
# docs/benchmarks.md). A real restart happens on a host of its own; what the drill measures is what the fleet loses
# meanwhile. Their window outlasts the lease ttl (10 s): a holder killed mid-refresh blocks its connection that long.
# A smoke run paces every drill.
# The outage-with-valid-tokens drill: tokens of VALID_LIFETIME s, served for half of it, kept to 5 s before expiry;
# the outage starts VALID_AT s after the one token was fetched and lasts VALID_FAULT s (see the drill).
if $SMOKE; then
  BEFORE=1; FAULT=1; AFTER=1; KILL_AFTER=3; KILL_RATE=400; DRILL_OPTS=(--rate=400); STALLS=3; STALL_AFTER=1
  VALID_LIFETIME=16; VALID_AT=7; VALID_FAULT=2; VALID_AFTER=1; VALID_ENV=(TOKENBROKER_REFRESH_STALE_IF_ERROR_MIN=2s)
else
  BEFORE=5; FAULT=10; AFTER=40; KILL_AFTER=40; KILL_RATE=500; DRILL_OPTS=(); STALLS=10; STALL_AFTER=10
  VALID_LIFETIME=60; VALID_AT=25; VALID_FAULT=10; VALID_AFTER=10; VALID_ENV=()
fi
# The database-outage drills (issue 18): how long PostgreSQL stays down, the kill -9 inside it (before / after the
# kill), and how long requests that need the database are sent during it.
if $SMOKE; then PG_OUTAGE=2; OUTAGE_KILL_AT=1; OUTAGE_AFTER_KILL=1; NEEDS_DB=1; else PG_OUTAGE=60; OUTAGE_KILL_AT=15; OUTAGE_AFTER_KILL=15; NEEDS_DB=5; fi
RUN_STARTED=$(date +%s)

prepare
resolve_redis
resolve_pg

# The drills that need which servers, for --only.
B_DRILLS="fault.upstream-503 fault.upstream-429 fault.kill-in-memory"
K_DRILLS="fault.kill-shared-store fault.redis-stall fault.lease-holder-killed fault.redis-down-rotating fault.sigterm-one-of-two"
O_DRILLS="fault.postgres-down-2 fault.postgres-needs-db fault.postgres-down-kill"

# Tokens live 4 s and are served for 2 s (the buffer halves for short tokens): refreshes keep happening, so a
# fault reaches callers instead of hiding behind one long-lived cached token.
launch_sandbox SF 4 20
# The database-outage drill's upstream: 10 s tokens (issue 18's figure), counted apart from the others.
drill_wanted fault.postgres-down-2 fault.postgres-needs-db && launch_sandbox SO 10 20
# Its own upstream for the outage-with-valid-tokens drill: longer tokens, and a fault that no other drill sees.
drill_wanted fault.upstream-outage-valid-tokens && launch_sandbox SL "$VALID_LIFETIME" 20

# Redis, and PostgreSQL when there are binaries: a throwaway cluster on loopback, owned by an unprivileged user
# (postgres refuses root); setpriv execs, so the PID we track is the postmaster's own. Readiness is read from its
# log (no psql needed), and the brokers use the cluster's "postgres" database.
start_redis
REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
[[ -n $PG_BIN ]] && setup_pg

# Every broker of the drills, started side by side; each gets its connection just before its drill, so that no
# idle broker refreshes tokens in the background of another drill.
BROKERS=()
if drill_wanted $B_DRILLS; then for name in B1 B2 B3; do launch_drill_broker $name; done; BROKERS+=(B1 B2 B3); fi
if drill_wanted fault.redis-stop; then launch_drill_broker BR REDIS_URI="$REDIS_URI"; BROKERS+=(BR); fi
if [[ -n $PG_BIN ]]; then
  if drill_wanted fault.postgres-stop; then launch_drill_broker BP "${PG_ENV[@]}"; BROKERS+=(BP); fi
  if drill_wanted $K_DRILLS; then
    for name in K1 K2 K3; do launch_drill_broker $name "${PG_ENV[@]}" REDIS_URI="$REDIS_URI"; done
    BROKERS+=(K1 K2 K3)
  fi
  # the database-outage drills: two instances over PostgreSQL and Redis, with keys of their own in Redis, so their
  # refresh-ahead schedule never takes up the other drills' connections
  O_ENV=("${PG_ENV[@]}" REDIS_URI="$REDIS_URI" TOKENBROKER_REDIS_KEY_PREFIX=tbo)
  if drill_wanted $O_DRILLS; then for name in O1 O2; do launch_drill_broker $name "${O_ENV[@]}"; done; BROKERS+=(O1 O2); fi
fi
(( ${#BROKERS[@]} == 0 )) || await "${BROKERS[@]}"
log "brokers ${BROKERS[*]} ready"
B1=http://127.0.0.1:${B1_PORT:-}; B2=http://127.0.0.1:${B2_PORT:-}; B3=http://127.0.0.1:${B3_PORT:-}
SF_URL=http://127.0.0.1:$SF_PORT/oauth/token
SF_ADMIN=http://127.0.0.1:$SF_PORT
SF_STATS=$(stats_url "$SF_PORT")
if [[ -n ${SO_PORT:-} ]]; then
  SO_URL=http://127.0.0.1:$SO_PORT/oauth/token
  SO_ADMIN=http://127.0.0.1:$SO_PORT
  SO_STATS=$(stats_url "$SO_PORT")
fi
if [[ -n ${SL_PORT:-} ]]; then
  await SL
  SL_URL=http://127.0.0.1:$SL_PORT/oauth/token
  SL_ADMIN=http://127.0.0.1:$SL_PORT
fi
await SF

# at LABEL SECONDS COMMAND…: runs COMMAND in the background after SECONDS (tracked, so it dies with us) and notes
# the moment it fired in $WORK/fired.LABEL (epoch ms), from which recovery is counted.
at() {
  local label=$1 delay=$2; shift 2
  rm -f "$WORK/fired.$label"
  ( sleep "$delay"; now_ms >"$WORK/fired.$label"; "$@" ) >>"$WORK/at.log" 2>&1 &
  AT_PID=$!; track $AT_PID
}

# drill ID NAME VARIANT BASES PATH SECONDS LABEL FAULT_S NOTE [LOAD OPTION…]: load on BASES for SECONDS; the fault
# was scheduled with `at LABEL`. Recovery: from the end of the fault (its start + FAULT_S) to the last failed
# request. LOST: refresh tokens known lost (-1: count the upstream's invalid_grant answers). STATS: the upstream's
# counters (default the sandbox SF).
drill() {
  local id=$1 name=$2 variant=$3 bases=$4 path=$5 seconds=$6 label=$7 fault_s=$8 note=$9 result lost; shift 9
  result=$(load drive "$bases" "$path" $WORKERS "$seconds" --stats="${STATS:-$SF_STATS}" --fault-file="$WORK/fired.$label" \
    --fault-seconds="$fault_s" "${DRILL_OPTS[@]}" "$@") || die "$name: the load failed (see $WORK/at.log)"
  lost=${LOST:-0}; (( lost >= 0 )) || lost=$(json_get refresh_rejected "$result")
  result=$(json_add "$result" "\"refresh_tokens_lost\":$lost")
  [[ -f $WORK/restart.$label ]] && result=$(json_add "$result" "\"restart_ready_ms\":$(<"$WORK/restart.$label")")
  # THEN: a command that finishes what the fault started and may note more figures in $WORK/extra.LABEL
  [[ -z ${THEN:-} ]] || $THEN "$label"
  [[ -f $WORK/extra.$label ]] && result=$(json_add "$result" "$(<"$WORK/extra.$label")")
  row "$id" "$name" "$variant" measured "$result" "$note"
}

# --- upstream answers 503 for FAULT s ---------------------------------------------------------------------------------
if drill_wanted fault.upstream-503; then
register "$B1" f503 1 "$SF_URL" >/dev/null
at f503 $BEFORE http POST "$SF_ADMIN/fault" "{\"status\":503,\"seconds\":$FAULT}"
drill fault.upstream-503 "upstream 503" "503 for ${FAULT} s under load, 1 instance" "$B1" \
  /v1/tenants/f503/connections/c1/token $((BEFORE + FAULT + AFTER)) f503 $FAULT \
  "defaults: 3 attempts per refresh, circuit opens after 5 failed calls, then one probe a second (for 60 s, then slower up to one per 30 s)"
fi

# --- recovery after a FAULT s 503 burst, two instances sharing tokens and circuits through Redis -------------------
# The circuit is shared: one probe per circuit-open-min (1 s) between both instances, so the burst's end reaches
# every caller within about a second. Connections live in each instance's memory (no PostgreSQL here): registered on
# both. Started for this drill only and stopped after it.
if drill_wanted fault.upstream-503-recovery; then
launch_drill_broker R1 REDIS_URI="$REDIS_URI"; launch_drill_broker R2 REDIS_URI="$REDIS_URI"; await R1 R2
R1=http://127.0.0.1:$R1_PORT; R2=http://127.0.0.1:$R2_PORT
for base in "$R1" "$R2"; do register "$base" f503s 1 "$SF_URL" >/dev/null; done
at f503s $BEFORE http POST "$SF_ADMIN/fault" "{\"status\":503,\"seconds\":$FAULT}"
drill fault.upstream-503-recovery "upstream 503" "recovery after a ${FAULT} s 503 burst, 2 instances sharing circuits through Redis" \
  "$R1,$R2" /v1/tenants/f503s/connections/c1/token $((BEFORE + FAULT + AFTER)) f503s $FAULT \
  "recovery: last failure − end of the burst; the shared circuit lets one probe through per second while the outage is young"
stop_pids "$R1_PID" "$R2_PID"
fi

# --- upstream outage while the cached token is still valid (stale-if-error) ------------------------------------------
# One token of VALID_LIFETIME s, fetched just before the load, is served normally for half its life; the outage
# (503 for VALID_FAULT s) starts before and ends after that half, while the token still lasts
# tokenbroker.refresh.stale-if-error-min (10 s; 2 s in a smoke run, whose token is short): every request of the
# outage gets it, marked Tokenbroker-Stale, instead of a 503. Refresh-ahead is off on this broker, so that the
# token is not renewed before the outage.
if drill_wanted fault.upstream-outage-valid-tokens; then
start_drill_broker BS TOKENBROKER_SCHEDULER_ENABLED=false "${VALID_ENV[@]}"
BS=http://127.0.0.1:$BS_PORT
register "$BS" fvalid 1 "$SL_URL" >/dev/null
http GET "$BS/v1/tenants/fvalid/connections/c1/token"
[[ $HTTP_STATUS == 200 ]] || die "no first token for the valid-token drill: $HTTP_STATUS $HTTP_BODY"
at fvalid $VALID_AT http POST "$SL_ADMIN/fault" "{\"status\":503,\"seconds\":$VALID_FAULT}"
STATS=$(stats_url "$SL_PORT") drill fault.upstream-outage-valid-tokens "upstream outage, valid cached token" \
  "503 for ${VALID_FAULT} s while the cached ${VALID_LIFETIME} s token is inside its buffer but still valid, 1 instance" \
  "$BS" /v1/tenants/fvalid/connections/c1/token $((VALID_AT + VALID_FAULT + VALID_AFTER)) fvalid $VALID_FAULT \
  "stale-if-error: failed should be 0; refresh-ahead off, so the token reaches its buffer during the outage"
stop_pid "$BS_PID"
fi

# --- upstream answers 429 with Retry-After ----------------------------------------------------------------------------
if drill_wanted fault.upstream-429; then
register "$B1" f429 1 "$SF_URL" >/dev/null
at f429 $BEFORE http POST "$SF_ADMIN/fault" "{\"status\":429,\"seconds\":$FAULT,\"retry_after\":2}"
drill fault.upstream-429 "upstream 429" "429 + Retry-After: 2 for ${FAULT} s under load, 1 instance" "$B1" \
  /v1/tenants/f429/connections/c1/token $((BEFORE + FAULT + AFTER)) f429 $FAULT "Retry-After is a floor for the next attempt"
fi

# restart NAME LABEL VAR=value…: kill -9 NAME, start it again on its port; notes how long the new JVM took to answer
# and its PID (it runs in a subshell: the caller's NAME_PID still names the killed one).
restart() {
  local name=$1 label=$2 pid=${1}_PID port=${1}_PORT ready=${1}_READY_MS; shift 2
  # whether a refresh is at the upstream as it dies: a rotation the upstream made for it is lost with it
  http GET "$SF_ADMIN/hold"; json_get in_flight "$HTTP_BODY" >"$WORK/inflight.$label"
  now_ms >"$WORK/killed.$label"
  kill -KILL "${!pid}"
  # until the dead process's socket is gone: else the new one's readiness check would reach the old listener
  for _ in $(seq 200); do port_open "${!port}" || break; sleep 0.05; done
  mv "$WORK/$name.log" "$WORK/$name.killed-$label.log"   # the killed instance's log, for the evidence
  BROKER_PORT=${!port} start_drill_broker "$name" "$@"
  echo "${!pid}" >"$WORK/restarted.$label"
  echo "${!ready}" >"$WORK/restart.$label"
}
# the restarted broker, once its drill is over: it would go on refreshing its connection's tokens in the background
stop_restarted() { [[ ! -f $WORK/restarted.$1 ]] || stop_pid "$(<"$WORK/restarted.$1")"; }

# ledger_evidence LABEL ADMIN_URL SINCE_MS [KILL_MS]: what the sandbox's refresh-token ledger (GET /refresh-tokens,
# kept in $WORK/ledger.LABEL.json) says about the tokens issued since SINCE_MS, as JSON fields: lost_tokens, tokens
# whose predecessor was presented again after its redemption (refused) while they were never presented, i.e. rotated
# tokens the client did not keep; for each, lost_issued_before_kill_ms: how long before the kill the upstream issued
# it (a few ms: the kill landed while the rotation was in flight; more: the client had it and lost it); and
# reused_in_grace, redemptions accepted inside the sandbox's reuse grace.
ledger_evidence() {
  local label=$1 admin=$2 since=$3 kill=${4:-} entry number refused=" " lost=0 before="" reused=0
  local -A parent_of=() issued_of=() unredeemed=()
  http GET "$admin/refresh-tokens" && [[ $HTTP_STATUS == 200 ]] || die "no refresh-token ledger from $admin: $HTTP_STATUS"
  echo "$HTTP_BODY" >"$WORK/ledger.$label.json"
  while read -r entry; do
    number=$(json_get number "$entry")
    parent_of[$number]=$(json_get parent "$entry"); issued_of[$number]=$(json_get issued_at "$entry")
    # the ledger spans every drill on this sandbox: count only this drill's reuses
    (( ${issued_of[$number]} < since )) || reused=$((reused + $(json_get reused "$entry")))
    [[ $(json_get redeemed_at "$entry") == -1 ]] && unredeemed[$number]=1
    [[ $entry != *'"refused_at":['* ]] || refused+="${number} "
  done < <(grep -o '{"number":[^}]*}' <<<"$HTTP_BODY")
  for number in "${!unredeemed[@]}"; do
    (( ${issued_of[$number]} >= since )) && [[ $refused == *" ${parent_of[$number]} "* ]] || continue
    lost=$((lost + 1))
    [[ -z $kill ]] || before+="${before:+,}$((kill - ${issued_of[$number]}))"
  done
  printf '"lost_tokens":%d,"lost_issued_before_kill_ms":"%s","reused_in_grace":%d' "$lost" "$before" "$reused"
}

# --- kill -9 one of three instances during refreshes of rotating tokens -------------------------------------------------
# In-memory instances share nothing: each holds its own connection with its own rotating refresh token. Killing one
# loses that token with the process (counted as lost); the restarted instance serves again once the connection is
# registered anew with a fresh grant. A shared store (PostgreSQL) is what makes this 0: see the shared-store drill below.
if drill_wanted fault.kill-in-memory; then
for base in "$B1" "$B2" "$B3"; do register "$base" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null; done
restart_b2() {
  restart B2 kill
  register "$B2" rot 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
}
at kill $BEFORE restart_b2
RESTARTER=$AT_PID
LOST=1 drill fault.kill-in-memory "kill -9" "1 of 3 in-memory instances killed and restarted during rotating refreshes" \
  "$B1,$B2,$B3" /v1/tenants/rot/connections/c1/token $((BEFORE + KILL_AFTER)) kill 0 \
  "recovery: from the kill until the restarted instance, its connection registered again with a fresh grant, serves; the killed instance's refresh token died with it" \
  --rate=$KILL_RATE
wait $RESTARTER || die "restarting the killed instance failed: $(cat "$WORK/at.log")"
stop_pids "$B1_PID" "$B3_PID"; stop_restarted kill
fi

# --- kill -9 with a shared store: three instances, one connection, one rotating refresh token between them -------------
if [[ -n $PG_BIN ]]; then
  if drill_wanted fault.kill-shared-store; then
  register "http://127.0.0.1:$K1_PORT" shared 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  KSHARED_SINCE=$(now_ms)
  at killshared $BEFORE restart K2 killshared "${PG_ENV[@]}" REDIS_URI="$REDIS_URI"
  RESTARTER=$AT_PID
  # Killed without the sandbox's hold: a refresh at the upstream as K2 dies takes its rotated refresh token with it
  # (no broker can keep a token it never received; a provider's reuse grace can), and the connection then needs
  # re-authorisation. lost_issued_before_kill_ms tells that case (a few ms, or in_flight_at_kill 1) from a rotation
  # the broker had received and lost.
  killshared_evidence() {
    printf '%s,"in_flight_at_kill":%s' \
      "$(ledger_evidence "$1" "$SF_ADMIN" "$KSHARED_SINCE" "$(<"$WORK/killed.$1")")" \
      "$(cat "$WORK/inflight.$1" 2>/dev/null || echo -1)" >"$WORK/extra.$1"
  }
  THEN=killshared_evidence LOST=-1 drill fault.kill-shared-store "kill -9" "1 of 3 instances killed during rotating refreshes, shared store (PostgreSQL + Redis)" \
    "http://127.0.0.1:$K1_PORT,http://127.0.0.1:$K2_PORT,http://127.0.0.1:$K3_PORT" \
    /v1/tenants/shared/connections/c1/token $((BEFORE + KILL_AFTER)) killshared 0 \
    "no re-registration: the restarted instance reads the connection from PostgreSQL" --rate=$KILL_RATE
  wait $RESTARTER || die "restarting the killed instance failed: $(cat "$WORK/at.log")"
  fi

  # --- Redis stalls while the same three share a rotating refresh token ---------------------------------------------
  # A Redis call slower than 250 ms fails open to the in-process lease (RedisLockManager), so two instances can
  # present the same rotating refresh token: the upstream's invalid_grant then marks the connection as needing
  # re-authorisation on the loser (409 until it is saved again). On a loaded machine a stall that long happens
  # without SIGSTOP: it is what a smoke run inside `mvn verify` once hit in the kill -9 drill.
  if drill_wanted fault.redis-stall; then
  register "http://127.0.0.1:$K1_PORT" stall 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  stall_redis() { for _ in $(seq $STALLS); do kill -STOP "$REDIS_PID"; sleep 0.4; kill -CONT "$REDIS_PID"; sleep 0.6; done; }
  at stall $BEFORE stall_redis
  LOST=-1 drill fault.redis-stall "Redis stalls" "Redis paused for 0.4 s, $STALLS times a second apart, under load; 3 instances share a rotating refresh token (PostgreSQL + Redis)" \
    "http://127.0.0.1:$K1_PORT,http://127.0.0.1:$K2_PORT,http://127.0.0.1:$K3_PORT" \
    /v1/tenants/stall/connections/c1/token $((BEFORE + STALLS + STALL_AFTER)) stall $STALLS \
    "invalid_grant: a refresh token presented twice by instances that each held only an in-process lease (the loser re-reads the rotated token instead of marking the connection; docs/benchmarks.md)" \
    --rate=$KILL_RATE
  kill -CONT "$REDIS_PID" 2>/dev/null || true
  fi
  K1=http://127.0.0.1:${K1_PORT:-}; K2=http://127.0.0.1:${K2_PORT:-}; K3=http://127.0.0.1:${K3_PORT:-}

  # --- the lease holder killed in the middle of a refresh -------------------------------------------------------------
  # K3 forces a refresh of a connection the other two serve while the upstream takes 3 s to answer, and is killed
  # (then restarted) while it holds the connection's lease. The others' callers wait for that lease: until it expires,
  # one lease ttl (10 s) after the dead holder's last renewal. max_ms is the longest a caller waited.
  # The sandbox rotates the refresh token when it answers, to a process that is dead by then: no broker can keep
  # that token, and the next holder presents the one stored, already redeemed. The drill measures the hand-over, so
  # the sandbox gets a reuse grace of 15 s (the previous token accepted again that long after its redemption, as
  # Okta's grace period and Auth0's reuse interval offer): the grant stays rotating, and the successor still has to
  # read and present the stored token. Without a grace that one token is lost by design (docs/benchmarks.md).
  K3_LIVE=${K3_PID:-}
  if drill_wanted fault.lease-holder-killed; then
  register "$K1" holder 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  http POST "$SF_ADMIN/reuse-grace" '{"seconds":15}'
  HOLDER_SINCE=$(now_ms)
  # reused_in_grace: 1 when the kill landed with K3's refresh at the upstream (in_flight_at_kill 1); a reuse without
  # it means two live instances presented one refresh token (a lease that failed open on a slow Redis call, as in the
  # Redis-stall drill): the grace hid an invalid_grant, and the brokers' logs say "refused a stale ... rotation".
  holder_evidence() {
    printf '%s,"in_flight_at_kill":%s' "$(ledger_evidence "$1" "$SF_ADMIN" "$HOLDER_SINCE")" \
      "$(cat "$WORK/inflight.$1" 2>/dev/null || echo -1)" >"$WORK/extra.$1"
  }
  kill_holder() {
    http POST "$SF_ADMIN/delay" '{"millis":3000}'
    http POST "$K3/v1/tenants/holder/connections/c1/refresh" &
    sleep 1.5
    # The delay is taken when a request arrives: the refresh in flight keeps its 3 s, later ones are quick again.
    http POST "$SF_ADMIN/delay" '{"millis":20}'
    # whether K3's refresh is at the upstream as it dies (on a busy machine it may not have got there yet)
    http GET "$SF_ADMIN/hold"; json_get in_flight "$HTTP_BODY" >"$WORK/inflight.holder"
    restart K3 holder "${PG_ENV[@]}" REDIS_URI="$REDIS_URI" TOKENBROKER_SHUTDOWN_DRAIN=5s
  }
  at holder $BEFORE kill_holder
  RESTARTER=$AT_PID
  THEN=holder_evidence LOST=-1 drill fault.lease-holder-killed "lease holder killed" "kill -9 of the instance holding a connection's lease mid-refresh (3 s upstream, rotating, 15 s reuse grace), 2 others serve it (PostgreSQL + Redis)" \
    "$K1,$K2" /v1/tenants/holder/connections/c1/token $((BEFORE + KILL_AFTER)) holder 1.5 \
    "max_ms: the longest a caller of the other instances waited for the dead holder's lease (one lease ttl, 10 s, at most; failures only past lease.max-wait, 15 s); reused_in_grace: the dead holder's redeemed token presented again by its successor" \
    --rate=$KILL_RATE
  wait $RESTARTER || die "restarting the killed lease holder failed: $(cat "$WORK/at.log")"
  http POST "$SF_ADMIN/reuse-grace" '{"seconds":0}'
  K3_LIVE=$(<"$WORK/restarted.holder")
  fi

  # --- Redis down while 3 instances refresh one rotating refresh token --------------------------------------------------
  # While Redis is unreachable, a connection with a refresh token is refreshed under a PostgreSQL advisory lock, so no
  # two instances present one refresh token: invalid_grant answers must stay 0 by construction.
  if drill_wanted fault.redis-down-rotating; then
  register "$K1" rdown 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  # In the background job's shell: the new Redis's PID comes back through a file.
  stop_start_redis_k() { stop_pid "$REDIS_PID"; sleep "$FAULT"; start_redis; echo "$REDIS_PID" >"$WORK/redis.pid"; }
  at rdown $BEFORE stop_start_redis_k
  RESTARTER=$AT_PID
  LOST=-1 drill fault.redis-down-rotating "Redis down, rotating" "Redis stopped for ${FAULT} s while 3 instances share a rotating refresh token (PostgreSQL + Redis)" \
    "$K1,$K2,$K3" /v1/tenants/rdown/connections/c1/token $((BEFORE + FAULT + AFTER)) rdown $FAULT \
    "refresh tokens lost counted as invalid_grant answers: leases go through PostgreSQL advisory locks while Redis is down" \
    --rate=$KILL_RATE
  wait $RESTARTER || die "restarting Redis failed: $(cat "$WORK/at.log")"
  REDIS_PID=$(<"$WORK/redis.pid")
  fi

  # --- SIGTERM of one of two instances under load ---------------------------------------------------------------------
  # K3 (restarted above with a 5 s drain) gets SIGTERM: readiness goes down, it serves for the drain, lets its
  # requests finish, releases its leases and writes its refresh-log queue. The load on both stops within the drain (a
  # load balancer would have stopped routing to it); a second caller group on K1 alone runs past K3's exit and
  # measures the lease handover (its max_ms). The stopped broker's own last log line gives what it released and
  # what it could not write.
  if drill_wanted fault.sigterm-one-of-two; then
  register "$K1" sigterm 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  sigterm_k3() {
    local started; started=$(now_ms)
    kill -TERM "$K3_LIVE" 2>/dev/null || true
    for _ in $(seq 1200); do kill -0 "$K3_LIVE" 2>/dev/null || break; sleep 0.05; done
    echo $(( $(now_ms) - started )) >"$WORK/stopped.sigterm"
  }
  at sigterm $BEFORE sigterm_k3
  SIGTERMER=$AT_PID
  load drive "$K1" /v1/tenants/sigterm/connections/c1/token 4 $((BEFORE + 8 + STALL_AFTER)) \
    --rate=$((KILL_RATE / 4)) >"$WORK/handover.json" 2>>"$WORK/at.log" &
  HANDOVER=$!; track $HANDOVER
  finish_sigterm() {
    wait "$SIGTERMER" "$HANDOVER" || die "the SIGTERM drill's helpers failed: $(tail -5 "$WORK/at.log")"
    local stopped released unwritten line
    line=$(grep -a 'stopped: released' "$WORK/K3.log" | tail -1 || true)
    released=$(sed -n 's/.*stopped: released \([0-9]*\) leases.*/\1/p' <<<"$line")
    unwritten=$(sed -n 's/.*not written: \([0-9]*\) refresh-log rows.*/\1/p' <<<"$line")
    [[ -n $line ]] && : "${unwritten:=0}"
    stopped=$(cat "$WORK/stopped.sigterm" 2>/dev/null || echo -1)
    printf '"stopped_ms":%s,"leases_released":%s,"audit_rows_lost":%s,"handover_max_ms":%s' "$stopped" \
      "${released:--1}" "${unwritten:--1}" "$(json_get max_ms "$(<"$WORK/handover.json")")" >"$WORK/extra.$1"
  }
  THEN=finish_sigterm drill fault.sigterm-one-of-two "SIGTERM" "SIGTERM of 1 of 2 instances under load, rotating refresh token (PostgreSQL + Redis)" \
    "$K1,$K3" /v1/tenants/sigterm/connections/c1/token $((BEFORE + 4)) sigterm 0 \
    "failed: requests during the 5 s drain; audit_rows_lost and leases_released from the stopped broker's last log line (-1: no such line); handover_max_ms: K1's callers, past K3's exit" \
    --rate=$KILL_RATE
  fi

  if drill_wanted $K_DRILLS; then
  stop_pids "$K1_PID" "$K3_PID"; stop_restarted killshared; stop_restarted holder
  fi
else
  skip fault.kill-shared-store "kill -9" "1 of 3 instances killed during rotating refreshes, shared store" postgres
  skip fault.redis-stall "Redis stalls" "Redis paused under load; 3 instances share a rotating refresh token" postgres
  skip fault.lease-holder-killed "lease holder killed" "kill -9 of the instance holding a connection's lease mid-refresh" postgres
  skip fault.redis-down-rotating "Redis down, rotating" "Redis stopped while 3 instances share a rotating refresh token" postgres
  skip fault.sigterm-one-of-two "SIGTERM" "SIGTERM of 1 of 2 instances under load" postgres
fi

# --- Redis stop and restart -------------------------------------------------------------------------------------------
if drill_wanted fault.redis-stop; then
BR=http://127.0.0.1:$BR_PORT
register "$BR" fredis 1 "$SF_URL" >/dev/null
http GET "$BR/v1/tenants/fredis/connections/c1/token"
[[ $(redis_keys '*fredis*') -gt 0 ]] || die "a broker started with REDIS_URI wrote nothing to Redis"
stop_start_redis() { stop_pid "$REDIS_PID"; sleep "$FAULT"; start_redis; }
at redis $BEFORE stop_start_redis
drill fault.redis-stop "Redis stop/restart" "Redis stopped for ${FAULT} s under load, 1 instance" "$BR" \
  /v1/tenants/fredis/connections/c1/token $((BEFORE + FAULT + AFTER)) redis $FAULT "fail-open: near cache, then direct fetch"
stop_pid "$BR_PID"
fi

# --- PostgreSQL stop and restart ----------------------------------------------------------------------------------------
if [[ -n $PG_BIN ]] && drill_wanted fault.postgres-stop; then
  BP=http://127.0.0.1:$BP_PORT
  register "$BP" fpg 1 "$SF_URL" "$SF_ADMIN/refresh-tokens" >/dev/null
  http GET "$BP/v1/tenants/fpg/connections/c1/token"
  # SIGINT: fast shutdown (TERM would wait for the broker's pool to disconnect); wait until it is gone
  stop_start_pg() {
    kill -INT "$PG_PID"
    for _ in $(seq 200); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.05; done
    sleep "$FAULT"; start_pg
  }
  at pg $BEFORE stop_start_pg
  LOST=-1 drill fault.postgres-stop "PostgreSQL stop/restart" "PostgreSQL stopped for ${FAULT} s under load, rotating refresh token" "$BP" \
    /v1/tenants/fpg/connections/c1/token $((BEFORE + FAULT + AFTER)) pg $FAULT \
    "refresh tokens lost counted as invalid_grant answers: a rotated token the broker failed to keep"
  stop_pid "$BP_PID"
elif drill_wanted fault.postgres-stop; then
  skip fault.postgres-stop "PostgreSQL stop/restart" "PostgreSQL stopped and restarted under load" postgres
fi

# --- PostgreSQL down, 2 instances serving and refreshing from memory (issue 18) -----------------------------------------
# Both instances read the connection first (the token request on O1, the connection itself on O2): during the outage
# each refreshes it from its sealed memory, and a rotated refresh token waits in Redis for the database.
if [[ -n $PG_BIN ]] && drill_wanted $O_DRILLS; then
  O1=http://127.0.0.1:$O1_PORT; O2=http://127.0.0.1:$O2_PORT
  # the postmaster's PID from its file: start_pg may have run in an `at` subshell, whose PG_PID we never saw
  stop_pg() {
    local pid; pid=$(<"$WORK/pg.pid")
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  }
  # await_db BASE…: until each broker's health says UP again (its breaker lets a probe through every 2 s)
  await_db() {
    local base
    for base in "$@"; do
      # the drills run without caller security, so /health shows every component: UP and no DEGRADED one
      for _ in $(seq 150); do http GET "$base/health" && [[ $HTTP_BODY == *'"UP"'* && $HTTP_BODY != *DEGRADED* ]] && break; sleep 0.1; done
      [[ $HTTP_BODY == *'"UP"'* && $HTTP_BODY != *DEGRADED* ]] || die "$base did not see PostgreSQL again: $HTTP_BODY"
    done
  }
  # register_after_outage BASE TENANT …: register's arguments; a statement can still meet a connection opened before
  # the restart and answer 503 (storage-unavailable, Retry-After), as a client would, it is retried for up to 6 s
  register_after_outage() {
    local attempt
    for attempt in $(seq 30); do ( register "$@" >/dev/null 2>&1 ) && return 0; sleep 0.2; done
    register "$@" >/dev/null
  }
  if drill_wanted fault.postgres-down-2; then
  register "$O1" odown 1 "$SO_URL" "$SO_ADMIN/refresh-tokens" >/dev/null
  http GET "$O1/v1/tenants/odown/connections/c1/token"; http GET "$O2/v1/tenants/odown/connections/c1"
  at odown $BEFORE eval 'stop_pg; sleep "$PG_OUTAGE"; start_pg'
  RESTARTER=$AT_PID
  STATS=$SO_STATS LOST=-1 drill fault.postgres-down-2 "PostgreSQL down" "PostgreSQL down ${PG_OUTAGE} s, 10 s tokens under load on 2 instances (PostgreSQL + Redis)" \
    "$O1,$O2" /v1/tenants/odown/connections/c1/token $((BEFORE + PG_OUTAGE + AFTER)) odown $PG_OUTAGE \
    "target: 0 failed (refreshes from the sealed memory, rotations held in Redis); lost: invalid_grant answers"
  wait $RESTARTER || die "restarting PostgreSQL failed: $(cat "$WORK/at.log")"
  await_db "$O1" "$O2"
  fi

  # --- a request that needs the database during the outage: a fast 503 ------------------------------------------------
  # The connection was registered through O1, so O2 never read it: during the outage O2 cannot serve it and must
  # answer 503 at once (the breaker), not after the pool's timeout.
  if drill_wanted fault.postgres-needs-db; then
  register_after_outage "$O1" oneed 1 "$SO_URL"
  stop_pg
  result=$(load drive "$O2" /v1/tenants/oneed/connections/c1/token $WORKERS "$NEEDS_DB" --stats="$SO_STATS" "${DRILL_OPTS[@]}") \
    || die "the needs-database load failed"
  start_pg
  await_db "$O1" "$O2"
  row fault.postgres-needs-db "PostgreSQL down" "token of a connection this instance never read, PostgreSQL down, ${NEEDS_DB} s" \
    measured "$result" "target: every answer 503 (statuses), the slowest (max_ms) at most 1000 ms"
  fi

  # --- PostgreSQL down, rotations under load, the rotating instance killed, the database back, a new instance --------
  # Load on O1 alone (4 s tokens, so it rotates often); O1 is killed with kill -9 inside the outage, taking its memory
  # with it; once the database is back a new O1 starts. The rotations O1 held must come back from Redis: written back
  # by O2 and the new O1, and read through meanwhile. Requests sent to the dead O1 fail: the figure is the lost tokens.
  # The kill lands under the sandbox's hold: new token requests are parked (answered 503 on release) and the kill
  # waits until none is in flight, so no refresh token is rotated for a process that dies before reading it (no
  # broker could keep that one; a provider's reuse grace could, docs/operations.md). What is lost is then the
  # broker's: a rotation it had received and not yet made durable. BENCH_KILL_HOLD=0 kills without the hold (the
  # in-flight window counts too). lost_issued_before_kill_ms (the sandbox's ledger): how long before the kill each
  # lost token was issued.
  if drill_wanted fault.postgres-down-kill; then
  register_after_outage "$O1" okill 1 "$SF_URL" "$SF_ADMIN/refresh-tokens"
  http GET "$O1/v1/tenants/okill/connections/c1/token"; http GET "$O2/v1/tenants/okill/connections/c1"
  OKILL_SINCE=$(now_ms)
  # hold_upstream ADMIN: parks new token requests and waits (5 s at most) until none is in flight
  hold_upstream() {
    http POST "$1/hold" '{"held":true}'
    for _ in $(seq 500); do http GET "$1/hold"; [[ $HTTP_BODY == *'"in_flight":0'* ]] && return 0; sleep 0.01; done
    die "refresh requests still in flight at $1 after 5 s: $HTTP_BODY"
  }
  kill_in_outage() {
    stop_pg; sleep "$OUTAGE_KILL_AT"
    [[ ${BENCH_KILL_HOLD:-1} == 0 ]] || hold_upstream "$SF_ADMIN"
    http GET "$SF_ADMIN/hold"; json_get in_flight "$HTTP_BODY" >"$WORK/inflight.okill"
    now_ms >"$WORK/killed.okill"
    kill -KILL "$O1_PID"
    http POST "$SF_ADMIN/hold" '{"held":false}'
    sleep "$OUTAGE_AFTER_KILL"; start_pg
    for _ in $(seq 200); do port_open "$O1_PORT" || break; sleep 0.05; done
    mv "$WORK/O1.log" "$WORK/O1.killed.log"   # the killed instance's log, for the evidence
    BROKER_PORT=$O1_PORT start_drill_broker O1 "${O_ENV[@]}"
    echo "$O1_PID" >"$WORK/restarted.okill"
    echo "$O1_READY_MS" >"$WORK/restart.okill"
  }
  at okill $BEFORE kill_in_outage
  RESTARTER=$AT_PID
  okill_evidence() {
    printf '%s,"in_flight_at_kill":%s' "$(ledger_evidence "$1" "$SF_ADMIN" "$OKILL_SINCE" "$(<"$WORK/killed.$1")")" \
      "$(cat "$WORK/inflight.$1" 2>/dev/null || echo -1)" >"$WORK/extra.$1"
  }
  THEN=okill_evidence LOST=-1 drill fault.postgres-down-kill "PostgreSQL down + kill -9" "PostgreSQL down $((OUTAGE_KILL_AT + OUTAGE_AFTER_KILL)) s, the rotating instance killed inside it, a new one after (PostgreSQL + Redis)" \
    "$O1" /v1/tenants/okill/connections/c1/token $((BEFORE + OUTAGE_KILL_AT + OUTAGE_AFTER_KILL + KILL_AFTER)) okill \
    $((OUTAGE_KILL_AT + OUTAGE_AFTER_KILL)) \
    "target: 0 refresh tokens lost (invalid_grant); the kill under the sandbox's hold (no refresh in flight at the upstream); failed requests are those sent to the dead instance" --rate=$KILL_RATE
  wait $RESTARTER || die "the outage with kill -9 failed: $(cat "$WORK/at.log")"
  fi
  stop_pids "$O2_PID"; stop_restarted okill
  [[ -f $WORK/pg.pid ]] && stop_pid "$(<"$WORK/pg.pid")" INT
elif drill_wanted $O_DRILLS; then
  skip fault.postgres-down-2 "PostgreSQL down" "PostgreSQL down, 2 instances under load" postgres
  skip fault.postgres-needs-db "PostgreSQL down" "a request that needs the database during the outage" postgres
  skip fault.postgres-down-kill "PostgreSQL down + kill -9" "the rotating instance killed during the outage" postgres
fi

# --- results ------------------------------------------------------------------------------------------------------------
write_results "$(date -u +%Y-%m-%dT%H%MZ)-faults" faults-report "$(printf '"load":%s' "$(json_str \
  "$WORKERS looping callers (bench/Load.java drive${DRILL_OPTS:+ ${DRILL_OPTS[*]}}): ${BEFORE} s before the fault, ${FAULT} s of fault, ${AFTER} s after (the valid-token outage: ${VALID_AT} s, ${VALID_FAULT} s, ${VALID_AFTER} s); the kill -9 drills ${BEFORE} s before and ${KILL_AFTER} s after, the Redis stalls ${STALL_AFTER} s after, these three paced at $KILL_RATE requests/s")")"
cat "$RESULT_MD"
exit 0
