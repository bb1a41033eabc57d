#!/usr/bin/env bash
# Part "probing": a full-range loopback TCP scan, `nsock connect -z 127.0.0.1 1-65535`, against
# `nc -z` (OpenBSD) and `nmap -sT -p-`, tools alternating round by round; wall seconds of the
# whole scan (lower is better). QUICK=1 scans 1-4096.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

range=1-65535
[ "$QUICK" = 1 ] && range=1-4096
declare -A cmd
for tool in $(nsock_tools); do cmd[$tool]="$(nsock_path "$tool") connect -z 127.0.0.1 $range"; done
have_openbsd_nc && cmd[nc]="nc -z 127.0.0.1 $range" || say "probe: OpenBSD nc missing, left out"
have nmap && cmd[nmap]="nmap -sT -p$range -n -Pn --max-retries 0 127.0.0.1 -oG -" || say "probe: nmap missing, left out"

for round in $(seq "$ROUNDS"); do
  for tool in nsock nsock-aot nc nmap; do
    [ -n "${cmd[$tool]:-}" ] || continue
    start=$(now)
    status=0
    timeout 120 ${cmd[$tool]} >/dev/null 2>"$BENCH_TMP/probe.err" || status=$?
    # Exit 1 is expected (most ports are closed); anything else is a failure, not a figure.
    if [ "$status" -gt 1 ]; then say "probe: $tool failed ($status): $(head -c 300 "$BENCH_TMP/probe.err")"; continue; fi
    record probing "TCP scan of 127.0.0.1 ports $range" "$tool" "$(elapsed "$start")" s lower "${cmd[$tool]}"
  done
  say "probe: round $round done"
done
