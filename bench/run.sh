#!/usr/bin/env bash
# The benchmark suite: nsock (framework-dependent and Native AOT) against socat, OpenBSD nc, ncat,
# nmap and python3 servers, measured side by side in one run. Run through `./build.sh bench`,
# which builds both nsock builds first. Each part alternates the tools round by round; the
# report gives medians, min-max and each nsock build's ratio to the best peer (above 1 favours
# nsock). Writes bench/results.md (machine, versions, the table, every raw measurement) and
# prints the table.
#
# Usage: bench/run.sh [PART...]   PART: bulk udp latency concurrency startup slow-reader probe
# Env:   ROUNDS (5), QUICK=1 (tiny sizes, to try the suite out; the figures then mean nothing),
#        NSOCK, NSOCK_AOT (the builds), BENCH_RESULTS (bench/results.md)
set -uo pipefail
cd "$(dirname "$0")/.."
export ROUNDS=${ROUNDS:-5} QUICK=${QUICK:-0}
export NSOCK=${NSOCK:-$PWD/src/Nsock/bin/Release/net10.0/nsock}
export NSOCK_AOT=${NSOCK_AOT:-$PWD/artifacts/aot/nsock}
results=${BENCH_RESULTS:-bench/results.md}
all=(bulk udp latency concurrency startup slow-reader probe)
[ $# -gt 0 ] || set -- "${all[@]}"

[ -x "$NSOCK" ] || { echo "bench: no nsock build at $NSOCK (run ./build.sh bench)" >&2; exit 1; }
[ -x "$NSOCK_AOT" ] || echo "bench: no Native AOT build at $NSOCK_AOT: measuring the framework-dependent build only" >&2

# The peers, installed with apt-get where missing (as root on Debian/Ubuntu), as the tests do.
missing=()
command -v socat >/dev/null || missing+=(socat)
{ command -v nc >/dev/null && nc -h 2>&1 | grep -q OpenBSD; } || missing+=(netcat-openbsd)
command -v ncat >/dev/null || missing+=(ncat)
command -v nmap >/dev/null || missing+=(nmap)
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v taskset >/dev/null || missing+=(util-linux)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "bench: could not install ${missing[*]}; their figures are left out" >&2
  else
    echo "bench: missing ${missing[*]}; their figures are left out" >&2
  fi
fi

export BENCH_TMP
BENCH_TMP=$(mktemp -d)
export BENCH_RAW="$BENCH_TMP/raw.tsv"
: >"$BENCH_RAW"
trap 'rm -rf "$BENCH_TMP"' EXIT

version() { "$@" 2>&1 | grep -m1 . | cut -c1-80; }
{
  echo "# nsock benchmarks"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run.sh $*\` (ROUNDS=$ROUNDS$([ "$QUICK" = 1 ] && echo ', QUICK=1: tiny sizes, figures meaningless')). Medians over the rounds, tools alternating round by round; \"vs best peer\" is nsock's ratio to the best other tool in the same figure, oriented so that above 1 favours nsock."
  echo
  echo "## Machine"
  echo
  echo "- $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "- $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) memory; Linux $(uname -r)"
  echo "- load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## Versions"
  echo
  echo "- nsock: $(version "$NSOCK" --version) (framework-dependent, $(version dotnet --version) SDK)"
  [ -x "$NSOCK_AOT" ] && echo "- nsock-aot: $(version "$NSOCK_AOT" --version) (Native AOT)"
  command -v socat >/dev/null && echo "- socat: $(socat -V 2>/dev/null | grep -m1 'socat version' | sed 's/^socat by .*//')"
  command -v nc >/dev/null && echo "- nc: OpenBSD netcat (Debian package $(dpkg-query -W -f '${Version}' netcat-openbsd 2>/dev/null))"
  command -v ncat >/dev/null && echo "- ncat: $(version ncat --version)"
  command -v nmap >/dev/null && echo "- nmap: $(version nmap --version)"
  echo "- python3: $(version python3 --version)"
  command -v hyperfine >/dev/null && echo "- hyperfine: $(version hyperfine --version)"
  echo
  echo "## Results"
} >"$BENCH_TMP/header.md"

failed=()
for part in "$@"; do
  script=bench/parts/$part.sh
  [ -x "$script" ] || { echo "bench: no part '$part' (parts: ${all[*]})" >&2; failed+=("$part"); continue; }
  echo "bench: === $part ===" >&2
  start=$(date +%s)
  "$script" || { echo "bench: part $part failed (exit $?); its figures may be incomplete" >&2; failed+=("$part"); }
  echo "bench: $part took $(($(date +%s) - start)) s" >&2
done

table=$(python3 bench/report.py "$BENCH_RAW")
{
  cat "$BENCH_TMP/header.md"
  echo "$table"
  [ ${#failed[@]} -eq 0 ] || printf '\nParts that failed or were cut short: %s\n' "${failed[*]}"
  echo
  echo "## Raw measurements"
  echo
  echo "part, figure, tool, value, unit, better, note: one line per round."
  echo
  echo '```'
  cat "$BENCH_RAW"
  echo '```'
} >"$results"
echo "$table"
echo "bench: written to $results" >&2
[ ${#failed[@]} -eq 0 ]
