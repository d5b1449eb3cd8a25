#!/usr/bin/env bash
# tokenbroker benchmark: the broker against this machine's ceilings and against what users do today, in one run.
#   bench/run.sh           full run (~24 min on 2 cores), writes bench/results/<date>.json and .md; installs wrk,
#                          nginx, redis-server, redis-tools and hyperfine from the distribution's packages if missing
#   bench/run.sh --smoke   every step of run.sh, and alongside it faults.sh --smoke, for a second or a few (about a
#                          minute), results in a temporary directory; installs nothing and needs only bash,
#                          coreutils, grep, sed and a JDK (bench/minimal-path.sh); exit ≠ 0 when a step fails or a
#                          measured step of run.sh saw failed requests. `mvn verify` runs it (bootstrap's BenchSmokeIT).
# Loopback only; every process started is stopped by PID on exit.
# Environment: BENCH_JAR (default bootstrap/target/tokenbroker.jar), BENCH_JAVA_OPTS (default -Xmx1g),
# BENCH_API_KEY (the caller key for the authentication-on row; default: a fresh one in the documented format),
# BENCH_UPSTREAM_DELAY_MS (default 100: the sandbox's latency for stampede and cost-of-a-miss), BENCH_OUT (where
# results go), BENCH_PID_LOG (a file that also receives every started PID), BENCH_REDIS_JAR, BENCH_PG_BIN,
# BENCH_ROUNDS (default 5, smoke 1: alternating measured rounds of the ratio rows), BENCH_WARMUP (default 20 s, smoke 0:
# the warm-up pass of each ratio row before its rounds, and the warm-up of every other throughput row), BENCH_ONLY
# (comma-separated globs of row ids: only the rows that match, and only the processes they use). Row ids:
#   ceiling.nginx ceiling.micronaut-event-loop ceiling.micronaut-blocking cached.in-memory.auth-off
#   cached.in-memory.auth-on cached.redis.redis-hit cached.production.auth-on cached.production.auth-off (ratio rows)
#   refresh-ahead.paced refresh-log.writer.{one-connection,many-connections,paced} redis-ceiling.{1,50}
#   cached.in-memory.3-instances cached.redis.near-cache steady.one-caller cold-key.burst alternative
#   miss.upstream miss.broker (a broker's first misses) miss.broker-warm (after MISS_WARMUP misses: issue 17's figure)
#   stampede.cold-{100,1000}.{1-instance,3-in-memory,3-redis} stampede.expiry.{1-instance,3-in-memory,3-redis}
#   scale.{1,1000,100000} startup
# e.g. BENCH_ONLY='stampede.cold-100.*' or BENCH_ONLY='miss.*' or BENCH_ONLY='cached.production.*'.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMMAND="bench/run.sh${1:+ $1}"
if $SMOKE; then
  ROUNDS=${BENCH_ROUNDS:-1}; ROUND_SECONDS=1; ROUND_WARMUP=0; WARMUP_S=${BENCH_WARMUP:-0}
  MISS_WARMUP=3; MISS_HOT=6; STAMPEDE_WARMUP=1; STAMPEDE_ROUNDS=2
  SECONDS_PER_RUN=1; SCALES=(100); STAMPEDES=(100); MISSES=5; DIRECT=5; REDIS_N=2000; STARTUP_RUNS=1
  REDIS_KEYS=5; REDIS_KEYS_LABEL=5; EXPIRY_SECONDS=2; EXPIRY_OPTS=(--rate=1000); STEADY_SECONDS=1; BURST=10
  PACED_LIFETIME=6; PACED_SECONDS=3; PACED_RATE=100
  WRITER_ATTEMPTS=2000; WRITER_CONNECTIONS=100; WRITER_PACED_SECONDS=1
else
  # A broker's JIT climbs for 15–20 s of load before a row plateaus (every broker row in a quiet run of 8 rounds of
  # 4 s: e.g. keys on 2,966 / 8,920 / 23,020 / 19,188 / 25,262 / … req/s): a 20 s warm-up pass per ratio row, then
  # five rounds of 4 s (after 1 s each); the other throughput rows get the same 20 s warm-up before their run.
  ROUNDS=${BENCH_ROUNDS:-5}; ROUND_SECONDS=4; ROUND_WARMUP=1; WARMUP_S=${BENCH_WARMUP:-20}
  # Misses on other connections before a miss or stampede row (the profile's warm figures came after 700–1,500);
  # stampede: 6 warm-up rounds (with 100 callers over 3 instances ≥ 200 waits per instance, C1's compile threshold,
  # for the waiter path the misses do not run), then the median of 3 measured rounds.
  # BENCH_STAMPEDE_WARMUP: more warm-up rounds, to see how much of a 3-instance row is code still compiling.
  MISS_WARMUP=1000; MISS_HOT=9000; STAMPEDE_WARMUP=${BENCH_STAMPEDE_WARMUP:-6}; STAMPEDE_ROUNDS=3
  SECONDS_PER_RUN=10; SCALES=(1 1000 100000); STAMPEDES=(100 1000); MISSES=20; DIRECT=20; REDIS_N=100000
  STARTUP_RUNS=3; REDIS_KEYS=1000; REDIS_KEYS_LABEL=1,000; EXPIRY_SECONDS=10; EXPIRY_OPTS=()
  # Three minutes: more than two verified-key cache lifetimes (60 s), so a lapse on the request path would show.
  STEADY_SECONDS=180; BURST=100
  # 20 s tokens are renewed every 8 s (0.8 of their 10 s servable window): five times per connection in 45 s.
  PACED_LIFETIME=20; PACED_SECONDS=45; PACED_RATE=200
  WRITER_ATTEMPTS=20000; WRITER_CONNECTIONS=1000; WRITER_PACED_SECONDS=10
fi
THREADS=2; CONNECTIONS=64
# The single-run throughput rows: the warm-up pass's length, never less than the 2 s they always had.
SINGLE_WARMUP=$(( WARMUP_S > 2 ? WARMUP_S : 2 ))
DELAY_MS=${BENCH_UPSTREAM_DELAY_MS:-100}
RUN_STARTED=$(date +%s)
if [[ -z $API_KEY ]]; then
  # tbk_<16 of a-z0-9>_<43 base64url>, the broker's documented key format (README)
  API_KEY=$(head -c 600 /dev/urandom | tr -dc 'a-z0-9'); API_KEY=${API_KEY:0:16}
  API_KEY="tbk_${API_KEY}_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  export BENCH_API_KEY=$API_KEY
fi

if $SMOKE; then
  # This run's ports; the fault drills below get the other half of the range.
  PORT_LOW=10000 PORT_HIGH=$(( (10000 + EPHEMERAL_LOW) / 2 - 1 ))
fi
prepare
resolve_redis
resolve_pg
if $SMOKE && [[ -z ${BENCH_ONLY:-} ]]; then
  # The fault drills run alongside: paced load and waiting for the most part, they overlap this run's CPU-bound
  # steps, which a smoke run does not measure for keeps. They reuse the compiled helpers and class-data archives.
  BENCH_CLASSES=$CLASSES BENCH_CLASS_ARCHIVE=$WORK/tokenbroker.jsa BENCH_PORT_RANGE=$(( (10000 + EPHEMERAL_LOW) / 2 ))-$((EPHEMERAL_LOW - 1)) LOG_TAG="[faults] " \
    "$BENCH_DIR/faults.sh" --smoke >"$WORK/faults-smoke.md" 2>"$WORK/faults-smoke.log" &
  FAULTS_PID=$!; track $FAULTS_PID; NESTED=$FAULTS_PID
fi

# --- everything the steps below use, started side by side: upstreams S0 (answers at once: warm-up, scale, the
# alternative), S1 (like a real provider, DELAY_MS), S2 (the same with 4 s tokens: expiry under load); Redis; brokers
# B1–B3 in memory with caller security off (the "off" figures), BA with it on, R1–R3 over Redis with the default near
# cache (near-cache hits, the stampede) and RN with a near cache of one entry, so that practically every hit of 1,000
# random keys (5 in a smoke run) goes to Redis. Idle brokers cost nothing measurable; starting them one after
# another costs minutes. --------------------------------------------------------------------------------------------
# A BENCH_ONLY run starts only what the rows of its selection use (S0 and B1 always: the run's first token).
COLD_STAMPEDES=()
for n in "${STAMPEDES[@]}"; do
  COLD_STAMPEDES+=("stampede.cold-$n.1-instance" "stampede.cold-$n.3-in-memory" "stampede.cold-$n.3-redis")
done
if [[ -n ${BENCH_ONLY:-} ]]; then
  NOT_LAUNCHED=""
  wanted_any miss.upstream miss.broker miss.broker-warm "${COLD_STAMPEDES[@]}" || NOT_LAUNCHED+=" S1"
  wanted_any stampede.expiry.{1-instance,3-in-memory,3-redis} || NOT_LAUNCHED+=" S2"
  wanted_any cached.in-memory.3-instances stampede.{cold-100,cold-1000,expiry}.3-in-memory || NOT_LAUNCHED+=" B2 B3"
  REDIS_TRIO=false
  wanted_any stampede.{cold-100,cold-1000,expiry}.3-redis || { $SMOKE && wanted refresh-ahead.paced; } && REDIS_TRIO=true
  $REDIS_TRIO || wanted cached.redis.near-cache || NOT_LAUNCHED+=" R1"
  $REDIS_TRIO || NOT_LAUNCHED+=" R2 R3"
  wanted cached.in-memory.auth-on || NOT_LAUNCHED+=" BA"
  wanted cached.redis.redis-hit || NOT_LAUNCHED+=" RN"
  wanted_any cached.production.auth-on cached.production.auth-off steady.one-caller cold-key.burst \
    || NOT_LAUNCHED+=" P1 P0"
fi
start_redis
REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
launch_sandbox S0 3600 0
launch_sandbox S1 3600 "$DELAY_MS"
launch_sandbox S2 4 "$DELAY_MS"
for name in B1 B2 B3; do launch_broker $name MICRONAUT_SECURITY_ENABLED=false; done
launch_broker BA
for name in R1 R2 R3; do launch_broker $name MICRONAUT_SECURITY_ENABLED=false REDIS_URI="$REDIS_URI"; done
# Each group of brokers on the one Redis keeps its own keys (TOKENBROKER_REDIS_KEY_PREFIX): the refresh-ahead
# schedule is shared by every instance under a prefix, and an instance that claims a connection it does not know
# drops it from the schedule (a deleted connection) — so the paced row lost 7 of its 20 connections' renewals to
# R1–R3 and RN, which share the Redis but not the connections.
launch_broker RN MICRONAUT_SECURITY_ENABLED=false REDIS_URI="$REDIS_URI" TOKENBROKER_REDIS_NEAR_CACHE_SIZE=1 \
  TOKENBROKER_REDIS_KEY_PREFIX=rn
# The production shape: Redis and PostgreSQL, P1 with API keys and rate limits on (limits far above what one load
# generator sends, so they are counted, not hit), P0 the same with caller security off.
PRODUCTION=()
if [[ -n $PG_BIN ]]; then
  setup_pg
  LIMITS=(TOKENBROKER_RATE_LIMIT_PER_KEY=1000000000 TOKENBROKER_RATE_LIMIT_PER_ADDRESS=1000000000)
  launch_broker P1 REDIS_URI="$REDIS_URI" "${PG_ENV[@]}" "${LIMITS[@]}" TOKENBROKER_REDIS_KEY_PREFIX=prod
  launch_broker P0 REDIS_URI="$REDIS_URI" "${PG_ENV[@]}" MICRONAUT_SECURITY_ENABLED=false \
    TOKENBROKER_REDIS_KEY_PREFIX=prod
  PRODUCTION=(P1 P0)
fi
# Refresh-ahead under paced load (issue 17): S3 answers in 300 ms with short tokens; A1–A3 share Redis (and
# PostgreSQL when there is one, the production shape) and renew them in the background with the default settings.
# A smoke run, which keeps no figure, lends it R1–R3 (Redis only) rather than start three JVMs more.
AHEAD=()
PACED_DELAY_MS=300
PACED_BROKERS=(A1 A2 A3)
if wanted refresh-ahead.paced; then
  launch_sandbox S3 "$PACED_LIFETIME" "$PACED_DELAY_MS"
  AHEAD=(S3)
  if $SMOKE; then
    PACED_BROKERS=(R1 R2 R3)
  else
    # At DEBUG the scheduler writes one line per renewal (due, claimed, started, done): the row's timeline.
    for name in A1 A2 A3; do
      launch_broker $name MICRONAUT_SECURITY_ENABLED=false REDIS_URI="$REDIS_URI" ${PG_ENV[@]+"${PG_ENV[@]}"} \
        TOKENBROKER_REDIS_KEY_PREFIX=paced LOGGER_LEVELS_IO_TOKENBROKER_APPLICATION_SERVICE=DEBUG
    done
    AHEAD+=(A1 A2 A3)
  fi
fi
await S0 S1 S2 B1 B2 B3 BA R1 R2 R3 RN "${PRODUCTION[@]}"
await ${AHEAD[@]+"${AHEAD[@]}"}
READY=""
for name in S0 S1 S2 B1 B2 B3 BA R1 R2 R3 RN ${PRODUCTION[@]+"${PRODUCTION[@]}"} ${AHEAD[@]+"${AHEAD[@]}"}; do
  [[ " ${NOT_LAUNCHED:-} " == *" $name "* ]] || READY+=" $name"
done
log "sandboxes and brokers ready:$READY"
S0_URL=http://127.0.0.1:$S0_PORT/oauth/token
S1_URL=http://127.0.0.1:${S1_PORT:-}/oauth/token
S2_URL=http://127.0.0.1:${S2_PORT:-}/oauth/token
B1=http://127.0.0.1:$B1_PORT
register "$B1" bench 1 "$S0_URL" >/dev/null
TOKEN_URL=$B1/v1/tenants/bench/connections/c1/token
http GET "$TOKEN_URL" && [[ $HTTP_BODY == *'"access_token"'* ]] || die "no token from the broker: $HTTP_STATUS $HTTP_BODY"
TOKEN_BODY=$HTTP_BODY
BODY_BYTES=${#TOKEN_BODY}

# --- results ---------------------------------------------------------------------------------------------------------
# finish_run: the results of the rows measured so far, written and shown; exits (1 when a smoke run saw a failure).
finish_run() {
  if have wrk; then GENERATOR="wrk -t$THREADS -c$CONNECTIONS"; else GENERATOR="Load.java bench (no wrk) -c$CONNECTIONS"; fi
  $SMOKE && WARMUP="no warm-up" || WARMUP="after a ${SINGLE_WARMUP} s warm-up"
  write_results "$(date -u +%Y-%m-%dT%H%MZ)" report "$(printf '"load":%s,"response_bytes":%d' \
    "$(json_str "$GENERATOR -d${SECONDS_PER_RUN}s $WARMUP, loopback; the ratio rows (ceilings, cached tokens): a warm-up pass of ${WARMUP_S} s per row, then the median of $ROUNDS alternating round(s) of ${ROUND_SECONDS} s after ${ROUND_WARMUP} s of warm-up; stampedes: $MISS_WARMUP misses per instance and $STAMPEDE_WARMUP warm-up rounds, then the median of $STAMPEDE_ROUNDS round(s)")" \
    "$BODY_BYTES")"
  cat "$RESULT_MD"
  FAILED_ROWS=$(results failed "$RESULT_JSON")
  if $SMOKE && [[ -n ${FAULTS_PID:-} ]]; then
    # Its log lines go to a file and come out here in one piece: interleaved with this run's, the line naming a
    # failed drill scrolled out of what the test shows of the output.
    if ! wait $FAULTS_PID; then
      cat "$WORK/faults-smoke.md" "$WORK/faults-smoke.log" >&2
      die "faults.sh --smoke failed: $(grep -h 'FAILED' "$WORK/faults-smoke.log" | tail -1)"
    fi
    cat "$WORK/faults-smoke.log" >&2
    cat "$WORK/faults-smoke.md"
  fi
  if [[ $FAILED_ROWS -gt 0 ]]; then
    log "$FAILED_ROWS measured step(s) failed or saw failed requests"
    $SMOKE && exit 1
  fi
  exit 0
}

# warm_misses BASE…: MISS_WARMUP misses on each base, once per base, on connections of a tenant of its own (over a
# shared Redis another instance's token would be a hit) against S0, which answers at once: a row after it measures
# the compiled miss path (upstream exchange, lease, store, refresh log) rather than the JIT compiling it.
declare -A MISS_WARMED=()
warm_misses() {
  local base tenant reg wrm
  for base in "$@"; do
    [[ -z ${MISS_WARMED[$base]:-} ]] || continue
    tenant=jit${#MISS_WARMED[@]}
    reg=$(register "$base" "$tenant" $MISS_WARMUP "$S0_URL")
    wrm=$(warm "$base" "$tenant" $MISS_WARMUP)
    [[ $(json_get failures "$reg") == 0 && $(json_get failures "$wrm") == 0 ]] \
      || die "warm-up misses at $base: $reg $wrm"
    MISS_WARMED[$base]=1
  done
}

# --- 1. the ratio rows: ceilings and cached tokens in alternating rounds --------------------------------------------
# Issue 17's figures are ratios to the constant of the same run. One long run per row lets the machine's drift (up to
# 2 × between identical runs minutes apart on a VM) land on one row and not its ceiling, so every row of a ratio runs
# ROUNDS short rounds in turn (A B C … A B C …) and reports the median round, every round's requests/s and their
# spread; the ratios are those of the medians. Before round 1 a warm-up pass loads every row's target in the same
# order for WARMUP_S seconds: a broker's rows climb for 15–20 s of load while its JIT compiles the path (and the JVMs
# started together finish their own start-up work), which the median would otherwise read. The pass is discarded,
# its requests/s shown in the row.
RATIO_ROWS=()
for id in ceiling.nginx ceiling.micronaut-event-loop ceiling.micronaut-blocking cached.in-memory.auth-off \
  cached.in-memory.auth-on cached.redis.redis-hit cached.production.auth-on cached.production.auth-off; do
  [[ $id == cached.production.* && ${#PRODUCTION[@]} -eq 0 ]] || ! wanted "$id" || RATIO_ROWS+=("$id")
done
NGINX_URL=""
if have nginx && [[ " ${RATIO_ROWS[*]} " == *" ceiling.nginx "* ]]; then
  free_port NGINX_PORT
  mkdir -p "$WORK/nginx/html" "$WORK/nginx/tmp"
  printf '%s' "$TOKEN_BODY" >"$WORK/nginx/html/token.json"   # the broker's own answer: same size, byte for byte
  # nginx started by root serves as "nobody": let it through the private work directory to the one file.
  chmod o+x "$WORK" "$WORK/nginx"; chmod o+rx "$WORK/nginx/html"; chmod o+r "$WORK/nginx/html/token.json"
  cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/nginx/html;
    location / { default_type application/json; etag off; add_header Cache-Control no-store; add_header Pragma no-cache; }
  }
}
NGINX
  PATH=$PATH:/usr/sbin nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
  track $!
  wait_port "$NGINX_PORT" 10 $! || die "nginx did not start"
  http GET "http://127.0.0.1:$NGINX_PORT/token.json" || die "nginx did not answer"
  [[ ${#HTTP_BODY} -eq $BODY_BYTES ]] || die "nginx body ${#HTTP_BODY} bytes, broker $BODY_BYTES"
  NGINX_URL="http://127.0.0.1:$NGINX_PORT/token.json"
fi

# Every target gets its connections (and a first fetch) before the first round.
BA_ANONYMOUS=""
if [[ " ${RATIO_ROWS[*]} " == *" cached.in-memory.auth-on "* ]]; then
  http GET "http://127.0.0.1:$BA_PORT/v1/bench/constant"
  BA_ANONYMOUS=$HTTP_STATUS
  [[ $BA_ANONYMOUS == 401 ]] && register "http://127.0.0.1:$BA_PORT" bench 1 "$S0_URL" >/dev/null
fi
R1=http://127.0.0.1:${R1_PORT:-}; R2=http://127.0.0.1:${R2_PORT:-}; R3=http://127.0.0.1:${R3_PORT:-}
RN=http://127.0.0.1:${RN_PORT:-}
if [[ " ${RATIO_ROWS[*]} " == *" cached.redis.redis-hit "* ]]; then
  register "$RN" redis $REDIS_KEYS "$S0_URL" >/dev/null; warm "$RN" redis $REDIS_KEYS >/dev/null
fi
PROD_LABEL="Redis + PostgreSQL"
if [[ ${#PRODUCTION[@]} -gt 0 && " ${RATIO_ROWS[*]} " == *" cached.production."* ]]; then
  P1=http://127.0.0.1:$P1_PORT; P0=http://127.0.0.1:$P0_PORT
  for base in "$P1" "$P0"; do register "$base" prod 1 "$S0_URL" >/dev/null; warm "$base" prod 1 >/dev/null; done
fi

# ratio_row ID: what the row measures: R_URL, R_ENV (wrk's environment), R_STEP, R_VARIANT, R_NOTE, and R_MISSING
# (a tool the row needs and this machine lacks) or R_FAILED (why it cannot be measured).
ratio_row() {
  R_ENV=() R_NOTE="" R_MISSING="" R_FAILED=""
  case $1 in
    ceiling.nginx) R_STEP=ceiling R_VARIANT="nginx static JSON ($BODY_BYTES B)" R_URL=$NGINX_URL
      [[ -n $NGINX_URL ]] || R_MISSING=nginx ;;
    ceiling.micronaut-event-loop) R_STEP=ceiling R_VARIANT="Micronaut constant, event loop"
      R_URL=$B1/v1/bench/constant-event-loop ;;
    ceiling.micronaut-blocking) R_STEP=ceiling R_VARIANT="Micronaut constant, blocking executor (as the token endpoint)"
      R_URL=$B1/v1/bench/constant ;;
    cached.in-memory.auth-off) R_STEP="cached token" R_VARIANT="in-memory hit, 1 instance, API-key auth off"
      R_URL=$TOKEN_URL R_NOTE="the embedded default: the in-memory cache is the only cache, so it plays the near cache" ;;
    cached.in-memory.auth-on) R_STEP="cached token" R_VARIANT="in-memory hit, 1 instance, API-key auth on"
      R_URL=http://127.0.0.1:$BA_PORT/v1/tenants/bench/connections/c1/token
      [[ $BA_ANONYMOUS == 401 ]] || R_FAILED="an anonymous request got $BA_ANONYMOUS, not 401: caller security is not on" ;;
    cached.redis.redis-hit) R_STEP="cached token"
      R_VARIANT="Redis hit (near cache 1 entry), random of $REDIS_KEYS_LABEL keys, 1 instance, auth off"
      R_URL=$RN/ R_ENV=(BENCH_KEYS=$REDIS_KEYS BENCH_TENANT=redis) ;;
    cached.production.auth-on) R_STEP="cached token"
      R_VARIANT="near-cache hit, $PROD_LABEL, API keys and rate limits on" R_URL=$P1/v1/tenants/prod/connections/c1/token ;;
    cached.production.auth-off) R_STEP="cached token" R_VARIANT="near-cache hit, $PROD_LABEL, caller security off"
      R_URL=$P0/v1/tenants/prod/connections/c1/token ;;
    *) die "no ratio row $1" ;;
  esac
}
if (( WARMUP_S > 0 && ${#RATIO_ROWS[@]} > 0 )); then
  for id in "${RATIO_ROWS[@]}"; do
    ratio_row "$id"
    [[ -z $R_MISSING && -z $R_FAILED ]] || continue
    HTTP_WARMUP=0 http_load "$R_URL" "$WARMUP_S" $THREADS $CONNECTIONS ${R_ENV[@]+"${R_ENV[@]}"} \
      >"$WORK/warmup.$id.json" || true
  done
  log "ratio rows: warm-up pass of $WARMUP_S s per row done"
fi
for ((round = 1; round <= ROUNDS && ${#RATIO_ROWS[@]} > 0; round++)); do
  for id in "${RATIO_ROWS[@]}"; do
    ratio_row "$id"
    [[ -z $R_MISSING && -z $R_FAILED ]] || continue
    m=$(HTTP_WARMUP=$ROUND_WARMUP http_load "$R_URL" $ROUND_SECONDS $THREADS $CONNECTIONS ${R_ENV[@]+"${R_ENV[@]}"})
    [[ -n $m ]] || m="{}"
    echo "$m" >"$WORK/round.$id.$round.json"
  done
  log "ratio rows: round $round of $ROUNDS done"
done
for id in "${RATIO_ROWS[@]}"; do
  ratio_row "$id"
  if [[ -n $R_MISSING ]]; then skip "$id" "$R_STEP" "$R_VARIANT" "$R_MISSING"
  elif [[ -n $R_FAILED ]]; then row "$id" "$R_STEP" "$R_VARIANT" failed "" "$R_FAILED"
  else
    m=$(results median "$WORK"/round."$id".*.json)
    if [[ -s $WORK/warmup.$id.json ]]; then
      m=$(json_add "$m" "\"warmup_s\":$WARMUP_S,\"warmup_rps\":$(json_get rps "$(<"$WORK/warmup.$id.json")")")
    fi
    row "$id" "$R_STEP" "$R_VARIANT" measured "$m" "$R_NOTE"
  fi
done
stop_pids "${BA_PID:-}" "${RN_PID:-}"

# --- 1b. refresh-ahead under paced load: 20 connections on 3 instances, tokens renewed during the run ---------------
# Every instance first serves MISS_WARMUP misses of its own (fresh JVMs: a cold refresh path made Redis commands
# slower than their 250 ms timeout, and the instance then refreshed on the request path), and every token is fetched
# once on each instance (the misses that fill the caches); then paced load over the three. A request that waited on an upstream call is one the brokers counted as a miss (no servable token: it
# refreshed, or waited for another caller's refresh); requests that took at least the upstream's delay are counted
# too, from the load generator's side.
# The row's timeline, kept in $WORK (BENCH_KEEP=1 keeps it) for when the count is not 0: every request (paced.requests:
# start, µs, base index, key, status), every upstream call with its trigger and instance (paced.refresh-log.csv, when
# PostgreSQL holds the log) and each broker's scheduler meters afterwards (paced.<broker>.prom).
paced_timeline() {
  local name port
  for name in "${PACED_BROKERS[@]}"; do
    port=${name}_PORT
    http GET "http://127.0.0.1:${!port}/prometheus" || continue
    grep -E '^tokenbroker_(scheduler|token_requests)' <<<"$HTTP_BODY" >"$WORK/paced.$name.prom" || true
  done
  [[ -n $PG_BIN ]] && ! $SMOKE || return 0
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U tokenbroker -d postgres -Atc "\\copy (SELECT connection, trigger,
    outcome, (extract(epoch FROM started_at) * 1000)::bigint, (extract(epoch FROM completed_at) * 1000)::bigint,
    instance_id, fence FROM refresh_log WHERE tenant = 'paced' ORDER BY connection, started_at) TO STDOUT CSV" \
    >"$WORK/paced.refresh-log.csv" 2>"$WORK/paced.refresh-log.err" || true
}
if wanted refresh-ahead.paced; then
  AHEAD_BASES=""
  for name in "${PACED_BROKERS[@]}"; do port=${name}_PORT; AHEAD_BASES+=${AHEAD_BASES:+,}http://127.0.0.1:${!port}; done
  AHEAD_METRICS=${AHEAD_BASES//,/\/prometheus,}/prometheus
  warm_misses ${AHEAD_BASES//,/ }
  # Once in PostgreSQL; without it (and on R1–R3) every instance keeps its own connections.
  for base in ${AHEAD_BASES//,/ }; do
    reg=$(register "$base" paced 20 "http://127.0.0.1:$S3_PORT/oauth/token")
    [[ $(json_get failures "$reg") == 0 ]] || die "registering the paced connections at $base: $reg"
    [[ -z $PG_BIN ]] || $SMOKE || break
  done
  for base in ${AHEAD_BASES//,/ }; do warm "$base" paced 20 >/dev/null; done
  m=$(load drive "$AHEAD_BASES" "/v1/tenants/paced/connections/{key}/token" 20 $PACED_SECONDS --rate=$PACED_RATE \
    --keys=20 --slow-ms=$PACED_DELAY_MS --stats="$(stats_url "$S3_PORT")" --metrics="$AHEAD_METRICS" \
    --trace="$WORK/paced.requests")
  paced_timeline
  # Renewals the run needed at least: every 0.8 of a servable window of half the lifetime (short tokens), per token.
  due=$(( 20 * PACED_SECONDS * 10 / (PACED_LIFETIME * 4) ))
  m=$(json_add "$m" "\"waited_on_upstream\":$(json_get miss "$m"),\"renewals_due\":$due,\"upstream_ms\":$PACED_DELAY_MS")
  row refresh-ahead.paced "refresh-ahead" "paced load, $PACED_RATE requests/s over 20 connections on 3 instances,\
 ${PACED_LIFETIME} s tokens, ${PACED_DELAY_MS} ms upstream, ${PACED_SECONDS} s" measured "$m" \
    "target 0 requests that waited on an upstream call; the scheduler ticks every second"
  stop_pids "${A1_PID:-}" "${A2_PID:-}" "${A3_PID:-}" "$S3_PID"
fi

# --- 1c. the refresh log's batched writer on PostgreSQL (issue 21) ----------------------------------------------------
# bench/LogWriterBench.java drives RefreshLogWriter (hash chain, chain-head lock per connection) through the broker's
# own JdbcRefreshLog, started from the jar without an HTTP server: the writer's rows/s for one busy connection and
# for many, then paced at the many-connection figure, where what it cannot keep up with is dropped as gap rows.
WRITER_ROWS=(one-connection many-connections paced)
if wanted 'refresh-log.writer.*' && [[ -z $PG_BIN ]]; then
  for id in "${WRITER_ROWS[@]}"; do skip "refresh-log.writer.$id" "refresh log" "batched writer, $id" postgres; done
elif wanted 'refresh-log.writer.*'; then
  mkdir -p "$WORK/writer-classes"
  javac -cp "$JAR" -d "$WORK/writer-classes" "$BENCH_DIR/LogWriterBench.java" || die "LogWriterBench.java did not compile"
  # With an admin key given, the broker's object graph does not mint and print one.
  env "${PG_ENV[@]}" ${API_KEY:+TOKENBROKER_BOOTSTRAP_ADMIN_KEY=$API_KEY} "${SMOKE_BROKER_ENV[@]}" \
    java $JAVA_OPTS_BENCH -cp "$JAR:$WORK/writer-classes" LogWriterBench $WRITER_ATTEMPTS \
    $WRITER_CONNECTIONS $WRITER_PACED_SECONDS >"$WORK/writer.jsonl" 2>"$WORK/writer.log" \
    || { tail -20 "$WORK/writer.log" >&2; die "LogWriterBench failed (see $WORK/writer.log)"; }
  for id in "${WRITER_ROWS[@]}"; do
    m=$(grep "\"scenario\":\"$id\"" "$WORK/writer.jsonl" || true)
    case $id in
      one-connection) variant="one busy connection, $WRITER_ATTEMPTS attempts as fast as the queue takes them" ;;
      many-connections) variant="$WRITER_CONNECTIONS connections, $WRITER_ATTEMPTS attempts as fast as the queue takes them" ;;
      paced) variant="$WRITER_CONNECTIONS connections paced at the many-connection rows/s for $WRITER_PACED_SECONDS s" ;;
    esac
    if [[ -n $m ]]; then row "refresh-log.writer.$id" "refresh log" "batched writer, $variant" measured "$m" \
        "rows/s: attempt rows written ÷ time from the first enqueue until all were written; dropped attempts become gap rows"
    else row "refresh-log.writer.$id" "refresh log" "batched writer, $variant" failed "" "no result"; fi
  done
fi

# --- 2. Redis ceiling ---------------------------------------------------------------------------------------------
for clients in 1 50; do
  wanted "redis-ceiling.$clients" || continue
  n=$REDIS_N; [[ $clients -eq 1 ]] && n=$((REDIS_N / 4))
  if ! have redis-benchmark; then
    skip "redis-ceiling.$clients" "redis ceiling" "redis-benchmark GET 1 KB, $clients client(s)" redis-benchmark
    continue
  fi
  # SET first so that GET reads a 1 KB value; the CSV's GET row is ours: "GET",rps,avg,min,p50,p95,p99,max
  IFS=, read -r _ rps _ _ p50 _ p99 max < <(timeout 120 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t set,get \
    -d 1024 -c $clients -n $n --csv 2>/dev/null | tr -d '"' | grep '^GET')
  row "redis-ceiling.$clients" "redis ceiling" "redis-benchmark GET 1 KB, $clients client(s)" measured \
    "{\"rps\":$rps,\"p50_ms\":$p50,\"p99_ms\":$p99,\"max_ms\":$max,\"requests\":$n}"
done

# --- 3. tokenbroker cached token, the rows outside the ratios -------------------------------------------------------
# Each after a warm-up as long as the ratio rows' pass (SINGLE_WARMUP): their brokers (B2, B3, R1) had served a
# first fetch only, and a 2 s warm-up left most of the measured run to the JIT.

# Three instances on separate ports, each its own in-memory cache; three load generators share the 64 connections.
B2=http://127.0.0.1:${B2_PORT:-}; B3=http://127.0.0.1:${B3_PORT:-}
if wanted cached.in-memory.3-instances; then
  for base in "$B2" "$B3"; do
    register "$base" bench 1 "$S0_URL" >/dev/null
    http GET "$base/v1/tenants/bench/connections/c1/token"
  done
  LOAD_PIDS=()
  for i in 1 2 3; do
    base_var=B$i
    HTTP_WARMUP=$SINGLE_WARMUP http_load "${!base_var}/v1/tenants/bench/connections/c1/token" $SECONDS_PER_RUN 1 \
      $((CONNECTIONS / 3)) >"$WORK/load3.$i.json" &
    LOAD_PIDS+=($!)
  done
  for pid in "${LOAD_PIDS[@]}"; do wait "$pid"; done
  m=$(results sum "$WORK"/load3.*.json)
  row cached.in-memory.3-instances "cached token" "in-memory hit, 3 instances, API-key auth off" measured "$m" \
    "three JVMs on separate ports, each with its own in-memory cache; requests/s summed, latencies the worst of the three; one 2-core machine runs all three and the load generator"
fi

# Over one Redis: near-cache hits on R1 (Redis hits on RN are a ratio row).
if wanted cached.redis.near-cache; then
  register "$R1" redis $REDIS_KEYS "$S0_URL" >/dev/null; warm "$R1" redis $REDIS_KEYS >/dev/null
  [[ $(redis_keys '*redis*') -gt 0 ]] || die "a broker started with REDIS_URI wrote nothing to Redis"
  m=$(HTTP_WARMUP=$SINGLE_WARMUP http_load "$R1/" $SECONDS_PER_RUN $THREADS $CONNECTIONS BENCH_KEYS=$REDIS_KEYS \
    BENCH_TENANT=redis)
  row cached.redis.near-cache "cached token" \
    "near-cache hit over Redis, random of $REDIS_KEYS_LABEL keys, 1 instance, auth off" measured "$m"
fi

# The production shape (its near-cache hits are ratio rows): one caller for three minutes (the tail a lapsing verified
# key would cause); a burst of first uses of a key this instance has never verified.
if [[ ${#PRODUCTION[@]} -gt 0 ]] && wanted_any steady.one-caller cold-key.burst; then
  P1=http://127.0.0.1:$P1_PORT
  if [[ " ${RATIO_ROWS[*]} " != *" cached.production."* ]]; then
    register "$P1" prod 1 "$S0_URL" >/dev/null; warm "$P1" prod 1 >/dev/null
  fi
  if wanted steady.one-caller; then
    # The warm-up at the same single connection: P1 is warm after the ratio rows, cold in a BENCH_ONLY run.
    m=$(HTTP_WARMUP=$SINGLE_WARMUP http_load "$P1/v1/tenants/prod/connections/c1/token" $STEADY_SECONDS 1 1)
    row steady.one-caller "cached token" "one caller for ${STEADY_SECONDS} s (wrk -t1 -c1), $PROD_LABEL, keys on" \
      measured "$m" "p99 shows a request that waited for bcrypt or a Redis round trip; the verified-key cache lapses every 60 s"
  fi
  if wanted cold-key.burst; then
    http POST "$P1/v1/api-keys" '{"name":"burst","scopes":["token:read"],"tenants":["prod"]}' "X-API-Key: $API_KEY"
    BURST_KEY=$(json_get key "$HTTP_BODY")
    [[ $HTTP_STATUS == 201 && -n $BURST_KEY ]] || die "no key for the burst: $HTTP_STATUS"
    m=$(BENCH_API_KEY=$BURST_KEY load stampede "$P1" /v1/tenants/prod/connections/c1/token $BURST)
    row cold-key.burst "authentication" "$BURST concurrent first requests of a new key, 1 instance, $PROD_LABEL" \
      measured "$m" "max_ms: the slowest waited for one bcrypt (cost 12 here; 4 in a smoke run) and its queue"
  fi
elif [[ ${#PRODUCTION[@]} -eq 0 ]]; then
  for id in steady.one-caller cold-key.burst; do
    if wanted "$id"; then skip "$id" "cached token" "$PROD_LABEL" postgres; fi
  done
fi
stop_pids "${P1_PID:-}" "${P0_PID:-}"

# --- 4. the alternative: every request asks the upstream for a token ------------------------------------------------
UPSTREAM_POST=(BENCH_METHOD=POST BENCH_BODY=grant_type=client_credentials
  BENCH_CONTENT_TYPE=application/x-www-form-urlencoded "BENCH_AUTHORIZATION=Basic $BASIC")
if wanted alternative; then
  m=$(HTTP_WARMUP=$SINGLE_WARMUP http_load "$S0_URL" $SECONDS_PER_RUN $THREADS $CONNECTIONS "${UPSTREAM_POST[@]}")
  row alternative "alternative" "a token from the upstream on every request (sandbox, no added delay)" measured "$m" \
    "the most favourable case for the alternative: the sandbox answers in microseconds, a real provider in 50–300 ms and with rate limits"
fi

# --- 7. cost of a miss (before the stampede: it also measures one upstream call) ------------------------------------
# The upstream alone first, after a few seconds of concurrent token requests to S1 (its JVM's first answers would
# otherwise count as the upstream's latency). Then two broker rows on B1, which has served only hits: its first
# misses ever (the miss path interpreted or C1-compiled: what the first callers after a deploy pay), then, after
# MISS_WARMUP misses on other connections against S0, misses on the compiled path (issue 17's "a miss costs ≤ 1 ms
# above the upstream"; docs/profiles/issue-17-hit-path.md section 4: 19 + 12 ms cold, 2.6 + 3.4 ms warm).
# Each broker miss is paired with one call of the same grant (client_credentials, scope bench: the connections hold
# no refresh token) straight to S1 from the same warm client, the order alternating; added_p50_ms is the median of
# the per-pair differences, upstream_p50_ms the pairs' own upstream (miss.upstream, a fresh JVM's calls, stays for
# the stampede rows). The warm row then measures again after MISS_HOT more misses (hot_*): a miss path that ran
# 1,000 times is still partly C1 code, and a miss happens once per token lifetime per connection.
if wanted_any miss.upstream miss.broker miss.broker-warm "${COLD_STAMPEDES[@]}"; then
  if (( WARMUP_S > 0 )); then
    HTTP_WARMUP=0 http_load "$S1_URL" 3 $THREADS $CONNECTIONS "${UPSTREAM_POST[@]}" >/dev/null || true
  fi
  direct=$(load direct "$S1_URL" "$BASIC" $DIRECT)
  UPSTREAM_MS=$(json_get p50_ms "$direct")
  if wanted miss.upstream; then
    row miss.upstream "cost of a miss" "upstream alone (${DELAY_MS} ms sandbox delay), sequential" measured "$direct"
  fi
  PAIRED=(--direct="$S1_URL" --basic="$BASIC")
  PAIRED_NOTE="added_p50_ms = median of (broker miss − the same grant straight to the upstream) over pairs alternating on one warm client"
  if wanted miss.broker; then
    register "$B1" miss $MISSES "$S1_URL" >/dev/null
    m=$(load misses "$B1" miss $MISSES "${PAIRED[@]}")
    row miss.broker "cost of a miss" "first misses after a deploy (a broker that served only hits), sequential" \
      measured "$m" "$PAIRED_NOTE; the miss path still compiling (JIT)"
  fi
  if wanted miss.broker-warm; then
    warm_misses "$B1"
    register "$B1" miss-warm $MISSES "$S1_URL" >/dev/null
    m=$(load misses "$B1" miss-warm $MISSES "${PAIRED[@]}")
    reg=$(register "$B1" jit-hot $MISS_HOT "$S0_URL"); wrm=$(warm "$B1" jit-hot $MISS_HOT)
    [[ $(json_get failures "$reg") == 0 && $(json_get failures "$wrm") == 0 ]] || die "hot misses: $reg $wrm"
    register "$B1" miss-hot $MISSES "$S1_URL" >/dev/null
    hot=$(load misses "$B1" miss-hot $MISSES "${PAIRED[@]}")
    m=$(json_add "$m" "\"hot_after_misses\":$((MISS_WARMUP + MISS_HOT)),\"hot_p50_ms\":$(json_get p50_ms "$hot"),\"hot_upstream_p50_ms\":$(json_get upstream_p50_ms "$hot"),\"hot_added_p50_ms\":$(json_get added_p50_ms "$hot"),\"hot_failed\":$(json_get failed "$hot")")
    row miss.broker-warm "cost of a miss" "broker miss after $MISS_WARMUP misses on other connections, sequential" \
      measured "$m" "issue 17's figure; $PAIRED_NOTE; hot_*: the same after $((MISS_WARMUP + MISS_HOT)) misses"
  fi
fi

# --- 5. stampede ---------------------------------------------------------------------------------------------------
# Every instance first serves MISS_WARMUP misses of its own (warm_misses: lease, upstream call and store compiled);
# then STAMPEDE_WARMUP rounds on other cold connections by the same callers against the same instances compile what
# only a stampede runs (waiting on a lease held by another caller or instance, the stored-token wake-up, one read):
# the 3-instance rows otherwise measured freshly started JVMs (a first round's slowest caller 3–9 × one upstream call
# against ~2–4 × later). Then STAMPEDE_ROUNDS measured rounds, each on a fresh cold connection: the row is the round
# with the median slowest caller, every round's slowest caller beside it, and the first warm-up round's figure, so
# the difference shows. The 3-instance rows give their slowest caller ÷ that of the 1-instance row of the same size
# (issue 17's "3 instances over one Redis ÷ 1 instance", target ≤ 1.15).
declare -A STAMPEDE_MAX=()
stampede() { # ID TENANT CALLERS LABEL BASE…
  local id=$1 tenant=$2 callers=$3 label=$4 base i path warmups="" paths="" baseline=() slowest
  shift 4
  wanted "$id" || return 0
  warm_misses "$@"
  for base in "$@"; do register "$base" "$tenant" $((STAMPEDE_WARMUP + STAMPEDE_ROUNDS)) "$S1_URL" >/dev/null; done
  for ((i = 1; i <= STAMPEDE_WARMUP + STAMPEDE_ROUNDS; i++)); do
    path=/v1/tenants/$tenant/connections/c$i/token
    if (( i <= STAMPEDE_WARMUP )); then warmups+=${warmups:+,}$path; else paths+=${paths:+,}$path; fi
  done
  if [[ $# -gt 1 && -n ${STAMPEDE_MAX[$callers]:-} ]]; then baseline=(--baseline-ms="${STAMPEDE_MAX[$callers]}"); fi
  m=$(LOAD_OPTS=-Xss256k load stampede "$(IFS=,; echo "$*")" "$paths" "$callers" --warmup-paths="$warmups" \
    --stats="$(stats_url "$S1_PORT")" --upstream-ms="$UPSTREAM_MS" ${baseline[@]+"${baseline[@]}"})
  slowest=$(json_get max_ms "$m")
  if [[ $# -eq 1 && $slowest != null ]]; then STAMPEDE_MAX[$callers]=$slowest; fi
  row "$id" stampede "$callers callers on a cold key, $label" measured "$m"
}
for n in "${STAMPEDES[@]}"; do
  stampede "stampede.cold-$n.1-instance" "cold$n-a" "$n" "1 instance (ceiling: 1 upstream call)" "$B1"
  stampede "stampede.cold-$n.3-in-memory" "cold$n-b" "$n" \
    "3 instances, in-memory caches (ceiling with a shared store: 1; without: 3)" "$B1" "$B2" "$B3"
  stampede "stampede.cold-$n.3-redis" "cold$n-r" "$n" "3 instances over one Redis (ceiling: 1 upstream call)" \
    "$R1" "$R2" "$R3"
done

# At expiry under load: 4 s tokens (served 2 s, the buffer halves for short tokens) under continuous load. Each row
# registers its connection afresh and removes it after: a connection left on B1–B3 by an earlier row is kept renewed
# ahead in the background (recent demand) and those upstream calls were counted in the next row's (3-redis read
# 20–24 calls for ~7 of its own).
expiry() { # ID LABEL BASES
  local base
  wanted "stampede.expiry.$1" || return 0
  for base in ${3//,/ }; do register "$base" expiry 1 "$S2_URL" >/dev/null; done
  m=$(load drive "$3" /v1/tenants/expiry/connections/c1/token 64 $EXPIRY_SECONDS --stats="$(stats_url "$S2_PORT")" \
    "${EXPIRY_OPTS[@]}")
  m=$(json_add "$m" "\"token_lifetimes_in_window\":$((EXPIRY_SECONDS / 2))")
  row "stampede.expiry.$1" stampede "64 callers in a loop across expiries of 4 s tokens, $2" measured "$m" \
    "a token is served for 2 s of its 4 s; the floor is one upstream call per 2 s per cache (per shared store)"
  for base in ${3//,/ }; do
    http DELETE "$base/v1/tenants/expiry/connections/c1" "" ${API_KEY:+"X-API-Key: $API_KEY"} \
      && [[ $HTTP_STATUS == 204 ]] || die "removing expiry/c1 at $base: $HTTP_STATUS $HTTP_BODY"
  done
}
expiry 1-instance "1 instance" "$B1"
expiry 3-in-memory "3 instances, in-memory caches" "$B1,$B2,$B3"
expiry 3-redis "3 instances over one Redis" "$R1,$R2,$R3"
stop_pids "${B2_PID:-}" "${B3_PID:-}" "${R1_PID:-}" "${R2_PID:-}" "${R3_PID:-}"

# --- 6. scale: working sets of 1, 1,000, 100,000 connections, random keys, a fresh broker each -----------------------
# The same warm-up as the other rows: before it, the smaller sets read a cold JVM and 100,000 one warmed by its
# 100,000 first fetches.
for n in "${SCALES[@]}"; do
  wanted "scale.$n" || continue
  start_broker BS MICRONAUT_SECURITY_ENABLED=false
  BS=http://127.0.0.1:$BS_PORT
  reg=$(register "$BS" scale "$n" "$S0_URL")
  wrm=$(warm "$BS" scale "$n")
  [[ $(json_get failures "$reg") == 0 && $(json_get failures "$wrm") == 0 ]] || die "scale $n: $reg $wrm"
  m=$(HTTP_WARMUP=$SINGLE_WARMUP http_load "$BS/" $SECONDS_PER_RUN $THREADS $CONNECTIONS BENCH_KEYS="$n" \
    BENCH_TENANT=scale)
  m=$(json_add "$m" "\"rss_mib\":$(rss_mib "$BS_PID"),\"registered_per_s\":$(json_get per_second "$reg"),\"first_fetch_per_s\":$(json_get per_second "$wrm")")
  # RSS shows how far the collector let the heap grow toward its cap (658–1,252 MiB at 100,000 between runs of
  # similar code); what the connections hold is the live heap, after the full GC of a class histogram taken after the
  # RSS. The histogram is kept ($WORK/scale-N.histogram.txt, BENCH_KEEP=1); the largest set's top classes go in the
  # note, to tell a memory regression from heap growth.
  note="RSS after the run, heap capped by $JAVA_OPTS_BENCH; live heap: objects left by a full GC (jcmd GC.class_histogram), after the RSS"
  live=null
  if class_histogram "$BS_PID" "$WORK/scale-$n.histogram.txt"; then
    live=$(live_heap_mib "$WORK/scale-$n.histogram.txt")
    [[ $n != "${SCALES[-1]}" ]] || note+="; most live bytes: $(top_classes "$WORK/scale-$n.histogram.txt" 5)"
  else
    reason="no jcmd beside java"
    [[ ! -f $WORK/scale-$n.histogram.txt ]] \
      || reason=$(grep -m1 -v '^[0-9]*:$' "$WORK/scale-$n.histogram.txt" || echo "no histogram from jcmd")
    note+=" (not taken: $reason)"
  fi
  m=$(json_add "$m" "\"live_heap_mib\":$live")
  row "scale.$n" scale "$n connection(s), random keys, all cached" measured "$m" "$note"
  stop_pid "$BS_PID"
done

# Start-up to the first served token: launch the jar, register a connection, get its token (hyperfine, fresh JVMs).
if ! wanted startup; then
  :
elif have hyperfine; then
  if BENCH_JAVA_OPTS="$JAVA_OPTS_BENCH $CDS_OPTS" hyperfine -N --runs $STARTUP_RUNS --export-json "$WORK/startup.json" \
      "bash $BENCH_DIR/startup.sh $JAR $S0_URL" >"$WORK/hyperfine.log" 2>&1; then
    row startup "start-up" "launch to first served token (hyperfine)" measured "$(results hyperfine "$WORK/startup.json")" \
      "JVM $JAVA_OPTS_BENCH, embedded default"
  else
    row startup "start-up" "launch to first served token (hyperfine)" failed "" "$(tail -3 "$WORK/hyperfine.log")"
  fi
else
  skip startup "start-up" "launch to first served token (hyperfine)" hyperfine
fi
finish_run
