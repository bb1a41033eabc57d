#!/usr/bin/env bash
# Part `latency`: TCP echo round trips over loopback (127.0.0.1), servers alternating round by round.
#
# How: each round starts every server afresh, then one client connection does WARMUP (1,000)
# untimed round trips and ROUNDTRIPS (10,000; QUICK: 1,000 after 100) timed ones: send 64 bytes,
# read exactly 64 back. The client is bench/echo_client.c (blocking, TCP_NODELAY, CLOCK_MONOTONIC),
# built with gcc -O2 into $BENCH_TMP; without gcc, bench/echo_client.py (slower: its own few µs are
# in every number). Servers:
#   nsock, nsock-aot  nsock listen -v -k --echo 127.0.0.1 0   (port from its readiness line)
#   socat             socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork,nodelay EXEC:cat
#   ncat              ncat -l 127.0.0.1 PORT -k --exec /bin/cat
#   python3           a blocking one-thread echo server (TCP_NODELAY, recv/sendall), in $BENCH_TMP
# (peers are ready when a probe connection succeeds: they all serve client after client).
# Figures: "64 B echo round trip: p50|p99|p99.9" in µs, nearest rank (lower better). Nothing is
# pinned unless LATENCY_PIN=1 (then `taskset -c 0` on client and server, and ", pinned" in the
# figure names). Each client run is given 60 s.
#
# Env (besides lib.sh's): ROUNDTRIPS, WARMUP, LATENCY_PIN.
set -euo pipefail
_given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "$BENCH_TMP/latency.XXXXXX")   # this part's scratch files (BENCH_TMP is shared by the parts)
read -r _load _ </proc/loadavg
awk -v l="$_load" 'BEGIN { exit !(l > 1.5) }' && say "latency: load average $_load: other work is running, the figures will be noisy"

PART=latency
SIZE=64
if [ "$QUICK" = 1 ]; then RT=${ROUNDTRIPS:-1000}; WARM=${WARMUP:-100}; else RT=${ROUNDTRIPS:-10000}; WARM=${WARMUP:-1000}; fi
PIN=${LATENCY_PIN:-0}
pre=(); suffix=''
if [ "$PIN" = 1 ]; then pre=(taskset -c 0); suffix=', pinned'; fi

server='' cpid=''
cleanup() {
  [ -z "$cpid" ] || stop "$cpid"
  stop $server
  rm -rf "$T"
  [ -n "$_given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

client=()
if have gcc && gcc -O2 -o "$T/echo_client" "$BENCH_ROOT/bench/echo_client.c" -lm; then
  client=("$T/echo_client")
else
  say "latency: no C client (gcc missing or the build failed); using bench/echo_client.py"
  client=(python3 "$BENCH_ROOT/bench/echo_client.py")
fi

cat >"$T/echo_server.py" <<'EOF'
# One thread, blocking: serve one client at a time, echo what it sends until it closes.
import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(16)
print(ls.getsockname()[1], flush=True)
while True:
    c, _ = ls.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
    except OSError:
        pass
    c.close()
EOF

tools=()
for t in $(nsock_tools); do
  if [ -x "$(nsock_path "$t")" ]; then tools+=("$t"); else say "latency: skipping $t: no $(nsock_path "$t")"; fi
done
if have socat; then tools+=(socat); else say "latency: skipping socat: not installed"; fi
if have ncat; then tools+=(ncat); else say "latency: skipping ncat: not installed"; fi
tools+=(python3)

# start_server TOOL: sets $server (our child) and $port, and $note (the command).
start_server() {
  local tool=$1 err=$T/server.err
  port=''
  case $tool in
    nsock*)
      note="$tool listen -v -k --echo 127.0.0.1 0"
      "${pre[@]}" "$(nsock_path "$tool")" listen -v -k --echo 127.0.0.1 0 </dev/null >/dev/null 2>"$err" &
      server=$!
      port=$(wait_listening "$err" "$server") || return 1 ;;
    socat)
      port=$(free_port)
      note="socat TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr,fork,nodelay EXEC:cat"
      "${pre[@]}" socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,nodelay" EXEC:cat </dev/null >/dev/null 2>"$err" &
      server=$!
      wait_port "$port" || return 1 ;;
    ncat)
      port=$(free_port)
      note="ncat -l 127.0.0.1 PORT -k --exec /bin/cat"
      "${pre[@]}" ncat -l 127.0.0.1 "$port" -k --exec /bin/cat </dev/null >/dev/null 2>"$err" &
      server=$!
      wait_port "$port" || return 1 ;;
    python3)
      note="python3 blocking echo server (one thread, TCP_NODELAY, recv/sendall)"
      rm -f "$T/server.port"
      "${pre[@]}" python3 "$T/echo_server.py" </dev/null >"$T/server.port" 2>"$err" &
      server=$!
      for _ in $(seq 500); do
        port=$(head -1 "$T/server.port" 2>/dev/null || true)
        [ -n "$port" ] && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.01
      done
      [ -n "$port" ] || { say "latency: the python3 server did not start"; cat "$err" >&2; return 1; } ;;
  esac
}

say "latency: $RT round trips of $SIZE B after $WARM; client ${client[*]##*/}; servers: ${tools[*]}; $ROUNDS round(s)"
for round in $(seq "$ROUNDS"); do
  n=${#tools[@]}
  for i in $(seq 0 $((n - 1))); do
    tool=${tools[$(((i + round - 1) % n))]}
    if ! start_server "$tool"; then
      say "latency: $tool did not come up"; stop $server; server=''; continue
    fi
    timeout -k 5 60 "${pre[@]}" "${client[@]}" 127.0.0.1 "$port" "$RT" "$WARM" "$SIZE" 10 >"$T/client.out" &
    cpid=$!
    res=''
    wait "$cpid" && res=$(cat "$T/client.out")
    cpid=''
    stop $server; server=''
    if [ -z "$res" ]; then say "latency: $tool: the client failed"; continue; fi
    read -r p50 p99 p999 mn mean cnt <<<"$res"
    say "latency: round $round, $tool: p50 $p50 µs, p99 $p99 µs, p99.9 $p999 µs (min $mn, mean $mean; $cnt round trips)"
    record "$PART" "$SIZE B echo round trip$suffix: p50" "$tool" "$p50" us lower "$note"
    record "$PART" "$SIZE B echo round trip$suffix: p99" "$tool" "$p99" us lower
    record "$PART" "$SIZE B echo round trip$suffix: p99.9" "$tool" "$p999" us lower
  done
done
