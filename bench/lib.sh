# Shared by every bench part (bench/parts/*.sh); sourced, never run. A part measures one subject,
# tools alternating round by round, and appends one row per measurement with `record`; the
# report (bench/report.py) turns the rows into medians, min-max and ratios against the best peer.
#
# Environment the parts get from bench/run.sh (defaults let a part run on its own):
#   NSOCK      framework-dependent build   (src/Nsock/bin/Release/net10.0/nsock)
#   NSOCK_AOT  Native AOT build            (artifacts/aot/nsock; a part skips it when absent)
#   ROUNDS     rounds per figure           (5)
#   QUICK      1 = small sizes, for trying a part out (the figures then mean nothing)
#   BENCH_RAW  where rows go               (bench/out/raw.tsv)
#   BENCH_TMP  a scratch directory the part may fill (removed by run.sh)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSOCK=${NSOCK:-$BENCH_ROOT/src/Nsock/bin/Release/net10.0/nsock}
NSOCK_AOT=${NSOCK_AOT:-$BENCH_ROOT/artifacts/aot/nsock}
ROUNDS=${ROUNDS:-5}
QUICK=${QUICK:-0}
BENCH_RAW=${BENCH_RAW:-$BENCH_ROOT/bench/out/raw.tsv}
mkdir -p "$(dirname "$BENCH_RAW")"
if [ -z "${BENCH_TMP:-}" ]; then
  BENCH_TMP=$(mktemp -d)
  trap 'rm -rf "$BENCH_TMP"' EXIT
fi

# record PART FIGURE TOOL VALUE UNIT BETTER [NOTE]
#   FIGURE  what is measured, the same text for every tool ("TCP bulk, file, pinned")
#   TOOL    nsock | nsock-aot | socat | nc | ncat | nmap | python3 | ... (a peer's name)
#   UNIT    MB/s, ms, us, s, MiB, KiB, datagrams/s, %, ...
#   BETTER  higher | lower  (which way is better; ratios are oriented so that > 1 favours nsock)
#   NOTE    free text kept in the raw table (the exact command, say)
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}" >>"$BENCH_RAW"
}

# A line for people, on stderr (stdout of a part is not used).
say() { echo "bench: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }
have_openbsd_nc() { have nc && nc -h 2>&1 | grep -q OpenBSD; }

# The nsock builds present, as tool names: nsock, and nsock-aot when built.
nsock_tools() { echo nsock; [ -x "$NSOCK_AOT" ] && echo nsock-aot; }
nsock_path() { case $1 in nsock) echo "$NSOCK" ;; nsock-aot) echo "$NSOCK_AOT" ;; esac; }

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }   # seconds since a `now`

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_port PORT [HOST]: until something accepts there (for peers with no readiness line).
# It connects, so use it only for servers that serve more than one client (-k, fork).
wait_port() {
  local host=${2:-127.0.0.1}
  for _ in $(seq 500); do
    python3 -c "import socket; socket.create_connection(('$host',$1),0.05).close()" 2>/dev/null && return 0
    sleep 0.02
  done
  say "server on $host:$1 did not come up"; return 1
}

# wait_listening STDERR_FILE PID: nsock -v's readiness line; prints the port (or the path).
wait_listening() {
  local line
  for _ in $(seq 1000); do
    line=$(grep -m1 -o 'listening on [^ ]*' "$1" 2>/dev/null || true)
    if [ -n "$line" ]; then line=${line#listening on }; echo "${line##*:}"; return 0; fi
    kill -0 "$2" 2>/dev/null || break
    sleep 0.01
  done
  say "no readiness line from pid $2:"; cat "$1" >&2; return 1
}

# wait_unix_socket PATH: until a socket file is there.
wait_unix_socket() {
  for _ in $(seq 1000); do [ -S "$1" ] && return 0; sleep 0.01; done
  say "no socket at $1"; return 1
}

# stop PID...: TERM, then KILL after 2 s; reaps. Children of socat's fork too.
stop() {
  local pid
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  for pid in "$@"; do
    [ -n "$pid" ] || continue
    timeout 2 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

# cpu_seconds PID: user+system CPU seconds of a live process and its reaped children, from
# /proc (read it just before the process ends, or use `timed` below).
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15+$16+$17)/hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# timed OUTFILE CMD...: runs CMD under GNU time; OUTFILE gets "wall user sys maxrss_kib".
timed() {
  local out=$1; shift
  /usr/bin/time -o "$out" -f '%e %U %S %M' "$@"
}

# median of numbers on stdin (one per line): prints "median min max".
median() { sort -g | awk '{a[NR]=$1} END {if (!NR) exit 1; m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; print m, a[1], a[NR]}'; }
