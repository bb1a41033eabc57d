#!/usr/bin/env bash
# Full-range loopback TCP scan: `nsock connect -z 127.0.0.1 1-65535` against `nc -z` (OpenBSD) and
# `nmap -sT -p-`, in the same run, tools alternating round by round; medians (min-max) of wall
# seconds, and nsock's ratio to each (above 1: nsock is faster). Installs nmap with apt-get when
# running as root and it is missing. Usage: bench/probe-scan.sh [ROUNDS]
# Env: NSOCK=path (default src/Nsock/bin/Release/net10.0/nsock), NSOCK_AOT=path (default
# artifacts/aot/nsock, measured too when present).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
nsock=${NSOCK:-src/Nsock/bin/Release/net10.0/nsock}
aot=${NSOCK_AOT:-artifacts/aot/nsock}
[ -x "$nsock" ] || { echo "bench: build first (./build.sh build); no $nsock" >&2; exit 1; }
if ! command -v nmap >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "bench: installing nmap" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nmap >/dev/null 2>&1 || echo "bench: could not install nmap" >&2
fi

declare -A cmd=([nsock]="$nsock connect -z 127.0.0.1 1-65535")
[ -x "$aot" ] && cmd[nsock-aot]="$aot connect -z 127.0.0.1 1-65535"
{ command -v nc >/dev/null && nc -h 2>&1 | grep -q OpenBSD; } && cmd[nc]="nc -z 127.0.0.1 1-65535"
command -v nmap >/dev/null && cmd[nmap]="nmap -sT -p- -n -Pn --max-retries 0 127.0.0.1 -oG -"
tools=(nsock nsock-aot nc nmap)

declare -A runs
for _ in $(seq "$rounds"); do
  for tool in "${tools[@]}"; do
    [ -n "${cmd[$tool]:-}" ] || continue
    start=$(date +%s.%N)
    ${cmd[$tool]} >/dev/null 2>&1 || true   # exit 1: some ports are closed, as expected
    end=$(date +%s.%N)
    runs[$tool]+="$(echo "$end - $start" | bc -l) "
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'; }
declare -A med
for tool in "${tools[@]}"; do
  [ -n "${runs[$tool]:-}" ] || continue
  read -r m lo hi <<<"$(echo "${runs[$tool]}" | median)"
  med[$tool]=$m
  printf '%-10s %6.3f s  (min %.3f, max %.3f, %d rounds)\n' "$tool" "$m" "$lo" "$hi" "$rounds"
done
for ours in nsock nsock-aot; do
  [ -n "${med[$ours]:-}" ] || continue
  for peer in nc nmap; do
    [ -n "${med[$peer]:-}" ] && printf '%s vs %s: %.2fx as fast\n' "$ours" "$peer" "$(echo "${med[$peer]} / ${med[$ours]}" | bc -l)"
  done
done
