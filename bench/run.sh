#!/usr/bin/env bash
# tokenbroker benchmark: the broker against this machine's ceilings and against what users do today, in one run.
#   bench/run.sh           full run (~6 min on 2 cores), writes bench/results/<date>.json and .md
#   bench/run.sh --smoke   every step of run.sh and faults.sh for a second or a few (~3.5 min), results in a
#                          temporary directory; exit ≠ 0 when a step fails or a measured step saw failed requests
# Loopback only; installs wrk, nginx, redis-server, redis-tools, hyperfine, jq, curl when missing (Debian packages).
# Environment: BENCH_JAR (default bootstrap/target/tokenbroker.jar), BENCH_JAVA_OPTS (default -Xmx1g),
# BENCH_API_KEY (a caller key in the broker's documented format: measures API-key authentication on),
# BENCH_UPSTREAM_DELAY_MS (default 100: the sandbox's latency for stampede and cost-of-a-miss).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ ${1:-} == --smoke ]] && SMOKE=true
COMMAND="bench/run.sh${1:+ $1}"
if $SMOKE; then
  SECONDS_PER_RUN=2; SCALES=(1 100 1000); STAMPEDES=(100); MISSES=5; DIRECT=5; REDIS_N=2000; STARTUP_RUNS=1
else
  SECONDS_PER_RUN=10; SCALES=(1 1000 100000); STAMPEDES=(100 1000); MISSES=20; DIRECT=20; REDIS_N=100000
  STARTUP_RUNS=3
fi
THREADS=2; CONNECTIONS=64
DELAY_MS=${BENCH_UPSTREAM_DELAY_MS:-100}
RUN_STARTED=$(date +%s)

ensure_tools
ensure_jar
log "work directory $WORK"

# --- upstreams: S0 answers at once (warm-up, scale, the alternative), S1 like a real provider (DELAY_MS) --------
start_sandbox S0 3600 0
start_sandbox S1 3600 "$DELAY_MS"
S0_URL=http://127.0.0.1:$S0_PORT/oauth/token
S1_URL=http://127.0.0.1:$S1_PORT/oauth/token

# --- one broker, caller security off if the jar has it (the "off" figures) -------------------------------------
start_broker B1 MICRONAUT_SECURITY_ENABLED=false
B1=http://127.0.0.1:$B1_PORT
register "$B1" bench 1 "$S0_URL" >/dev/null
TOKEN_URL=$B1/v1/tenants/bench/connections/c1/token
bcurl -o "$WORK/token.json" "$TOKEN_URL"
jq -e .access_token "$WORK/token.json" >/dev/null || die "no token from the broker: $(cat "$WORK/token.json")"
BODY_BYTES=$(wc -c <"$WORK/token.json")

# --- 1. ceilings --------------------------------------------------------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/html" "$WORK/nginx/tmp"
cp "$WORK/token.json" "$WORK/nginx/html/token.json"   # the broker's own answer: same size, byte for byte
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
wait_http "http://127.0.0.1:$NGINX_PORT/token.json" 10 || die "nginx did not start"
NGINX_BYTES=$(curl -s "http://127.0.0.1:$NGINX_PORT/token.json" | wc -c)
[[ $NGINX_BYTES -eq $BODY_BYTES ]] || die "nginx body $NGINX_BYTES bytes, broker $BODY_BYTES"

m=$(wrk_json "http://127.0.0.1:$NGINX_PORT/token.json" $SECONDS_PER_RUN $THREADS $CONNECTIONS)
row ceiling "nginx static JSON ($BODY_BYTES B)" measured "$m"
m=$(wrk_json "$B1/v1/bench/constant-event-loop" $SECONDS_PER_RUN $THREADS $CONNECTIONS)
row ceiling "Micronaut constant, event loop" measured "$m"
m=$(wrk_json "$B1/v1/bench/constant" $SECONDS_PER_RUN $THREADS $CONNECTIONS)
row ceiling "Micronaut constant, blocking executor (as the token endpoint)" measured "$m"

# --- 2. Redis ceiling ---------------------------------------------------------------------------------------------
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!; track $REDIS_PID
for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
for clients in 1 50; do
  n=$REDIS_N; [[ $clients -eq 1 ]] && n=$((REDIS_N / 4))
  # SET first so that GET reads a 1 KB value; the CSV's GET row is ours.
  csv=$(timeout 120 redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t set,get -d 1024 -c $clients -n $n --csv \
    2>/dev/null | tr -d '"' | grep '^GET')
  m=$(awk -F, '{printf "{\"rps\":%s,\"p50_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s,\"requests\":%s}", $2, $5, $7, $8, '$n'}' <<<"$csv")
  row "redis ceiling" "redis-benchmark GET 1 KB, $clients client(s)" measured "$m"
done

# --- 3. tokenbroker cached token -----------------------------------------------------------------------------------
m=$(wrk_json "$TOKEN_URL" $SECONDS_PER_RUN $THREADS $CONNECTIONS)
row "cached token" "in-memory hit, 1 instance, API-key auth off" measured "$m" \
  "the embedded default: the in-memory cache is the only cache, so it plays the near cache"
HIT_RPS=$(jq .rps <<<"$m")

SECURITY=$(jar_has io/micronaut/security/)
if [[ $SECURITY == yes ]]; then
  start_broker BA
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BA_PORT/v1/bench/constant")
  if [[ $code == 401 && -n $API_KEY ]]; then
    register "http://127.0.0.1:$BA_PORT" bench 1 "$S0_URL" >/dev/null
    m=$(wrk_json "http://127.0.0.1:$BA_PORT/v1/tenants/bench/connections/c1/token" $SECONDS_PER_RUN $THREADS \
      $CONNECTIONS)
    row "cached token" "in-memory hit, 1 instance, API-key auth on" measured "$m"
  elif [[ $code == 401 ]]; then
    row "cached token" "in-memory hit, 1 instance, API-key auth on" "not yet" "" \
      "the broker demands a key: set BENCH_API_KEY to a key in its documented format"
  else
    row "cached token" "in-memory hit, 1 instance, API-key auth on" "not yet" "" \
      "an anonymous request got $code, not 401: caller security (issue 5) is not wired"
  fi
  stop_pid "$BA_PID"
else
  row "cached token" "in-memory hit, 1 instance, API-key auth on" "not yet" "" \
    "no micronaut-security in the jar: caller security (issue 5) has not landed"
fi

# Three instances on separate ports, each its own in-memory cache; three wrk processes share the 64 connections.
start_broker B2 MICRONAUT_SECURITY_ENABLED=false
start_broker B3 MICRONAUT_SECURITY_ENABLED=false
B2=http://127.0.0.1:$B2_PORT; B3=http://127.0.0.1:$B3_PORT
for base in "$B2" "$B3"; do register "$base" bench 1 "$S0_URL" >/dev/null; bcurl -o /dev/null "$base/v1/tenants/bench/connections/c1/token"; done
WRK_PIDS=()
for i in 1 2 3; do
  base_var=B$i
  wrk_json "${!base_var}/v1/tenants/bench/connections/c1/token" $SECONDS_PER_RUN 1 $((CONNECTIONS / 3)) \
    >"$WORK/wrk3.$i.json" &
  WRK_PIDS+=($!)
done
for pid in "${WRK_PIDS[@]}"; do wait "$pid"; done
m=$(jq -sc '{rps: (map(.rps) | add), requests: (map(.requests) | add), errors: (map(.errors) | add),
  p50_ms: (map(.p50_ms) | max), p99_ms: (map(.p99_ms) | max), p999_ms: (map(.p999_ms) | max),
  max_ms: (map(.max_ms) | max)}' "$WORK"/wrk3.*.json)
row "cached token" "in-memory hit, 3 instances, API-key auth off" measured "$m" \
  "three JVMs on separate ports, each with its own in-memory cache (no shared store yet); requests/s summed, latencies the worst of the three; one 2-core machine runs all three and the load generator"

# Redis: wired when the jar reacts to REDIS_URI by writing to Redis.
start_broker BR MICRONAUT_SECURITY_ENABLED=false REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
BR=http://127.0.0.1:$BR_PORT
register "$BR" redisprobe 1 "$S0_URL" >/dev/null
bcurl -o /dev/null "$BR/v1/tenants/redisprobe/connections/c1/token"
REDIS_KEYS=$(redis-cli -p "$REDIS_PORT" --scan --pattern '*redisprobe*' | wc -l)
stop_pid "$BR_PID"
if [[ $REDIS_KEYS -gt 0 ]]; then
  REDIS_ADAPTERS=yes
  # Random keys over 1,000 connections: with a near cache of 1 entry practically every hit goes to Redis.
  for near in default 1; do
    extra=(); [[ $near == 1 ]] && extra=(TOKENBROKER_REDIS_NEAR_CACHE_SIZE=1)
    start_broker BR MICRONAUT_SECURITY_ENABLED=false REDIS_URI="redis://127.0.0.1:$REDIS_PORT" "${extra[@]}"
    BR=http://127.0.0.1:$BR_PORT
    register "$BR" redis 1000 "$S0_URL" >/dev/null; warm "$BR" redis 1000 >/dev/null
    m=$(wrk_json "$BR/" $SECONDS_PER_RUN $THREADS $CONNECTIONS BENCH_KEYS=1000 BENCH_TENANT=redis)
    if [[ $near == 1 ]]; then
      row "cached token" "Redis hit (near cache 1 entry), random of 1,000 keys, 1 instance, auth off" measured "$m"
    else
      row "cached token" "near-cache hit over Redis, random of 1,000 keys, 1 instance, auth off" measured "$m"
    fi
    stop_pid "$BR_PID"
  done
else
  REDIS_ADAPTERS=no
  for v in "near-cache hit over Redis" "Redis hit (near cache off)"; do
    row "cached token" "$v, 1 and 3 instances, auth on/off" "not yet" "" \
      "with REDIS_URI set the jar wrote nothing to Redis: the Redis adapters (issue 4) have not landed"
  done
fi

# --- 4. the alternative: every request asks the upstream for a token ------------------------------------------------
m=$(wrk_json "$S0_URL" $SECONDS_PER_RUN $THREADS $CONNECTIONS BENCH_METHOD=POST \
  BENCH_BODY=grant_type=client_credentials BENCH_CONTENT_TYPE=application/x-www-form-urlencoded \
  "BENCH_AUTHORIZATION=Basic $BASIC")
row alternative "a token from the upstream on every request (sandbox, no added delay)" measured "$m" \
  "the most favourable case for the alternative: the sandbox answers in microseconds, a real provider in 50–300 ms and with rate limits"

# --- 7. cost of a miss (before the stampede: it also measures one upstream call) ------------------------------------
direct=$(load direct "$S1_URL" "$BASIC" $DIRECT)
row "cost of a miss" "upstream alone (${DELAY_MS} ms sandbox delay), sequential" measured "$direct"
register "$B1" miss $MISSES "$S1_URL" >/dev/null
miss=$(load misses "$B1" miss $MISSES)
added=$(jq -cn --argjson d "$direct" --argjson m "$miss" \
  '$m + {added_p50_ms: (($m.p50_ms - $d.p50_ms) * 100 | round / 100)}')
row "cost of a miss" "broker miss (cold connection), sequential" measured "$added" \
  "added_p50_ms = broker miss p50 − upstream alone p50"
UPSTREAM_MS=$(jq .p50_ms <<<"$direct")

# --- 5. stampede ---------------------------------------------------------------------------------------------------
stampede() { # TENANT CALLERS LABEL BASE…
  local tenant=$1 callers=$2 label=$3 before after result base; shift 3
  for base in "$@"; do register "$base" "$tenant" 1 "$S1_URL" >/dev/null; done
  before=$(upstream_calls "$S1_PORT")
  result=$(LOAD_OPTS=-Xss256k load stampede "$(IFS=,; echo "$*")" \
    "/v1/tenants/$tenant/connections/c1/token" "$callers")
  after=$(upstream_calls "$S1_PORT")
  result=$(jq -c --argjson calls $((after - before)) --argjson up "$UPSTREAM_MS" \
    '. + {upstream_calls: $calls, slowest_vs_one_upstream_call: ((.max_ms / $up) * 100 | round / 100)}' <<<"$result")
  row stampede "$callers callers on a cold key, $label" measured "$result"
}
for n in "${STAMPEDES[@]}"; do
  stampede "cold$n-a" "$n" "1 instance (ceiling: 1 upstream call)" "$B1"
  stampede "cold$n-b" "$n" "3 instances, in-memory caches (ceiling with a shared store: 1; without: 3)" "$B1" "$B2" "$B3"
done
if [[ $REDIS_ADAPTERS == yes ]]; then
  start_broker R1 MICRONAUT_SECURITY_ENABLED=false REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
  start_broker R2 MICRONAUT_SECURITY_ENABLED=false REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
  start_broker R3 MICRONAUT_SECURITY_ENABLED=false REDIS_URI="redis://127.0.0.1:$REDIS_PORT"
  for n in "${STAMPEDES[@]}"; do
    stampede "cold$n-r" "$n" "3 instances over one Redis (ceiling: 1 upstream call)" \
      "http://127.0.0.1:$R1_PORT" "http://127.0.0.1:$R2_PORT" "http://127.0.0.1:$R3_PORT"
  done
else
  row stampede "cold key, 3 instances over one Redis" "not yet" "" "needs the Redis adapters (issue 4)"
fi

# At expiry under load: 4 s tokens (served 2 s, the buffer halves for short tokens) under continuous load.
start_sandbox S2 4 "$DELAY_MS"
S2_URL=http://127.0.0.1:$S2_PORT/oauth/token
for base in "$B1" "$B2" "$B3"; do register "$base" expiry 1 "$S2_URL" >/dev/null; done
EXPIRY_SECONDS=$((SECONDS_PER_RUN < 6 ? 6 : SECONDS_PER_RUN))
EXPIRY_LABELS=("1 instance" "3 instances, in-memory caches")
if [[ $REDIS_ADAPTERS == yes ]]; then
  EXPIRY_LABELS+=("3 instances over one Redis")
  for p in "$R1_PORT" "$R2_PORT" "$R3_PORT"; do register "http://127.0.0.1:$p" expiry 1 "$S2_URL" >/dev/null; done
fi
for label in "${EXPIRY_LABELS[@]}"; do
  bases=$B1; [[ $label == "3 instances, in"* ]] && bases=$B1,$B2,$B3
  [[ $label == *Redis ]] && bases=http://127.0.0.1:$R1_PORT,http://127.0.0.1:$R2_PORT,http://127.0.0.1:$R3_PORT
  before=$(upstream_calls "$S2_PORT")
  result=$(load drive "$bases" /v1/tenants/expiry/connections/c1/token 64 $EXPIRY_SECONDS)
  after=$(upstream_calls "$S2_PORT")
  result=$(jq -c --argjson calls $((after - before)) --argjson s $EXPIRY_SECONDS \
    '{requests: .total, failed, max_ms: .max_latency_ms, upstream_calls: $calls,
      token_lifetimes_in_window: ($s / 2 | floor)}' <<<"$result")
  row stampede "64 callers in a loop across expiries of 4 s tokens, $label" measured "$result" \
    "a token is served for 2 s of its 4 s; the floor is one upstream call per 2 s per cache (per shared store)"
done
stop_pid "$B2_PID"; stop_pid "$B3_PID"
if [[ $REDIS_ADAPTERS == yes ]]; then stop_pid "$R1_PID"; stop_pid "$R2_PID"; stop_pid "$R3_PID"; fi

# --- 6. scale: working sets of 1, 1,000, 100,000 connections, random keys, a fresh broker each -----------------------
for n in "${SCALES[@]}"; do
  start_broker BS MICRONAUT_SECURITY_ENABLED=false
  BS=http://127.0.0.1:$BS_PORT
  reg=$(register "$BS" scale "$n" "$S0_URL")
  wrm=$(warm "$BS" scale "$n")
  [[ $(jq .failures <<<"$reg") -eq 0 && $(jq .failures <<<"$wrm") -eq 0 ]] || die "scale $n: $reg $wrm"
  m=$(wrk_json "$BS/" $SECONDS_PER_RUN $THREADS $CONNECTIONS BENCH_KEYS="$n" BENCH_TENANT=scale)
  m=$(jq -c --arg rss "$(rss_mib "$BS_PID")" --argjson reg "$reg" --argjson wrm "$wrm" \
    '. + {rss_mib: ($rss | tonumber), registered_per_s: $reg.per_second, first_fetch_per_s: $wrm.per_second}' <<<"$m")
  row scale "$n connection(s), random keys, all cached" measured "$m" "RSS after the run, heap capped by $JAVA_OPTS_BENCH"
  stop_pid "$BS_PID"
done

# Start-up to the first served token: launch the jar, register a connection, get its token (hyperfine, fresh JVMs).
if hyperfine --version >/dev/null 2>&1; then
  if hyperfine -N --runs $STARTUP_RUNS --export-json "$WORK/startup.json" \
      "bash $BENCH_DIR/startup.sh $JAR $S0_URL" >"$WORK/hyperfine.log" 2>&1; then
    m=$(jq -c '.results[0] | {runs: (.times | length), mean_ms: (.mean * 1000 | round),
      min_ms: (.min * 1000 | round), max_ms: (.max * 1000 | round)}' "$WORK/startup.json")
    row "start-up" "launch to first served token (hyperfine)" measured "$m" "JVM $JAVA_OPTS_BENCH, embedded default"
  else
    row "start-up" "launch to first served token (hyperfine)" failed "" "$(tail -3 "$WORK/hyperfine.log" | tr '\n' ' ')"
  fi
fi

# --- results ---------------------------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - RUN_STARTED ))
STAMP=$(date -u +%Y-%m-%dT%H%MZ)
RESULT_DIR=$BENCH_DIR/results
$SMOKE && RESULT_DIR=$WORK/results
mkdir -p "$RESULT_DIR"
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg command "$COMMAND" --argjson machine "$(machine_json)" \
  --arg smoke "$SMOKE" --argjson elapsed $ELAPSED --arg java_opts "$JAVA_OPTS_BENCH" \
  --arg load "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s after a warm-up, loopback" \
  --arg redis_adapters "$REDIS_ADAPTERS" --arg security "$SECURITY" --arg bytes "$BODY_BYTES" \
  '{date: $date, command: $command, smoke: ($smoke == "true"), elapsed_s: $elapsed, machine: $machine,
    broker_java_opts: $java_opts, load: $load, response_bytes: ($bytes | tonumber),
    detected: {redis_adapters: $redis_adapters, micronaut_security_in_jar: $security},
    rows: .}' "$ROWS" >"$RESULT_DIR/$STAMP.json"
"$BENCH_DIR/report.sh" "$RESULT_DIR/$STAMP.json" >"$RESULT_DIR/$STAMP.md"
log "results: $RESULT_DIR/$STAMP.json and .md (${ELAPSED} s)"
cat "$RESULT_DIR/$STAMP.md"
if $SMOKE; then
  # the fault drills too, so that a smoke run covers the whole harness
  "$BENCH_DIR/faults.sh" --smoke >"$WORK/faults-smoke.md" || { cat "$WORK/faults-smoke.md"; die "faults.sh --smoke failed"; }
  cat "$WORK/faults-smoke.md"
fi
failed_rows=$(jq '[.rows[] | select(.status == "failed" or .status == "measured" and ((.errors // 0) > 0 or (.failed // 0) > 0 or (.failures // 0) > 0))] | length' "$RESULT_DIR/$STAMP.json")
if [[ $failed_rows -gt 0 ]]; then
  log "$failed_rows measured step(s) saw failed requests"
  $SMOKE && exit 1
fi
exit 0
