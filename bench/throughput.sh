#!/usr/bin/env bash
# Loopback TCP throughput: nsock against socat and OpenBSD nc, in the same run.
# Each tool is both server and client; SIZE_MB of zeros go client -> server -> /dev/null.
# Prints MB/s per tool and nsock's ratio to each. Usage: bench/throughput.sh [SIZE_MB] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1024}
rounds=${2:-3}
nsock=${NSOCK:-src/Nsock/bin/Release/net10.0/nsock}
[ -x "$nsock" ] || { echo "bench: build first (./build.sh build); no $nsock" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 200); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.05).close()" 2>/dev/null && return 0
    sleep 0.02
  done
  echo "bench: server on $1 did not come up" >&2; return 1
}

# The readiness probe connection would be served as the one client, so servers run with -k /
# fork-free keep-alive is not comparable; instead each server is started and the client retries.
run_one() { # tool -> seconds
  local tool=$1 port; port=$(free_port)
  case $tool in
    nsock) "$nsock" listen 127.0.0.1 "$port" </dev/null >/dev/null & ;;
    socat) socat -b 65536 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" - </dev/null >/dev/null & ;;
    nc) nc -l 127.0.0.1 "$port" </dev/null >/dev/null & ;;
  esac
  local server=$!
  local start end
  start=$(date +%s.%N)
  until case $tool in
      nsock) head -c "${size_mb}M" /dev/zero | "$nsock" connect 127.0.0.1 "$port" >/dev/null 2>&1 ;;
      socat) head -c "${size_mb}M" /dev/zero | socat -b 65536 - "TCP:127.0.0.1:$port" >/dev/null 2>&1 ;;
      nc) head -c "${size_mb}M" /dev/zero | nc -N 127.0.0.1 "$port" >/dev/null 2>&1 ;;
    esac
  do start=$(date +%s.%N); sleep 0.01; done
  wait "$server" || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

declare -A best
for tool in nsock socat nc; do
  command -v "${tool/nsock/$nsock}" >/dev/null 2>&1 || [ "$tool" = nsock ] || { echo "bench: $tool missing" >&2; continue; }
  for _ in $(seq "$rounds"); do
    t=$(run_one "$tool")
    if [ -z "${best[$tool]:-}" ] || (( $(echo "$t < ${best[$tool]}" | bc -l) )); then best[$tool]=$t; fi
  done
  printf '%-6s %8.1f MB/s (best of %d, %d MiB)\n' "$tool" "$(echo "$size_mb / ${best[$tool]}" | bc -l)" "$rounds" "$size_mb"
done
for peer in socat nc; do
  [ -n "${best[$peer]:-}" ] && printf 'nsock/%s throughput ratio: %.2f\n' "$peer" "$(echo "${best[$peer]} / ${best[nsock]}" | bc -l)"
done
