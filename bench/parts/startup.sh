#!/usr/bin/env bash
# Part `startup`: whole-process cost of short runs, tools alternating round by round.
#
# How: each figure times one command per tool with hyperfine (`-N --warmup 5 --runs 200 -i
# --export-json`; QUICK: 2 warm-ups, 20 runs), recording the mean in ms (lower better) with the
# command as NOTE; without hyperfine, the mean wall time of 100 runs (QUICK: 20) of a bash loop.
#   "connect to a refused port": a 127.0.0.1 port that was bound and closed again (nothing
#     listens; checked with `ss`), so every tool starts, gets ECONNREFUSED and exits 1:
#       nsock connect 127.0.0.1 PORT      nc -z 127.0.0.1 PORT      socat - TCP:127.0.0.1:PORT
#       ncat -z 127.0.0.1 PORT
#   "print version": the nearest do-nothing each tool has:
#       nsock --version   socat -V   nc -h (OpenBSD nc has no version flag)   ncat --version
# Before timing, each command is run once and its exit code checked (1 for the refused connect,
# 0 for the version; `nc -h` may exit 0 or 1); a tool that does otherwise is reported and skipped.
# Env (besides lib.sh's): STARTUP_HYPERFINE=0 uses the loop even when hyperfine is installed.
set -euo pipefail
_given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "$BENCH_TMP/startup.XXXXXX")   # this part's scratch files (BENCH_TMP is shared by the parts)
read -r _load _ </proc/loadavg
awk -v l="$_load" 'BEGIN { exit !(l > 1.5) }' && say "startup: load average $_load: other work is running, the figures will be noisy"

PART=startup
if [ "$QUICK" = 1 ]; then WARMUP=2; RUNS=20; LOOP=20; else WARMUP=5; RUNS=200; LOOP=100; fi

hpid=''
cleanup() {
  [ -z "$hpid" ] || stop "$hpid"
  rm -rf "$T"
  [ -n "$_given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tools=()
for t in $(nsock_tools); do
  if [ -x "$(nsock_path "$t")" ]; then tools+=("$t"); else say "startup: skipping $t: no $(nsock_path "$t")"; fi
done
if have_openbsd_nc; then tools+=(nc); else say "startup: skipping nc: no OpenBSD nc"; fi
if have socat; then tools+=(socat); else say "startup: skipping socat: not installed"; fi
if have ncat; then tools+=(ncat); else say "startup: skipping ncat: not installed"; fi
if have hyperfine && [ "${STARTUP_HYPERFINE:-1}" != 0 ]; then how=hyperfine; else how=loop; say "startup: no hyperfine; timing a loop of $LOOP runs"; fi

# A port with nothing listening: bound once, closed, and not listening now.
PORT=''
for _ in $(seq 20); do
  p=$(free_port)
  if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { say "startup: found no free port"; exit 1; }

# cmd FIGURE TOOL -> the command line (words split on spaces; no quoting needed)
cmd() {
  local bin=''
  case $2 in nsock*) bin=$(nsock_path "$2") ;; esac
  case $1:$2 in
    refused:nsock*) echo "$bin connect 127.0.0.1 $PORT" ;;
    refused:nc) echo "nc -z 127.0.0.1 $PORT" ;;
    refused:socat) echo "socat - TCP:127.0.0.1:$PORT" ;;
    refused:ncat) echo "ncat -z 127.0.0.1 $PORT" ;;
    version:nsock*) echo "$bin --version" ;;
    version:nc) echo "nc -h" ;;
    version:socat) echo "socat -V" ;;
    version:ncat) echo "ncat --version" ;;
  esac
}

# mean_ms COMMAND -> sets $ms, the mean wall ms of one command (not in a $(...) subshell, so that
# hyperfine stays this shell's child, which the EXIT trap can stop)
mean_ms() {
  local c=$1 json=$T/hf.json
  if [ "$how" = hyperfine ]; then
    rm -f "$json"
    timeout -k 5 600 hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" "$c" </dev/null >/dev/null 2>"$T/hf.err" &
    hpid=$!
    local rc=0; wait "$hpid" || rc=$?; hpid=''
    [ "$rc" = 0 ] || { say "startup: hyperfine failed on '$c':"; cat "$T/hf.err" >&2; return 1; }
    ms=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"] * 1000)' "$json")
  else
    local words start n rc=0
    read -ra words <<<"$c"
    # one bash loop under one timeout: the warm-up runs, a mark, the timed runs
    timeout -k 5 600 bash -c 'for ((i = 0; i < $1; i++)); do "${@:3}" </dev/null >/dev/null 2>&1; done
      echo "$EPOCHREALTIME"
      for ((i = 0; i < $2; i++)); do "${@:3}" </dev/null >/dev/null 2>&1; done
      echo "$EPOCHREALTIME"' _ "$WARMUP" "$LOOP" "${words[@]}" >"$T/loop.out" &
    hpid=$!
    wait "$hpid" || rc=$?; hpid=''
    n=$(wc -l <"$T/loop.out")
    [ "$rc" = 0 ] && [ "$n" = 2 ] || { say "startup: the loop over '$c' failed ($rc)"; return 1; }
    ms=$(awk -v n="$LOOP" 'NR == 1 {a = $1} NR == 2 {print ($1 - a) * 1000 / n}' "$T/loop.out")
  fi
}

declare -A skip
for fig in refused version; do
  for tool in "${tools[@]}"; do
    c=$(cmd "$fig" "$tool"); read -ra words <<<"$c"
    rc=0; timeout 30 "${words[@]}" </dev/null >/dev/null 2>"$T/check.err" || rc=$?
    case $fig:$tool:$rc in
      refused:*:1 | version:*:0 | version:nc:1) ;;
      *) say "startup: '$c' exited $rc (expected $([ "$fig" = refused ] && echo 1 || echo 0)); not timed"
         sed 's/^/  /' "$T/check.err" >&2; skip[$fig:$tool]=1 ;;
    esac
  done
done

declare -A figure=([refused]="connect to a refused port" [version]="print version")
say "startup: tools: ${tools[*]}; $how; $ROUNDS round(s)"
for fig in refused version; do
  for round in $(seq "$ROUNDS"); do
    n=${#tools[@]}
    for i in $(seq 0 $((n - 1))); do
      tool=${tools[$(((i + round - 1) % n))]}
      [ -z "${skip[$fig:$tool]:-}" ] || continue
      c=$(cmd "$fig" "$tool")
      mean_ms "$c" || continue
      say "startup: ${figure[$fig]}, round $round, $tool: $(printf %.2f "$ms") ms"
      record "$PART" "${figure[$fig]}" "$tool" "$(printf %.3f "$ms")" ms lower "${c/$BENCH_ROOT\//}"
    done
  done
done
