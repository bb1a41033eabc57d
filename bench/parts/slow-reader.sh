#!/usr/bin/env bash
# Part `memory`: memory of a relay whose output is slower than its input (spec: "Memory bounded
# whatever the volume; no unbounded buffering behind a slow reader").
#
# "1 GiB into a 10 MB/s reader": the tool listens on loopback TCP and writes what it receives to
#   stdout, a pipe (a fifo) into a reader paced to 10 MiB/s (`pv -q -L 10m` when installed, else a
#   python3 loop reading 64 KiB chunks on a 10 MiB/s schedule), which discards it. A fast python3
#   sender connects and sends 1 GiB of zeros (then closes). Tools: `nsock listen -v --recv-only
#   127.0.0.1 0` (framework-dependent and Native AOT), and socat (`socat -u TCP-LISTEN:PORT STDOUT`)
#   as the peer.
# "1 GiB from a file to a 10 MB/s reader": the other way round: the tool is the sender,
#   `nsock connect 127.0.0.1 PORT < FILE` (a 1 GiB sparse file), or `socat -u - TCP:...` < FILE,
#   and the far side is a python3 server that recv()s 64 KiB chunks paced to 10 MiB/s.
# The tool's VmRSS is read from /proc every 0.5 s. Figures: peak RSS growth = highest sample minus
# the first sample after the connection was made (MiB, lower is better), and the absolute peak
# (VmHWM at the last sample, MiB). The reader's byte count is checked against what was sent.
# 1 GiB at 10 MiB/s is ~100 s per tool and figure, so this part does one round unless ROUNDS_SLOW
# says otherwise (ROUNDS is not used). QUICK=1: 50 MiB instead of 1 GiB.
set -euo pipefail
given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
PART=memory

PIDS=()
cleanup() {
  [ ${#PIDS[@]} -eq 0 ] || stop "${PIDS[@]}"
  [ -n "$given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

RATE=10485760                      # bytes/s (pv's 10m)
if [ "$QUICK" = 1 ]; then BYTES=$((50 * 1024 * 1024)); SIZE_LABEL="50 MiB"; else BYTES=$((1024 * 1024 * 1024)); SIZE_LABEL="1 GiB"; fi
SLOW_ROUNDS=${ROUNDS_SLOW:-1}
LIMIT_S=$(( BYTES / RATE * 3 / 2 + 60 ))   # per transfer, then it is stopped and not recorded

status_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status" 2>/dev/null || true; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
forget() { # PID...: no longer ours to stop
  local p q keep=()
  for p in "${PIDS[@]}"; do for q in "$@"; do [ "$p" = "$q" ] && continue 2; done; keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# ---- helpers (python3) --------------------------------------------------------------------------
have python3 || { say "python3 missing: it drives this part (sender, paced reader); nothing measured"; exit 0; }

# slow_read.py RATE COUNTFILE: stdin -> discarded at RATE bytes/s in 64 KiB reads; COUNTFILE gets the total.
cat >"$BENCH_TMP/slow_read.py" <<'EOF'
import os, sys, time
rate, count_file = int(sys.argv[1]), sys.argv[2]
total, start = 0, None
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    if start is None:
        start = time.monotonic()
    total += len(chunk)
    ahead = total / rate - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
open(count_file, "w").write(f"{total}\n")
EOF

# slow_server.py RATE PORTFILE MARKER COUNTFILE: listens on 127.0.0.1:0 (port into PORTFILE), takes
# one client (MARKER written on accept), recv()s 64 KiB at a time at RATE bytes/s until EOF, closes.
cat >"$BENCH_TMP/slow_server.py" <<'EOF'
import socket, sys, time
rate, port_file, marker, count_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(1)
ls.settimeout(30)
open(port_file + ".tmp", "w").write(f"{ls.getsockname()[1]}\n")
import os; os.rename(port_file + ".tmp", port_file)
conn, _ = ls.accept()
ls.close()
open(marker, "w").write("accepted\n")
conn.settimeout(60)
total, start = 0, time.monotonic()
while True:
    chunk = conn.recv(65536)
    if not chunk:
        break
    total += len(chunk)
    ahead = total / rate - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
conn.close()
open(count_file, "w").write(f"{total}\n")
EOF

# fast_send.py PORT BYTES MARKER: connects to 127.0.0.1:PORT (retrying up to 20 s: socat has no
# readiness line), writes MARKER, sends BYTES zeros in 1 MiB writes, closes.
cat >"$BENCH_TMP/fast_send.py" <<'EOF'
import socket, sys, time
port, n, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 20
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), 1)
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("fast_send: no server on %d" % port)
        time.sleep(0.02)
s.settimeout(None)
open(marker, "w").write("connected\n")
buf = bytes(1 << 20)
while n > 0:
    k = min(n, len(buf))
    s.sendall(buf[:k] if k < len(buf) else buf)
    n -= k
s.close()
EOF

if have pv; then READER="pv (pv -q -L 10m)"; else READER="python3 (64 KiB reads paced to 10 MiB/s)"; fi
start_reader() { # FIFO COUNTFILE: the paced reader on the fifo, in the background; sets READER_PID
  if have pv; then
    ( pv -q -L 10m -b <"$1" 2>/dev/null | wc -c >"$2" ) &
  else
    python3 "$BENCH_TMP/slow_read.py" "$RATE" "$2" <"$1" &
  fi
  READER_PID=$!; PIDS+=("$READER_PID")
}

# watch_rss PID MARKER LIMIT_S: samples VmRSS every 0.5 s until PID ends; baseline = the first sample
# once MARKER exists. Sets RES="BASE PEAK HWM" (KiB), or returns 1 when LIMIT_S passes first.
# (Not a command substitution: the part's INT/TERM trap must not wait for a whole transfer.)
watch_rss() {
  RES=''
  local pid=$1 marker=$2 end=$(( $(date +%s) + $3 )) base='' peak=0 hwm=0 rss h
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(status_kib VmRSS "$pid"); h=$(status_kib VmHWM "$pid")
    [ -n "$rss" ] || break                    # gone (a zombie has no VmRSS)
    [ -n "$h" ] && hwm=$h
    if [ -z "$base" ]; then
      [ -s "$marker" ] && base=$rss && peak=$rss
    elif [ "$rss" -gt "$peak" ]; then
      peak=$rss
    fi
    [ "$(date +%s)" -lt "$end" ] || { say "pid $pid still running after $3 s"; return 1; }
    sleep 0.5
  done
  [ -n "$base" ] || return 1
  RES="$base $peak $hwm"
}

RECV_TOOLS=()
for t in $(nsock_tools); do RECV_TOOLS+=("$t"); done
[ -x "$NSOCK_AOT" ] || say "no Native AOT build at $NSOCK_AOT: nsock-aot skipped"
if have socat; then RECV_TOOLS+=(socat); else say "socat missing: socat peer skipped"; fi
say "slow reader: $READER; $SIZE_LABEL per transfer, ~$(( BYTES / RATE )) s each; $SLOW_ROUNDS round(s)"

record_rss() { # FIGURE TOOL "BASE PEAK HWM" NOTE
  local base peak hwm
  read -r base peak hwm <<<"$3"
  record "$PART" "$1: peak RSS growth" "$2" "$(mib $(( peak - base )))" MiB lower "$4; sampled VmRSS every 0.5 s: $(mib "$base") -> $(mib "$peak") MiB"
  record "$PART" "$1: peak RSS" "$2" "$(mib "$hwm")" MiB lower "$4; VmHWM"
  say "$2: RSS $(mib "$base") MiB at the connection, peak sample $(mib "$peak") MiB, VmHWM $(mib "$hwm") MiB"
}

check_count() { # COUNTFILE TOOL: did the reader get every byte?
  local got; got=$(cat "$1" 2>/dev/null || echo 0)
  [ "$got" = "$BYTES" ] && return 0
  say "$2: the reader got $got of $BYTES bytes: not recorded"; return 1
}

# ---- the tool receives, its stdout is slow --------------------------------------------------------
recv_run() { # TOOL
  local tool=$1 fig="$SIZE_LABEL into a 10 MB/s reader" d=$BENCH_TMP/recv.$1 port tpid spid cmd
  rm -rf "$d"; mkdir -p "$d"; mkfifo "$d/fifo"
  start_reader "$d/fifo" "$d/count"
  case $tool in
    nsock|nsock-aot)
      "$(nsock_path "$tool")" listen -v --recv-only 127.0.0.1 0 </dev/null >"$d/fifo" 2>"$d/err" &
      tpid=$!; PIDS+=("$tpid")
      port=$(wait_listening "$d/err" "$tpid") || { stop "$tpid" "$READER_PID"; forget "$tpid" "$READER_PID"; return 0; }
      cmd="nsock listen -v --recv-only 127.0.0.1 0 | slow reader" ;;
    socat)
      port=$(free_port)
      socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" STDOUT </dev/null >"$d/fifo" 2>"$d/err" &
      tpid=$!; PIDS+=("$tpid")
      cmd="socat -u TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr STDOUT | slow reader" ;;
  esac
  python3 "$BENCH_TMP/fast_send.py" "$port" "$BYTES" "$d/marker" &
  spid=$!; PIDS+=("$spid")
  if watch_rss "$tpid" "$d/marker" "$LIMIT_S"; then
    for _ in $(seq 100); do kill -0 "$READER_PID" 2>/dev/null || break; sleep 0.1; done
    stop "$tpid" "$spid" "$READER_PID"; forget "$tpid" "$spid" "$READER_PID"
    check_count "$d/count" "$tool" && record_rss "$fig" "$tool" "$RES" "$cmd"
  else
    say "$tool: no measurement (stderr: $(head -c 300 "$d/err"))"
    stop "$tpid" "$spid" "$READER_PID"; forget "$tpid" "$spid" "$READER_PID"
  fi
  return 0
}

# ---- the tool sends a file, the far side reads slowly ---------------------------------------------
SEND_TOOLS=()
for t in $(nsock_tools); do SEND_TOOLS+=("$t"); done
have socat && SEND_TOOLS+=(socat)
BIG=$BENCH_TMP/big.bin
truncate -s "$BYTES" "$BIG"        # sparse: no disk, reads as zeros

send_run() { # TOOL
  local tool=$1 fig="$SIZE_LABEL from a file to a 10 MB/s reader: sender" d=$BENCH_TMP/send.$1 port tpid rpid cmd
  rm -rf "$d"; mkdir -p "$d"
  python3 "$BENCH_TMP/slow_server.py" "$RATE" "$d/port" "$d/marker" "$d/count" &
  rpid=$!; PIDS+=("$rpid")
  for _ in $(seq 500); do [ -s "$d/port" ] && break; sleep 0.02; done
  port=$(cat "$d/port" 2>/dev/null) || { say "slow server did not start"; stop "$rpid"; forget "$rpid"; return 0; }
  case $tool in
    nsock|nsock-aot)
      "$(nsock_path "$tool")" connect 127.0.0.1 "$port" <"$BIG" >/dev/null 2>"$d/err" &
      cmd="nsock connect 127.0.0.1 PORT < $SIZE_LABEL file" ;;
    socat)
      socat -u - "TCP:127.0.0.1:$port" <"$BIG" >/dev/null 2>"$d/err" &
      cmd="socat -u - TCP:127.0.0.1:PORT < $SIZE_LABEL file" ;;
  esac
  tpid=$!; PIDS+=("$tpid")
  if watch_rss "$tpid" "$d/marker" "$LIMIT_S"; then
    for _ in $(seq 100); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
    stop "$tpid" "$rpid"; forget "$tpid" "$rpid"
    check_count "$d/count" "$tool" && record_rss "$fig" "$tool" "$RES" "$cmd"
  else
    say "$tool: no measurement (stderr: $(head -c 300 "$d/err"))"
    stop "$tpid" "$rpid"; forget "$tpid" "$rpid"
  fi
  return 0
}

for round in $(seq "$SLOW_ROUNDS"); do
  for tool in "${RECV_TOOLS[@]}"; do
    say "round $round/$SLOW_ROUNDS: $tool receives $SIZE_LABEL into a slow reader"
    recv_run "$tool"
  done
  for tool in "${SEND_TOOLS[@]}"; do
    say "round $round/$SLOW_ROUNDS: $tool sends a $SIZE_LABEL file to a slow reader"
    send_run "$tool"
  done
done
exit 0
