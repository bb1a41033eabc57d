#!/usr/bin/env bash
# Part `concurrency`: many clients at once against one echo server on loopback.
#
# Servers: `nsock listen -v -k --echo --backlog 4096 127.0.0.1 0` (framework-dependent and Native
# AOT builds), and as peers a python3 asyncio echo server (bench/echo_server_asyncio.py, one event
# loop, asyncio.Protocol) and, for the smaller echo figure only, socat
# (`TCP-LISTEN:PORT,fork,backlog=4096 PIPE`: a process per client; pointless at 10,000).
# Clients: bench/loadgen.c (C, epoll, non-blocking), built here with gcc into $BENCH_TMP.
#
# Figures (QUICK=1: 100 / 500 echo clients and 2,000 idle connections instead):
#   "1,000 echo clients × 1 KiB", "10,000 echo clients × 1 KiB": all clients connect at once;
#     each sends 1 KiB, reads exactly 1 KiB back (checked byte by byte), half-closes, waits for
#     the server's EOF and closes. Total wall time (s), failures (connect errors, resets, short or
#     wrong echoes, timeouts), and the server's peak RSS (VmHWM, read from /proc just before the
#     server is stopped; not for socat, whose listener forks a process per client).
#   "50,000 idle connections": the loadgen opens that many connections and holds them without
#     sending a byte; once the server holds them all (its descriptor count in /proc), its VmRSS
#     is read: the RSS, failures (not established, or closed by the server while held), and KiB
#     per idle connection = (RSS with them − RSS before the first client) / connections held.
#     "... idle after a 1 KiB echo": the same, but each connection first does one 1 KiB echo
#     (what an idle connection keeps after traffic: spec, "an idle connection holds no relay
#     buffer"). nsock, nsock-aot and python3 only. If the hard descriptor limit cannot be raised
#     (no CAP_SYS_RESOURCE), the count is capped below it and the figure says the real count.
# Every server is started afresh per measurement, tools alternate within each round; ROUNDS rounds
# for the echo figures, max(1, ROUNDS/2) for the idle ones. Each server inherits `ulimit -n` raised
# to the hard limit (raised to 1048576 first where permitted). Listen backlogs are 4096 where the tool
# has a setting (the kernel caps them at net.core.somaxconn).
set -euo pipefail
given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
PART=concurrency

PIDS=()
cleanup() {
  [ ${#PIDS[@]} -eq 0 ] || stop "${PIDS[@]}"
  [ -n "$given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- limits -------------------------------------------------------------------------------------
ulimit -Hn 1048576 2>/dev/null || say "cannot raise the hard descriptor limit ($(ulimit -Hn)): no CAP_SYS_RESOURCE here"
ulimit -n "$(ulimit -Hn)"
NOFILE=$(ulimit -n)
somaxconn=$(cat /proc/sys/net/core/somaxconn 2>/dev/null || echo '?')
say "ulimit -n $NOFILE; listen backlogs 4096 (net.core.somaxconn $somaxconn caps them)"

LOADGEN=$BENCH_TMP/loadgen
gcc -O2 -o "$LOADGEN" "$BENCH_ROOT/bench/loadgen.c"
ECHO_PY=$BENCH_ROOT/bench/echo_server_asyncio.py

if [ "$QUICK" = 1 ]; then
  ECHO_COUNTS=(100 500); IDLE_WANT=2000; DEADLINE=20
else
  ECHO_COUNTS=(1000 10000); IDLE_WANT=50000; DEADLINE=120
fi
SOCAT_MAX=1000          # socat forks a process per client: only the smaller echo figure
IDLE_ROUNDS=$(( ROUNDS / 2 > 0 ? ROUNDS / 2 : 1 ))

# Idle connections must fit the server's descriptor limit (plus the runtime's own, ~60 for .NET).
IDLE_N=$IDLE_WANT
if [ $(( NOFILE - 1000 )) -lt "$IDLE_N" ]; then
  IDLE_N=$(( (NOFILE - 1000) / 1000 * 1000 ))
  say "idle figure capped at $IDLE_N connections (not $IDLE_WANT): ulimit -n is $NOFILE and its hard limit cannot be raised here"
fi

commas() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
kv() { grep -o "\b$1=[0-9.]*" "$2" | head -1 | cut -d= -f2; }          # kv KEY FILE (loadgen's summary)
status_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status" 2>/dev/null || true; }  # status_kib VmRSS PID
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# ---- tools --------------------------------------------------------------------------------------
ECHO_TOOLS=()
for t in $(nsock_tools); do ECHO_TOOLS+=("$t"); done
[ -x "$NSOCK_AOT" ] || say "no Native AOT build at $NSOCK_AOT: nsock-aot skipped"
if have python3; then ECHO_TOOLS+=(python3); else say "python3 missing: asyncio peer skipped"; fi
if have socat; then ECHO_TOOLS+=(socat); else say "socat missing: socat peer skipped"; fi
IDLE_TOOLS=()
for t in "${ECHO_TOOLS[@]}"; do [ "$t" = socat ] || IDLE_TOOLS+=("$t"); done
say "socat: only for up to $(commas $SOCAT_MAX) echo clients (a forked process per client), never idle; its peak RSS is not recorded (the listener's own RSS says nothing about its forked children)"

# start_server TOOL ERRFILE: sets SERVER_PID and SERVER_PORT
start_server() {
  local tool=$1 err=$2
  SERVER_PID='' SERVER_PORT=''
  case $tool in
    nsock|nsock-aot)
      "$(nsock_path "$tool")" listen -v -k --echo --backlog 4096 127.0.0.1 0 </dev/null >/dev/null 2>"$err" &
      SERVER_PID=$!; PIDS+=("$SERVER_PID")
      SERVER_PORT=$(wait_listening "$err" "$SERVER_PID") ;;
    python3)
      python3 "$ECHO_PY" 127.0.0.1 0 4096 </dev/null >/dev/null 2>"$err" &
      SERVER_PID=$!; PIDS+=("$SERVER_PID")
      SERVER_PORT=$(wait_listening "$err" "$SERVER_PID") ;;
    socat)
      SERVER_PORT=$(free_port)
      socat "TCP-LISTEN:$SERVER_PORT,bind=127.0.0.1,fork,reuseaddr,backlog=4096" PIPE </dev/null >/dev/null 2>"$err" &
      SERVER_PID=$!; PIDS+=("$SERVER_PID")
      wait_port "$SERVER_PORT" ;;
  esac
}

forget() { # PID...: no longer ours to stop
  local p q keep=()
  for p in "${PIDS[@]}"; do for q in "$@"; do [ "$p" = "$q" ] && continue 2; done; keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# stop_server [PID...]: stops the server and any other PIDS given.
stop_server() {
  stop "$SERVER_PID" "$@"
  forget "$SERVER_PID" "$@"
}

# What a server said on stderr beyond its readiness and per-client lines (first few).
server_complaints() {
  grep -v -E 'listening on|connection from|^(nsock: )?closed [^ ]*: sent' "$1" 2>/dev/null | head -3 || true
}

# ---- echo figures -------------------------------------------------------------------------------
echo_run() { # TOOL CONNS
  local tool=$1 n=$2 fig out err hwm wall failed completed
  fig="$(commas "$n") echo clients × 1 KiB"
  out=$BENCH_TMP/echo.$tool.$n.out; err=$BENCH_TMP/echo.$tool.$n.err
  if ! start_server "$tool" "$err"; then say "$tool did not start; skipped this round"; stop_server; return 0; fi
  local cmd="loadgen echo -p PORT -c $n -s 1024 -r 1 -t $DEADLINE"
  # in the background and waited for, so that the part's INT/TERM trap runs at once
  timeout $(( DEADLINE + 30 )) "$LOADGEN" echo -p "$SERVER_PORT" -c "$n" -s 1024 -r 1 -t "$DEADLINE" >"$out" &
  local lg=$!; PIDS+=("$lg")
  wait "$lg" || true
  forget "$lg"
  hwm=$(status_kib VmHWM "$SERVER_PID")
  local alive=1; kill -0 "$SERVER_PID" 2>/dev/null || alive=0
  stop_server
  wall=$(kv wall "$out"); failed=$(kv failed "$out"); completed=$(kv completed "$out")
  if [ -z "$wall" ]; then say "$tool: loadgen gave no summary for $n clients"; failed=$n; wall=''; fi
  say "$tool, $n clients: $(cat "$out" 2>/dev/null)"
  [ "$alive" = 1 ] || say "$tool: the server was gone after the run"
  [ "${failed:-0}" = 0 ] || { say "$tool: server stderr:"; server_complaints "$err" >&2; }
  [ -n "$wall" ] && record "$PART" "$fig" "$tool" "$wall" s lower "$cmd; completed=$completed failed=$failed"
  record "$PART" "$(commas "$n") echo clients: failures" "$tool" "$failed" failures lower "$cmd"
  if [ "$tool" != socat ] && [ -n "$hwm" ]; then
    record "$PART" "$(commas "$n") echo clients: server peak RSS" "$tool" "$(mib "$hwm")" MiB lower "VmHWM of the server"
  fi
}

# ---- idle figures -------------------------------------------------------------------------------
idle_run() { # TOOL CONNS SIZE (0: never a byte; >0: one echo of SIZE first)
  local tool=$1 n=$2 size=$3 fig out err rss0 fd0 rss1 est failed lg
  if [ "$size" = 0 ]; then fig="$(commas "$n") idle connections"; else fig="$(commas "$n") connections idle after a 1 KiB echo"; fi
  out=$BENCH_TMP/idle.$tool.$size.out; err=$BENCH_TMP/idle.$tool.$size.err
  if ! start_server "$tool" "$err"; then say "$tool did not start; skipped this round"; stop_server; return 0; fi
  sleep 0.5   # let the runtime settle before the baseline
  rss0=$(status_kib VmRSS "$SERVER_PID"); fd0=$(fd_count "$SERVER_PID")
  : >"$out"
  "$LOADGEN" idle -p "$SERVER_PORT" -c "$n" -s "$size" -t 300 >"$out" </dev/null &
  lg=$!; PIDS+=("$lg")
  local i
  for i in $(seq 1200); do   # at most 120 s to establish
    grep -q '^established' "$out" && break
    kill -0 "$lg" 2>/dev/null || break
    sleep 0.1
  done
  est=$(awk '/^established/ {print $2}' "$out")
  if [ -z "$est" ]; then
    say "$tool: the load generator did not establish $n connections in time"; est=0
  else
    local until=$(( SECONDS + 30 ))   # at most 30 s for the server to hold them all
    while [ "$(fd_count "$SERVER_PID")" -lt $(( fd0 + est )) ] && [ "$SECONDS" -lt "$until" ]; do sleep 0.1; done
    [ "$(fd_count "$SERVER_PID")" -ge $(( fd0 + est )) ] || say "$tool: holds only $(( $(fd_count "$SERVER_PID") - fd0 )) of $est connections"
    sleep 0.5
  fi
  rss1=$(status_kib VmRSS "$SERVER_PID")
  # the load generator first (it closes its connections and reports), then the server
  kill "$lg" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$lg" 2>/dev/null || break; sleep 0.1; done
  stop_server "$lg"
  failed=$(kv failed "$out")
  [ -n "$failed" ] || failed=$(awk -v n="$n" '/^established/ {print n - $2; f=1} END {if (!f) print n}' "$out")
  say "$tool, $n idle (first echo: $size B): $(tail -1 "$out"); RSS ${rss0:-?} -> ${rss1:-?} KiB"
  [ "$failed" = 0 ] || { say "$tool: server stderr:"; server_complaints "$err" >&2; }
  local cmd="loadgen idle -p PORT -c $n -s $size"
  record "$PART" "$fig: failures" "$tool" "$failed" failures lower "$cmd"
  if [ -n "$rss0" ] && [ -n "$rss1" ] && [ "$est" -gt 0 ]; then
    record "$PART" "$fig: server RSS" "$tool" "$(mib "$rss1")" MiB lower "VmRSS with $est held; $(mib "$rss0") MiB before"
    record "$PART" "$fig: KiB per connection" "$tool" "$(awk -v a="$rss0" -v b="$rss1" -v n="$est" 'BEGIN {printf "%.2f", (b - a) / n}')" KiB lower "(RSS with $est - RSS before) / $est"
  fi
}

for round in $(seq "$ROUNDS"); do
  for n in "${ECHO_COUNTS[@]}"; do
    for tool in "${ECHO_TOOLS[@]}"; do
      [ "$tool" = socat ] && [ "$n" -gt "$SOCAT_MAX" ] && continue
      say "round $round/$ROUNDS: $tool, $n echo clients"
      echo_run "$tool" "$n"
    done
  done
done

if [ "$IDLE_N" -lt 1 ]; then
  say "idle figures skipped: ulimit -n $NOFILE leaves no room"
else
  for round in $(seq "$IDLE_ROUNDS"); do
    for size in 0 1024; do
      for tool in "${IDLE_TOOLS[@]}"; do
        say "idle round $round/$IDLE_ROUNDS: $tool, $IDLE_N connections (first echo: $size B)"
        idle_run "$tool" "$IDLE_N" "$size"
      done
    done
  done
fi
exit 0
