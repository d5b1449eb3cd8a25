# Loopback networking with nothing but bash: free ports from /proc/net, HTTP/1.0 and Redis commands over bash's
# /dev/tcp. The harness must run where curl, ss and redis-cli are not installed (CI has a JDK and Maven only).
# shellcheck shell=bash

HANDED_OUT_PORTS=" "
# Below the kernel's ephemeral range: a port free when handed out may otherwise be taken as the local end of some
# outgoing connection before the process meant for it binds it — or, worse, between a kill and a restart on the same
# port (the kill drill lost its restart that way).
read -r EPHEMERAL_LOW _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || EPHEMERAL_LOW=32768
(( EPHEMERAL_LOW > 12000 )) || EPHEMERAL_LOW=32768
# BENCH_PORT_RANGE=LOW-HIGH: where free ports are taken from; scripts running side by side get disjoint ranges.
PORT_RANGE=${BENCH_PORT_RANGE:-10000-$((EPHEMERAL_LOW - 1))}
PORT_LOW=${PORT_RANGE%-*} PORT_HIGH=${PORT_RANGE#*-}

# free_port VAR: sets VAR to a port nobody on this host uses (as local or remote end, per /proc/net/tcp*) and not
# handed out before by this shell, so processes launched side by side never get the same one. (Not in $(…): the
# subshell would forget what it handed out.)
free_port() {
  local _candidate _hex   # not "port": printf -v would set this function's own variable of the caller's name
  while :; do
    _candidate=$(( PORT_LOW + (RANDOM * 32768 + RANDOM) % (PORT_HIGH - PORT_LOW + 1) ))
    printf -v _hex ':%04X ' "$_candidate"
    [[ $HANDED_OUT_PORTS == *" $_candidate "* ]] && continue
    grep -qs -- "$_hex" /proc/net/tcp /proc/net/tcp6 && continue
    HANDED_OUT_PORTS+="$_candidate "
    printf -v "$1" '%s' "$_candidate"
    return
  done
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  local fd
  { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  exec {fd}>&-
}

# wait_port PORT SECONDS [PID]: until the port accepts connections; fails early once PID (when given) has died.
wait_port() {
  local port=$1 deadline=$(( $(date +%s) + $2 )) pid=${3:-}
  while (( $(date +%s) < deadline )); do
    port_open "$port" && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && return 1
    sleep 0.05
  done
  return 1
}

# http METHOD URL [BODY [HEADER…]]: one HTTP/1.0 request (the server closes the connection after answering), read
# for at most 10 s. Sets HTTP_STATUS (000 when nothing answered) and HTTP_BODY; returns 0 when it got an answer.
# Only for loopback URLs of the form http://127.0.0.1:PORT/PATH.
http() {
  local method=$1 url=$2 body=${3:-} header request response fd rest hostport path=/
  shift $(( $# < 3 ? $# : 3 ))
  HTTP_STATUS=000 HTTP_BODY=
  rest=${url#http://}; hostport=${rest%%/*}
  [[ $rest == */* ]] && path=/${rest#*/}
  request="$method $path HTTP/1.0"$'\r\n'"Host: $hostport"$'\r\n'
  for header in "$@"; do request+="$header"$'\r\n'; done
  [[ -n $body ]] && request+="Content-Type: application/json"$'\r\n'
  request+="Content-Length: ${#body}"$'\r\n\r\n'"$body"
  { exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport#*:}"; } 2>/dev/null || return 1
  printf '%s' "$request" >&"$fd"
  # read until the server closes (status 1 at end of input) or 10 s pass (status > 128)
  IFS= read -r -d '' -t 10 response <&"$fd" || true
  exec {fd}>&-
  [[ $response =~ ^HTTP/[0-9.]+\ ([0-9]{3}) ]] || return 1
  HTTP_STATUS=${BASH_REMATCH[1]}
  HTTP_BODY=${response#*$'\r\n\r\n'}
}

# redis_reply PORT ARG…: sends one command (RESP) and prints the first line of the reply, without its CR:
# "+PONG" for PING, "*N" (N keys) for KEYS. Fails when nothing answers within 5 s.
redis_reply() {
  local port=$1 fd command arg reply; shift
  command="*$#"$'\r\n'
  for arg in "$@"; do command+="\$${#arg}"$'\r\n'"$arg"$'\r\n'; done
  { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf '%s' "$command" >&"$fd"
  IFS= read -r -t 5 reply <&"$fd" || { exec {fd}>&-; return 1; }
  exec {fd}>&-
  printf '%s\n' "${reply%$'\r'}"
}
