# load.sh NAME PID URL SECONDS [header]: warm 3 s, then wrk (with JFR unless NOJFR) -> $OUT/NAME.{jfr,wrk}
# JFC: a copy of $JAVA_HOME/lib/jfr/profile.jfc with jdk.ExecutionSample's period set to 1 ms (for misses, also the
# thresholds of jdk.SocketRead/SocketWrite/ThreadPark/JavaMonitorEnter set to 0 ms). WRK_SCRIPT: an optional wrk Lua.
# prints requests/s and the broker's CPU microseconds per request (utime+stime from /proc, robust to a shared box)
OUT=${OUT:-/tmp/hp}; JFC=${JFC:-$OUT/hp.jfc}
name=$1 pid=$2 url=$3 secs=${4:-10} hdr=${5:-}
args=(-t2 -c64 ${WRK_SCRIPT:+-s $WRK_SCRIPT}); [[ -n $hdr ]] && args+=(-H "$hdr")
wrk "${args[@]}" -d3s "$url" >/dev/null
[[ -n ${NOJFR:-} ]] || jcmd $pid JFR.start name=$name settings=$JFC filename=$OUT/$name.jfr >/dev/null
cpu() { awk '{print $14+$15}' /proc/$pid/stat; }
c0=$(cpu)
wrk "${args[@]}" -d${secs}s --latency "$url" > $OUT/$name.wrk
c1=$(cpu)
[[ -n ${NOJFR:-} ]] || jcmd $pid JFR.stop name=$name >/dev/null
rps=$(awk '/Requests\/sec/{print $2}' $OUT/$name.wrk); total=$(awk '/requests in/{print $1}' $OUT/$name.wrk)
non2xx=$(awk '/Non-2xx/{print $NF}' $OUT/$name.wrk)
hz=$(getconf CLK_TCK)
printf '%-12s %9s req/s  %6.1f us CPU/req  non2xx=%s  p50=%s\n' "$name" "$rps" "$(echo "($c1-$c0)*1000000/$hz/$total" | bc -l)" "${non2xx:-0}" "$(awk '/ 50%/{print $2}' $OUT/$name.wrk)"
