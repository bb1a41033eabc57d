#!/usr/bin/env bash
# Part `throughput`: one-way bulk transfer over loopback TCP (127.0.0.1) and a unix stream socket
# (in $BENCH_TMP), each tool playing both ends, tools alternating round by round.
#
# How: SIZE bytes (4 GiB; QUICK=1: 64 MiB) of zeros, written once to a real (not sparse) file in
# $BENCH_TMP so that its pages are in the page cache, go sender -> receiver -> /dev/null:
#   receiver  nsock listen -v 127.0.0.1 0 | nsock unix -l -v PATH
#             socat -u -b 131072 TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr - | UNIX-LISTEN:PATH
#             nc -l 127.0.0.1 PORT | nc -lU PATH
#             ncat -l 127.0.0.1 PORT --recv-only | ncat -lU PATH --recv-only
#   sender    nsock connect 127.0.0.1 PORT | nsock unix PATH
#             socat -b 131072 - TCP:127.0.0.1:PORT | UNIX-CONNECT:PATH
#             nc -N 127.0.0.1 PORT | nc -N -U PATH
#             ncat --send-only 127.0.0.1 PORT | ncat --send-only -U PATH
# (socat's receiver is -u: a bidirectional socat whose stdin is /dev/null ends 0.5 s (-t) after
# that EOF, mid-transfer.) Every receiver has stdin </dev/null and is started first and ready:
# nsock by its -v readiness line, peers by polling `ss` for the listening socket (never a probe
# connection, which would be served as the one client). The sender's stdin is the file itself
# ("file") or a pipe fed by `cat FILE` ("pipe"). "pinned": `taskset -c 0` on both ends (and on
# cat), "unpinned": no affinity. Wall time runs from just before the sender starts to the
# receiver's exit; MB/s = SIZE / 10^6 / wall (higher better). Both ends run under /usr/bin/time
# (as lib.sh `timed`, inside `timeout`), giving CPU seconds (user + sys) per GiB moved for each
# side (lower better).
# Before the timed rounds every tool does one unpinned check transfer per transport and input
# with its receiver's stdout counted by `wc -c`; a tool that does not deliver exactly SIZE bytes
# is reported ("bytes delivered (check)", %) and left out of the timed rounds for that case.
#
# Env (besides lib.sh's): BULK_MIB (transfer size in MiB; default 4096, QUICK 64),
#   BULK_TRANSPORTS ("tcp unix"), BULK_INPUTS ("file pipe"), BULK_PINNING ("pinned unpinned"),
#   BULK_CHECK (1; 0 skips the check transfers).
set -euo pipefail
_given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "$BENCH_TMP/bulk.XXXXXX")   # this part's scratch files (BENCH_TMP is shared by the parts)
read -r _load _ </proc/loadavg
awk -v l="$_load" 'BEGIN { exit !(l > 1.5) }' && say "throughput: load average $_load: other work is running, the figures will be noisy"

PART=throughput
if [ "$QUICK" = 1 ]; then mib=${BULK_MIB:-64}; else mib=${BULK_MIB:-4096}; fi
SIZE=$((mib * 1024 * 1024))
TRANSPORTS=${BULK_TRANSPORTS:-tcp unix}
INPUTS=${BULK_INPUTS:-file pipe}
PINNING=${BULK_PINNING:-pinned unpinned}
CHECK=${BULK_CHECK:-1}
LIMIT=$((60 + SIZE / 20000000))   # seconds any one process may take (20 MB/s at worst)

# halt PID...: end processes started as `timeout ... CMD &` (timeout leads a process group of its
# own, so TERM to the group reaches /usr/bin/time and the tool too); KILL after 2 s; reap.
halt() {
  local p
  for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do
    timeout 2 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

running=()
cleanup() {
  halt "${running[@]}"
  rm -rf "$T"
  [ -n "$_given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tools=()
for t in $(nsock_tools); do
  if [ -x "$(nsock_path "$t")" ]; then tools+=("$t"); else say "throughput: skipping $t: no $(nsock_path "$t")"; fi
done
if have socat; then tools+=(socat); else say "throughput: skipping socat: not installed"; fi
if have_openbsd_nc; then tools+=(nc); else say "throughput: skipping nc: no OpenBSD nc"; fi
if have ncat; then tools+=(ncat); else say "throughput: skipping ncat: not installed"; fi
have ss || { say "throughput: ss (iproute2) is needed to see peers listening"; exit 1; }
[ -x /usr/bin/time ] || { say "throughput: /usr/bin/time (GNU time) is needed"; exit 1; }

# The input: a real file of SIZE bytes, so reading it costs page-cache copies and no disk.
INPUT=$T/bulk.in
avail_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if [ $((avail_kib * 1024)) -lt $((SIZE + (1 << 30))) ]; then
  say "throughput: only $((avail_kib / 1024)) MiB of memory available for a $mib MiB input: reads may hit the disk"
fi
if [ "$(stat -c %s "$INPUT" 2>/dev/null || echo 0)" != "$SIZE" ]; then
  say "throughput: writing a $mib MiB input file"
  head -c "$SIZE" /dev/zero >"$INPUT"
fi
cat "$INPUT" >/dev/null   # in the page cache

# wait_ss_listening KIND WHAT PID: until `ss` shows a listening TCP port / unix path, bounded.
wait_ss_listening() {
  local kind=$1 what=$2 pid=$3
  for _ in $(seq 1000); do
    case $kind in
      tcp) ss -Hltn "sport = :$what" 2>/dev/null | grep -q . && return 0 ;;
      unix) [ -S "$what" ] && ss -Hlx 2>/dev/null | grep -qF " $what " && return 0 ;;
    esac
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  say "throughput: no listener at $what (pid $pid)"; return 1
}

# rm_running PID: forget a reaped process.
rm_running() { local keep=() p; for p in "${running[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; running=("${keep[@]}"); }

abandon() { local p; halt "$@"; for p in "$@"; do rm_running "$p"; done; rm -f "$T"/*.fifo; }

# transfer TOOL TRANSPORT INPUT PIN MODE -> sets wall, s_cpu, r_cpu, and with MODE check got (the
# bytes the receiver wrote, also when the run failed); nonzero when something failed (said).
transfer() {
  local tool=$1 transport=$2 input=$3 pin=$4 mode=$5
  local pre=() bin='' port='' path='' err=$T/recv.err out=/dev/null
  [ "$pin" = pinned ] && pre=(taskset -c 0)
  case $tool in nsock*) bin=$(nsock_path "$tool") ;; esac
  rm -f "$T"/r.time "$T"/s.time "$T"/count "$T"/*.fifo
  if [ "$transport" = unix ]; then path=$T/bulk-$tool.sock; rm -f "$path"; else [ "$tool" = nsock ] || [ "$tool" = nsock-aot ] || port=$(free_port); fi

  local wcpid=''
  if [ "$mode" = check ]; then
    out=$T/count.fifo; mkfifo "$out"
    wc -c <"$out" >"$T/count" & wcpid=$!; running+=("$wcpid")
  fi

  local rcmd
  case $tool:$transport in
    nsock*:tcp)  rcmd=("$bin" listen -v 127.0.0.1 0) ;;
    nsock*:unix) rcmd=("$bin" unix -l -v "$path") ;;
    socat:tcp)   rcmd=(socat -u -b 131072 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" -) ;;
    socat:unix)  rcmd=(socat -u -b 131072 "UNIX-LISTEN:$path" -) ;;
    nc:tcp)      rcmd=(nc -l 127.0.0.1 "$port") ;;
    nc:unix)     rcmd=(nc -lU "$path") ;;
    ncat:tcp)    rcmd=(ncat -l 127.0.0.1 "$port" --recv-only) ;;
    ncat:unix)   rcmd=(ncat -lU "$path" --recv-only) ;;
  esac
  timeout -k 5 "$LIMIT" /usr/bin/time -o "$T/r.time" -f '%e %U %S %M' "${pre[@]}" "${rcmd[@]}" </dev/null >"$out" 2>"$err" &
  local rpid=$!; running+=("$rpid")
  case $tool:$transport in
    nsock*:tcp) port=$(wait_listening "$err" "$rpid") || { abandon "$rpid" $wcpid; return 1; } ;;
    nsock*:unix) wait_listening "$err" "$rpid" >/dev/null || { abandon "$rpid" $wcpid; return 1; } ;;
    *:tcp) wait_ss_listening tcp "$port" "$rpid" || { cat "$err" >&2; abandon "$rpid" $wcpid; return 1; } ;;
    *:unix) wait_ss_listening unix "$path" "$rpid" || { cat "$err" >&2; abandon "$rpid" $wcpid; return 1; } ;;
  esac

  local scmd
  case $tool:$transport in
    nsock*:tcp)  scmd=("$bin" connect 127.0.0.1 "$port") ;;
    nsock*:unix) scmd=("$bin" unix "$path") ;;
    socat:tcp)   scmd=(socat -b 131072 - "TCP:127.0.0.1:$port") ;;
    socat:unix)  scmd=(socat -b 131072 - "UNIX-CONNECT:$path") ;;
    nc:tcp)      scmd=(nc -N 127.0.0.1 "$port") ;;
    nc:unix)     scmd=(nc -N -U "$path") ;;
    ncat:tcp)    scmd=(ncat --send-only 127.0.0.1 "$port") ;;
    ncat:unix)   scmd=(ncat --send-only -U "$path") ;;
  esac
  cmds="${pre[*]}${pre:+ }${rcmd[*]} >/dev/null <- $([ "$input" = pipe ] && echo "cat FILE | ")${pre[*]}${pre:+ }${scmd[*]}$([ "$input" = file ] && echo " < FILE")"
  cmds=${cmds//$T\//}
  local src=$INPUT catpid='' start
  start=$EPOCHREALTIME
  if [ "$input" = pipe ]; then
    src=$T/in.fifo; mkfifo "$src"
    timeout -k 5 "$LIMIT" "${pre[@]}" cat "$INPUT" >"$src" & catpid=$!; running+=("$catpid")
  fi
  timeout -k 5 "$LIMIT" /usr/bin/time -o "$T/s.time" -f '%e %U %S %M' "${pre[@]}" "${scmd[@]}" <"$src" >/dev/null 2>"$T/send.err" &
  local spid=$!; running+=("$spid")
  local rrc=0 src_rc=0 crc=0 first='' rc=0 end
  wait -n -p first "$rpid" "$spid" || rc=$?
  if [ "$first" = "$rpid" ]; then
    end=$EPOCHREALTIME; rrc=$rc
    if [ "$rc" = 0 ]; then wait "$spid" || src_rc=$?; else halt "$spid"; src_rc=stopped; fi
  else
    src_rc=$rc
    if [ "$rc" = 0 ]; then wait "$rpid" || rrc=$?; else halt "$rpid"; rrc=stopped; fi
    end=$EPOCHREALTIME
  fi
  [ -z "$catpid" ] || wait "$catpid" || crc=$?
  [ -z "$wcpid" ] || wait "$wcpid" || true
  for p in "$rpid" "$spid" $catpid $wcpid; do rm_running "$p"; done
  rm -f "$T"/*.fifo
  [ -z "$path" ] || rm -f "$path"
  [ "$mode" != check ] || got=$(tr -dc 0-9 <"$T/count" 2>/dev/null || true)
  if [ "$rrc" != 0 ] || [ "$src_rc" != 0 ]; then
    say "throughput: $tool $transport $input $pin: receiver exit $rrc, sender exit $src_rc (124: timed out after ${LIMIT}s)"
    sed 's/^/  receiver: /' "$err" >&2; sed 's/^/  sender: /' "$T/send.err" >&2
    return 1
  fi
  [ "$crc" = 0 ] || [ "$crc" = 141 ] || say "throughput: cat exited $crc"
  wall=$(echo "$end - $start" | bc -l)
  r_cpu=$(awk 'END {print $2 + $3}' "$T/r.time")   # the last line: GNU time may add one
  s_cpu=$(awk 'END {print $2 + $3}' "$T/s.time")
  return 0
}

label() { case $1 in tcp) echo TCP ;; unix) echo unix ;; esac; }

say "throughput: $mib MiB per transfer; tools: ${tools[*]}; $ROUNDS round(s)"
declare -A bad
if [ "$CHECK" = 1 ]; then
  for transport in $TRANSPORTS; do
    for input in $INPUTS; do
      for tool in "${tools[@]}"; do
        got=0
        transfer "$tool" "$transport" "$input" unpinned check || true
        pct=$(echo "100 * ${got:-0} / $SIZE" | bc -l)
        record "$PART" "$(label "$transport"), $input: bytes delivered (check)" "$tool" "$(printf %.4f "$pct")" % higher "$got of $SIZE bytes"
        if [ "${got:-0}" != "$SIZE" ]; then
          say "throughput: $tool $transport $input: DELIVERED ${got:-0} OF $SIZE BYTES; left out of the timed rounds"
          bad[$tool:$transport:$input]=1
        else
          say "throughput: check $tool $transport $input: $got bytes, ok"
        fi
      done
    done
  done
fi

gib=$(echo "$SIZE / 1073741824" | bc -l)
for transport in $TRANSPORTS; do
  for input in $INPUTS; do
    for pin in $PINNING; do
      figure="$(label "$transport"), $input, $pin"
      for round in $(seq "$ROUNDS"); do
        # rotate the order each round so that no tool always goes first
        n=${#tools[@]}; order=()
        for i in $(seq 0 $((n - 1))); do order+=("${tools[$(((i + round - 1) % n))]}"); done
        for tool in "${order[@]}"; do
          [ -z "${bad[$tool:$transport:$input]:-}" ] || continue
          transfer "$tool" "$transport" "$input" "$pin" timed || continue
          mbs=$(echo "$SIZE / 1000000 / $wall" | bc -l)
          say "throughput: $figure, round $round, $tool: $(printf '%.0f MB/s (%.2f s; CPU sender %.2f s, receiver %.2f s)' "$mbs" "$wall" "$s_cpu" "$r_cpu")"
          record "$PART" "$figure" "$tool" "$(printf %.1f "$mbs")" MB/s higher "$mib MiB: $cmds"
          record "$PART" "$figure: sender CPU s/GiB" "$tool" "$(printf %.4f "$(echo "$s_cpu / $gib" | bc -l)")" s/GiB lower
          record "$PART" "$figure: receiver CPU s/GiB" "$tool" "$(printf %.4f "$(echo "$r_cpu / $gib" | bc -l)")" s/GiB lower
        done
      done
    done
  done
done
