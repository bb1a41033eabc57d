#!/usr/bin/env bash
# nsock build entry point.
#   ./build.sh install   pack, install nsock as a global dotnet tool from the local packages, run it
#   ./build.sh test      build everything, the tool packages too, run every test (what CI runs)
#   ./build.sh pack      make the tool packages in artifacts/packages (Native AOT on linux-x64)
#   ./build.sh build     build only
#   ./build.sh bench     the benchmarks against socat, nc, ncat, nmap (bench/README.md; not a test)
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

# The runtime identifier of a Native AOT build of nsock here, or nothing where none is made.
# Only linux-x64 has a native tool package (Native AOT compiles for the machine it runs on); the
# tests also publish one on linux-arm64 and musl.
aot_rid() {
  [ "$(uname -s)" = Linux ] || return 0
  local libc=linux
  { ldd --version 2>&1 | grep -qi musl; } && libc=linux-musl
  case "$(uname -m)" in
    x86_64 | amd64) echo "$libc-x64" ;;
    aarch64 | arm64) echo "$libc-arm64" ;;
  esac
}

# Native AOT links with the platform's C toolchain; as root on Debian/Ubuntu, install it.
need_aot_toolchain() {
  { command -v clang || command -v gcc; } >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build.sh: installing a C toolchain for the Native AOT build: clang zlib1g-dev" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang zlib1g-dev >/dev/null 2>&1 || true
  fi
  { command -v clang || command -v gcc; } >/dev/null
}

# The tool packages, in artifacts/packages (built in artifacts/pack-build, so that src's own
# bin/obj, which the tests run, are left alone):
#   nsock            the package users name: it points each platform at one of these two
#   nsock.linux-x64  Native AOT, what linux-x64 installs (made only on linux-x64)
#   nsock.any        framework-dependent, what every other platform installs
pack() {
  need_dotnet
  rm -rf artifacts/packages
  local common=(src/Nsock/Nsock.csproj -c "$configuration" --nologo -v quiet --artifacts-path artifacts/pack-build -o artifacts/packages)
  local native=yes
  if [ "$(aot_rid)" != linux-x64 ]; then
    native=no
  elif ! need_aot_toolchain; then
    echo "build.sh: no C toolchain (clang or gcc): packing only the portable package" >&2
    native=no
  fi
  # Without the native package, the pointer must not name it (the csproj names linux-x64 and any).
  [ $native = yes ] || common+=(-p:ToolPackageRuntimeIdentifiers=any)
  dotnet pack "${common[@]}"
  dotnet pack "${common[@]}" -r any
  if [ $native = yes ]; then
    dotnet pack "${common[@]}"  -r linux-x64 || { echo "build.sh: FAILED: the Native AOT package for linux-x64" >&2; return 1; }
  fi
}

# The binary of a tool package, unpacked: what `dotnet tool install` would put on disk.
unpack_tool() { # package-file path-in-package destination
  python3 - "$@" <<'PY'
import os, sys, zipfile
package, member, destination = sys.argv[1:]
os.makedirs(os.path.dirname(destination), exist_ok=True)
with zipfile.ZipFile(package) as z, open(destination, "wb") as out:
    out.write(z.read(member))
os.chmod(destination, 0o755)
PY
}

install_tool() {
  pack
  dotnet tool uninstall --global nsock >/dev/null 2>&1 || true
  # dotnet's own output repeats a PATH hint at length; ours below says it once. Shown on failure.
  local output
  output=$(dotnet tool install --global nsock --add-source artifacts/packages --ignore-failed-sources 2>&1) \
    || { echo "$output" >&2; echo "build.sh: dotnet tool install failed" >&2; exit 1; }
  local tool="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools/nsock"
  local kind="framework-dependent"
  case $(readlink -f "$tool") in */linux-x64/nsock) kind="Native AOT, linux-x64" ;; esac
  echo "build.sh: installed ($kind); running it: nsock --version -> $("$tool" --version)" >&2
  echo "build.sh: startup: $(startup_ms "$tool") ms per 'nsock --version' (mean of 20 runs)" >&2
  case ":$PATH:" in
    *":$HOME/.dotnet/tools:"*) ;;
    *) echo "build.sh: ~/.dotnet/tools is not on PATH; add it: export PATH=\"\$PATH:\$HOME/.dotnet/tools\"" >&2 ;;
  esac
}

startup_ms() {
  local start end
  "$1" --version >/dev/null # warm the page cache
  start=$(date +%s%N)
  for _ in $(seq 20); do "$1" --version >/dev/null; done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 20 / 1e6 }'
}

# The Native AOT build the tests run (NsockTool.AotPath): on linux-x64 the very binary of the
# native tool package; elsewhere on Linux, published for the tests. A stale binary from an
# earlier run is removed first, never tested; where the tests expect one, a failure fails the run.
aot_for_tests() {
  rm -rf artifacts/aot
  local rid
  rid=$(aot_rid)
  if [ -z "$rid" ]; then
    echo "build.sh: no Native AOT build on $(uname -s) $(uname -m); its tests are skipped" >&2
    return 0
  fi
  if [ "$rid" = linux-x64 ]; then
    pack || return 1
    local package
    package=$(ls artifacts/packages/nsock.linux-x64.*.nupkg 2>/dev/null | head -1)
    [ -n "$package" ] || { echo "build.sh: FAILED: no Native AOT package (it needs a C toolchain: clang or gcc, and zlib1g-dev)" >&2; return 1; }
    unpack_tool "$package" tools/any/linux-x64/nsock artifacts/aot/nsock
  elif need_aot_toolchain && dotnet publish src/Nsock/Nsock.csproj -c "$configuration" -r "$rid" \
      --artifacts-path artifacts/aot-build -o artifacts/aot --nologo -v quiet; then
    :
  else
    echo "build.sh: FAILED: Native AOT publish for $rid (it needs a C toolchain: clang or gcc, and zlib1g-dev)" >&2
    return 1
  fi
  [ -x artifacts/aot/nsock ] || { echo "build.sh: FAILED: no Native AOT build at artifacts/aot/nsock" >&2; return 1; }
}

# The builds for the other platforms, made here (the SDK cross-builds; Native AOT only for the
# host): warnings are errors, and the platform analyzer (CA1416) checks that no Linux-only call
# (netlink, splice, statx, /proc) and no libc call is reachable where it does not exist.
cross_builds() {
  local rid output failed=0
  for rid in osx-arm64 osx-x64 win-x64; do
    output=$(dotnet build src/Nsock/Nsock.csproj -c "$configuration" -r "$rid" -p:PublishAot=false \
      --artifacts-path "artifacts/cross/$rid" --nologo -v quiet -warnaserror 2>&1) \
      || { echo "$output" >&2; echo "build.sh: FAILED: the $rid build" >&2; failed=1; }
  done
  [ $failed = 0 ] && echo "build.sh: osx-arm64, osx-x64 and win-x64 build with no warning (CA1416 included)" >&2
  return $failed
}

# The Windows build (win-x64, self-contained, one file) and Wine to run it, for the tests that
# exchange data between it and the Linux build (WindowsBuildTests). As root on Debian/Ubuntu,
# Wine is installed when missing; elsewhere those tests are skipped, saying why.
windows_for_tests() {
  rm -rf artifacts/win
  if ! command -v wine >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build.sh: installing Wine for the Windows build's tests: wine64" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wine64 >/dev/null 2>&1 || true
  fi
  command -v wine >/dev/null || { echo "build.sh: no Wine here: the Windows build's tests are skipped" >&2; return 0; }
  dotnet publish src/Nsock/Nsock.csproj -c "$configuration" -r win-x64 --self-contained -p:PublishAot=false \
    -p:PublishTrimmed=true -p:PublishSingleFile=true --artifacts-path artifacts/win-build -o artifacts/win --nologo -v quiet >/dev/null \
    || { echo "build.sh: FAILED: the win-x64 publish" >&2; return 1; }
  # Never WINEDLLOVERRIDES=mscoree=: it stops every .NET program from loading (and exits 0).
  printf '#!/bin/sh\nexport WINEPREFIX="${WINEPREFIX:-%s}" WINEDEBUG=-all\nexec wine "%s" "$@"\n' \
    "$PWD/artifacts/wineprefix" "$PWD/artifacts/win/nsock.exe" > artifacts/win/nsock
  # Wine in the same prefix, for the tests' keeper of Wine's services (tests/Nsock.EndToEnd/WinePrefixKeeper.cs).
  printf '#!/bin/sh\nexport WINEPREFIX="${WINEPREFIX:-%s}" WINEDEBUG=-all\nexec wine "$@"\n' \
    "$PWD/artifacts/wineprefix" > artifacts/win/wine
  chmod 755 artifacts/win/nsock artifacts/win/wine
  artifacts/win/nsock --version >/dev/null 2>&1 || { echo "build.sh: FAILED: the Windows build does not start under Wine" >&2; return 1; }
}

# The portable tool package (nsock.any: framework-dependent nsock.dll), laid out as `dotnet tool
# install --global` lays it out on Windows, under Wine: tools/nsock.exe is the Windows apphost
# with the path of .store/.../nsock.dll written in (as the SDK writes a tool's shim), and
# DOTNET_ROOT is the Windows runtime and hostfxr from the runtime pack the win-x64 publish
# restored. No Windows dotnet.exe (SDK) is served here, so the layout is made by this script.
windows_portable_for_tests() {
  rm -rf artifacts/win-portable
  local package packs version runtime store
  package=$(ls artifacts/packages/nsock.any.*.nupkg 2>/dev/null | head -1)
  packs="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  version=$(ls "$packs/microsoft.netcore.app.runtime.win-x64" 2>/dev/null | sort -V | tail -1)
  if [ -z "$package" ] || [ -z "$version" ] || [ ! -d "$packs/microsoft.netcore.app.host.win-x64/$version" ]; then
    echo "build.sh: no portable package or Windows runtime pack: the portable package is not run under Wine" >&2
    return 0
  fi
  runtime="$packs/microsoft.netcore.app.runtime.win-x64/$version/runtimes/win-x64"
  local root=artifacts/win-portable/dotnet
  mkdir -p "$root/host/fxr/$version" "$root/shared/Microsoft.NETCore.App/$version"
  cp "$runtime/native/hostfxr.dll" "$root/host/fxr/$version/"
  cp "$runtime"/lib/net10.0/* "$runtime"/native/* "$root/shared/Microsoft.NETCore.App/$version/"
  rm "$root/shared/Microsoft.NETCore.App/$version/hostfxr.dll"
  local tool_version=${package##*/nsock.any.}; tool_version=${tool_version%.nupkg}
  store=".store/nsock/$tool_version/nsock/$tool_version/tools/net10.0/any"
  python3 - "$package" "artifacts/win-portable/tools" "$store" \
    "$packs/microsoft.netcore.app.host.win-x64/$version/runtimes/win-x64/native/apphost.exe" <<'PY'
import os, sys, zipfile
package, tools, store, apphost = sys.argv[1:]
with zipfile.ZipFile(package) as z:
    for member in z.namelist():
        if member.startswith("tools/net10.0/any/"):
            target = os.path.join(tools, store, os.path.basename(member))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(z.read(member))
shim = bytearray(open(apphost, "rb").read())
placeholder = b"c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"  # the SDK's, in a 1024-byte field
at = shim.index(placeholder)
path = (store.replace("/", "\\") + "\\nsock.dll").encode() + b"\0"
shim[at:at + max(len(path), len(placeholder))] = path.ljust(len(placeholder), b"\0")
with open(os.path.join(tools, "nsock.exe"), "wb") as out:
    out.write(shim)
PY
  # Wine hands Linux's environment to Windows programs: the Linux DOTNET_* (DOTNET_ROOT_X64 from
  # dotnet test, say) would point the Windows host at the Linux runtime.
  printf '#!/bin/sh\nfor v in $(env | sed -n "s/^\\(DOTNET_[A-Za-z0-9_]*\\)=.*/\\1/p"); do unset "$v"; done\nexport WINEPREFIX="${WINEPREFIX:-%s}" WINEDEBUG=-all DOTNET_ROOT='"'"'Z:%s'"'"'\nexec wine "%s" "$@"\n' \
    "$PWD/artifacts/wineprefix" "$(echo "$PWD/$root" | tr / '\\')" "$PWD/artifacts/win-portable/tools/nsock.exe" > artifacts/win-portable/nsock
  chmod 755 artifacts/win-portable/nsock
  artifacts/win-portable/nsock --version >/dev/null 2>&1 \
    || { echo "build.sh: FAILED: the portable package does not start under Wine" >&2; return 1; }
}

# The end-to-end suite a third time, against the Windows build under Wine. A test of what that
# platform lacks by nature (unix sockets under Wine, netlink, POSIX signals, /proc, setpriv) is
# skipped there with the reason (tests/Nsock.EndToEnd/ToolPlatform.cs); everything else must pass.
# The suite keeps one idle Wine program alive while it runs, so Wine's services and its wineserver
# stay up and never hold a test's stderr (tests/Nsock.EndToEnd/WinePrefixKeeper.cs).
windows_tests() {
  [ -x artifacts/win/nsock ] || return 0
  echo "build.sh: end-to-end tests, Windows build under Wine (artifacts/win/nsock)" >&2
  NSOCK_TOOL="$PWD/artifacts/win/nsock" NSOCK_TOOL_OS=windows \
    dotnet test --project tests/Nsock.EndToEnd -c "$configuration" --no-build "$@"
}

# PowerShell as a dotnet global tool (7.6: 7.7 may want .NET 11), for build.ps1.
need_pwsh() {
  command -v pwsh >/dev/null && return 0
  local tools="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools"
  [ -x "$tools/pwsh" ] || dotnet tool install --global PowerShell --version 7.6.9 >/dev/null 2>&1 || return 1
  export PATH="$PATH:$tools"
}

# Unit tests once; the end-to-end suite against the framework-dependent build, again against the
# Native AOT build, which is what linux-x64 installs, and a third time against the Windows build.
run_tests() {
  need_dotnet
  install_peers
  build
  local failed=0
  cross_builds || failed=1
  aot_for_tests || failed=1
  windows_for_tests || failed=1
  [ -x artifacts/win/nsock ] && { windows_portable_for_tests || failed=1; }
  dotnet test --project tests/Nsock.Tests -c "$configuration" --no-build "$@" || failed=1
  echo "build.sh: end-to-end tests, framework-dependent build" >&2
  dotnet test --project tests/Nsock.EndToEnd -c "$configuration" --no-build "$@" || failed=1
  if [ -x artifacts/aot/nsock ]; then
    echo "build.sh: end-to-end tests, Native AOT build (artifacts/aot/nsock)" >&2
    NSOCK_TOOL="$PWD/artifacts/aot/nsock" dotnet test --project tests/Nsock.EndToEnd -c "$configuration" --no-build "$@" || failed=1
  fi
  windows_tests "$@" || failed=1
  # build.ps1 is run for real, not only read: the same verbs under PowerShell, the whole test run too.
  if [ -z "${NSOCK_SKIP_PWSH:-}" ]; then
    echo "build.sh: build.ps1 under PowerShell: build, install, test" >&2
    if need_pwsh; then
      pwsh -NoProfile -File ./build.ps1 build >/dev/null || { echo "build.sh: FAILED: pwsh ./build.ps1 build" >&2; failed=1; }
      pwsh -NoProfile -File ./build.ps1 install || { echo "build.sh: FAILED: pwsh ./build.ps1 install" >&2; failed=1; }
      pwsh -NoProfile -File ./build.ps1 test "$@" || { echo "build.sh: FAILED: pwsh ./build.ps1 test" >&2; failed=1; }
    else
      echo "build.sh: FAILED: PowerShell could not be installed (dotnet tool install --global PowerShell)" >&2
      failed=1
    fi
  fi
  return $failed
}

case "${1:-}" in
  install) install_tool ;;
  test) shift; run_tests "$@" ;;
  pack) pack ;;
  bench) shift; install_peers; build; aot_for_tests; exec bench/run.sh "$@" ;;
  build) build ;;
  *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
