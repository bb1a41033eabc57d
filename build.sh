#!/usr/bin/env bash
# nsock build entry point.
#   ./build.sh install   pack, install nsock as a global dotnet tool from the local package, run it
#   ./build.sh test      build everything, publish the Native AOT build, run every test (what CI runs)
#   ./build.sh pack      make the tool package in artifacts/packages
#   ./build.sh build     build only
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=${CONFIGURATION:-Release}

need_dotnet() {
  command -v dotnet >/dev/null || { echo "build.sh: the .NET 10 SDK is needed (dotnet not on PATH)" >&2; exit 1; }
}

# The end-to-end tests talk to real peers (and the Native AOT publish needs a C toolchain). As root
# on Debian/Ubuntu, install the missing ones; elsewhere say nothing: tests that need a missing peer
# fail and name it.
install_peers() {
  local missing=()
  { command -v python3 >/dev/null && [ -x /usr/bin/python3 ]; } || missing+=(python3)   # the other-user tests run /usr/bin/python3
  command -v socat >/dev/null || missing+=(socat)
  command -v ncat >/dev/null || missing+=(ncat)
  { command -v nc >/dev/null && nc -h 2>&1 | grep -q OpenBSD; } || missing+=(netcat-openbsd)
  command -v ip >/dev/null || missing+=(iproute2)        # IPv6 multicast test: veth in a private netns
  command -v unshare >/dev/null || missing+=(util-linux)
  [ -z "$(aot_rid)" ] || { command -v clang || command -v gcc; } >/dev/null || missing+=(clang zlib1g-dev) # Native AOT publish
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build.sh: installing test peers: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "build.sh: could not install ${missing[*]}" >&2
  fi
}

build() { need_dotnet; dotnet build nsock.sln -c "$configuration" -warnaserror --nologo -v quiet; }

pack() {
  need_dotnet
  rm -rf artifacts/packages
  dotnet pack src/Nsock/Nsock.csproj -c "$configuration" --nologo -v quiet -o artifacts/packages
}

install_tool() {
  pack
  dotnet tool uninstall --global nsock >/dev/null 2>&1 || true
  # dotnet's own output repeats a PATH hint at length; ours below says it once. Shown on failure.
  local output
  output=$(dotnet tool install --global nsock --add-source artifacts/packages --ignore-failed-sources 2>&1) \
    || { echo "$output" >&2; echo "build.sh: dotnet tool install failed" >&2; exit 1; }
  local tool="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools/nsock"
  echo "build.sh: installed; running it: nsock --version -> $("$tool" --version)" >&2
  case ":$PATH:" in
    *":$HOME/.dotnet/tools:"*) ;;
    *) echo "build.sh: ~/.dotnet/tools is not on PATH; add it: export PATH=\"\$PATH:\$HOME/.dotnet/tools\"" >&2 ;;
  esac
}

# The runtime identifier of a Native AOT build of nsock here, or nothing where the tests do not
# expect one (only Linux x64/arm64 do).
aot_rid() {
  [ "$(uname -s)" = Linux ] || return 0
  local libc=linux
  { ldd --version 2>&1 | grep -qi musl; } && libc=linux-musl
  case "$(uname -m)" in
    x86_64 | amd64) echo "$libc-x64" ;;
    aarch64 | arm64) echo "$libc-arm64" ;;
  esac
}

# Some end-to-end tests run the Native AOT build too (artifacts/aot/nsock, see NsockTool.AotPath).
# It is built in its own artifacts/aot-build, so src/Nsock's bin/obj (the framework-dependent
# build the other tests run) are left alone. Where the tests expect it, a failed publish fails
# the test run; a stale binary from an earlier run is removed first, never tested.
publish_aot() {
  rm -rf artifacts/aot
  local rid
  rid=$(aot_rid)
  if [ -z "$rid" ]; then
    echo "build.sh: no Native AOT build on $(uname -s) $(uname -m); its tests are skipped" >&2
    return 0
  fi
  if ! dotnet publish src/Nsock/Nsock.csproj -c "$configuration" -r "$rid" -p:PublishAot=true \
      --artifacts-path artifacts/aot-build -o artifacts/aot --nologo -v quiet; then
    echo "build.sh: FAILED: Native AOT publish for $rid (it needs a C toolchain: clang or gcc, and zlib1g-dev); the tests of the AOT build will fail" >&2
    return 1
  fi
  [ -x artifacts/aot/nsock ] || { echo "build.sh: FAILED: Native AOT publish made no artifacts/aot/nsock" >&2; return 1; }
}

run_tests() {
  need_dotnet
  install_peers
  build
  local failed=0
  publish_aot || failed=1
  for project in tests/Nsock.Tests tests/Nsock.EndToEnd; do
    dotnet test --project "$project" -c "$configuration" --no-build "$@" || failed=1
  done
  return $failed
}

case "${1:-}" in
  install) install_tool ;;
  test) shift; run_tests "$@" ;;
  pack) pack ;;
  build) build ;;
  *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
