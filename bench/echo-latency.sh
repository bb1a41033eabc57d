#!/usr/bin/env bash
# Echo round-trip latency over loopback TCP: one client connection to an echo server, WARMUP round
# trips, then ROUNDTRIPS timed round trips (send SIZE bytes, read exactly SIZE back); prints
# p50/p99/p99.9 (and min, mean) in microseconds per server.
#
# Usage: bench/echo-latency.sh [SERVER...]      SERVER: nsock (default) | socat
#   nsock: `nsock listen -v -k --echo 127.0.0.1 0`, the port taken from its readiness line
#   socat: `socat TCP-LISTEN:PORT,fork,nodelay EXEC:cat` as a reference (a pipe hop through cat)
# Env: NSOCK=path (default src/Nsock/bin/Release/net10.0/nsock), ROUNDTRIPS=10000, WARMUP=1000,
#      SIZE=64. The client is bench/echo_client.py (python3, blocking socket, TCP_NODELAY); its own
#      cost (a few µs) is in every number, so compare servers within one run, not across machines.
# Pin everything with `taskset -c 0 bench/echo-latency.sh`. Each server is given 60 s at most.
set -euo pipefail
cd "$(dirname "$0")/.."
nsock=${NSOCK:-src/Nsock/bin/Release/net10.0/nsock}
roundtrips=${ROUNDTRIPS:-10000}
warmup=${WARMUP:-1000}
size=${SIZE:-64}
[ $# -gt 0 ] || set -- nsock

tmp=$(mktemp -d)
server=
stop_server() {
  if [ -n "$server" ]; then
    pkill -P "$server" 2>/dev/null || true   # socat's forked children, if any
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The start_* functions set $server and $port in this shell (not in a $(...) subshell, so that
# the server stays our child and the EXIT trap can stop it).
start_nsock() {
  [ -x "$nsock" ] || { echo "bench: build first (./build.sh build); no $nsock" >&2; return 1; }
  "$nsock" listen -v -k --echo 127.0.0.1 0 </dev/null >/dev/null 2>"$tmp/stderr" &
  server=$!
  local line
  for _ in $(seq 500); do   # 10 s
    line=$(grep -m1 -o 'listening on 127\.0\.0\.1:[0-9]*' "$tmp/stderr" 2>/dev/null || true)
    [ -n "$line" ] && { port=${line##*:}; return 0; }
    kill -0 "$server" 2>/dev/null || break
    sleep 0.02
  done
  echo "bench: nsock did not report listening:" >&2; cat "$tmp/stderr" >&2; return 1
}

start_socat() { # the client retries its connect until socat listens
  command -v socat >/dev/null || { echo "bench: socat missing" >&2; return 1; }
  port=$(free_port)
  socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,nodelay" EXEC:cat </dev/null >/dev/null 2>&1 &
  server=$!
}

for tool in "$@"; do
  case $tool in
    nsock) start_nsock ;;
    socat) start_socat ;;
    *) echo "bench: unknown server $tool (nsock, socat)" >&2; exit 2 ;;
  esac
  read -r p50 p99 p999 min mean n < <(timeout 60 python3 bench/echo_client.py 127.0.0.1 "$port" \
    "$roundtrips" "$warmup" "$size" 10 || echo fail)
  stop_server
  [ "$p50" != fail ] || { echo "bench: $tool: client failed" >&2; exit 1; }
  printf '%-6s p50 %7.1f µs  p99 %7.1f µs  p99.9 %7.1f µs  (min %.1f, mean %.1f; %d x %d B)\n' \
    "$tool" "$p50" "$p99" "$p999" "$min" "$mean" "$n" "$size"
done
