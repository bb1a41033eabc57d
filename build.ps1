# nsock build entry point for PowerShell (Windows, and pwsh anywhere), with build.sh's verbs.
#   ./build.ps1 install   pack, install nsock as a global dotnet tool from the local packages, run it
#   ./build.ps1 test      build everything, the tool packages too, run every test
#   ./build.ps1 pack      make the tool packages in artifacts/packages (Native AOT on linux-x64)
#   ./build.ps1 build     build only
#   ./build.ps1 bench     the benchmarks (bench/run.sh: needs bash, socat, nc; Linux)
param([Parameter(Position = 0)][string]$Target = '', [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'; $env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }

function Say([string]$Text) { [Console]::Error.WriteLine("build.ps1: $Text") }

# Runs a native command; its failure stops the script with its exit code.
function Invoke-Checked([scriptblock]$Block) { & $Block; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }

function Need-Dotnet {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { Say 'the .NET 10 SDK is needed (dotnet not on PATH)'; exit 1 }
}

function Build { Need-Dotnet; Invoke-Checked { dotnet build nsock.sln -c $configuration -warnaserror --nologo -v quiet } }

# The runtime identifier of the native tool package made here: only linux-x64 has one (Native
# AOT compiles for the machine it runs on, and the package is built where CI runs).
function Native-Rid {
    if ($IsLinux -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64') { return 'linux-x64' }
    return $null
}

function Has-CToolchain { return [bool](Get-Command clang -ErrorAction SilentlyContinue) -or [bool](Get-Command gcc -ErrorAction SilentlyContinue) }

# The tool packages in artifacts/packages, as build.sh makes them: the pointer package nsock,
# nsock.any (framework-dependent, every platform) and nsock.linux-x64 (Native AOT, linux-x64).
function Pack {
    Need-Dotnet
    if (Test-Path artifacts/packages) { Remove-Item -Recurse -Force artifacts/packages }
    $common = @('src/Nsock/Nsock.csproj', '-c', $configuration, '--nologo', '-v', 'quiet', '--artifacts-path', 'artifacts/pack-build', '-o', 'artifacts/packages')
    $native = Native-Rid
    if ($native -and -not (Has-CToolchain)) { Say 'no C toolchain (clang or gcc): packing only the portable package'; $native = $null }
    if (-not $native) { $common += '-p:ToolPackageRuntimeIdentifiers=any' }
    Invoke-Checked { dotnet pack @common }
    Invoke-Checked { dotnet pack @common -r any }
    if ($native) { Invoke-Checked { dotnet pack @common -r $native } }
}

function Install-Tool {
    Pack
    dotnet tool uninstall --global nsock *> $null
    $output = dotnet tool install --global nsock --add-source artifacts/packages --ignore-failed-sources 2>&1
    if ($LASTEXITCODE -ne 0) { $output | Write-Host; Say 'dotnet tool install failed'; exit 1 }
    $tools = Join-Path $HOME '.dotnet/tools'
    $tool = Join-Path $tools ($IsWindows ? 'nsock.exe' : 'nsock')
    $target = (Get-Item $tool).ResolvedTarget ?? $tool
    $kind = $target -match 'linux-x64[\\/]nsock$' ? 'Native AOT, linux-x64' : 'framework-dependent'
    Say "installed ($kind); running it: nsock --version -> $(& $tool --version)"
    if (-not ($env:PATH -split [IO.Path]::PathSeparator | Where-Object { $_ -eq $tools })) {
        Say "$tools is not on PATH; add it to use 'nsock'"
    }
}

# The builds for the other platforms (the SDK cross-builds; Native AOT only for the host), with
# warnings as errors: the platform analyzer (CA1416) checks every Linux-only and libc call.
function Cross-Builds {
    $failed = $false
    foreach ($rid in 'osx-arm64', 'osx-x64', 'win-x64') {
        $output = dotnet build src/Nsock/Nsock.csproj -c $configuration -r $rid -p:PublishAot=false --artifacts-path "artifacts/cross/$rid" --nologo -v quiet -warnaserror 2>&1
        if ($LASTEXITCODE -ne 0) { $output | Write-Host; Say "FAILED: the $rid build"; $failed = $true }
    }
    if (-not $failed) { Say 'osx-arm64, osx-x64 and win-x64 build with no warning (CA1416 included)' }
    return -not $failed
}

# The Native AOT binary the end-to-end tests run a second time (NsockTool.AotPath): the very
# binary of the linux-x64 tool package. Elsewhere there is none, and its tests are skipped.
function Aot-For-Tests {
    if (Test-Path artifacts/aot) { Remove-Item -Recurse -Force artifacts/aot }
    if ((Native-Rid) -ne 'linux-x64') { Say "no Native AOT build on $([Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier); its tests are skipped"; return $true }
    Pack
    $package = Get-ChildItem artifacts/packages -Filter 'nsock.linux-x64.*.nupkg' | Select-Object -First 1
    if (-not $package) { Say 'FAILED: no Native AOT package (it needs a C toolchain: clang or gcc, and zlib1g-dev)'; return $false }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
    try {
        New-Item -ItemType Directory -Force artifacts/aot | Out-Null
        [IO.Compression.ZipFileExtensions]::ExtractToFile($zip.GetEntry('tools/any/linux-x64/nsock'), (Join-Path $PWD 'artifacts/aot/nsock'), $true)
    }
    finally { $zip.Dispose() }
    Invoke-Checked { chmod 755 artifacts/aot/nsock }
    return $true
}

# Unit tests once; the end-to-end suite against the framework-dependent build and, where there
# is one, again against the Native AOT build.
function Test-All {
    Build
    $failed = -not (Cross-Builds)
    if (-not (Aot-For-Tests)) { $failed = $true }
    dotnet test --project tests/Nsock.Tests -c $configuration --no-build @Rest
    if ($LASTEXITCODE -ne 0) { $failed = $true }
    Say 'end-to-end tests, framework-dependent build'
    dotnet test --project tests/Nsock.EndToEnd -c $configuration --no-build @Rest
    if ($LASTEXITCODE -ne 0) { $failed = $true }
    if (Test-Path artifacts/aot/nsock) {
        Say 'end-to-end tests, Native AOT build (artifacts/aot/nsock)'
        $env:NSOCK_TOOL = Join-Path $PWD 'artifacts/aot/nsock'
        try { dotnet test --project tests/Nsock.EndToEnd -c $configuration --no-build @Rest; if ($LASTEXITCODE -ne 0) { $failed = $true } }
        finally { Remove-Item Env:NSOCK_TOOL }
    }
    if ($failed) { exit 1 }
}

function Bench {
    if (-not $IsLinux -or -not (Get-Command bash -ErrorAction SilentlyContinue)) { Say 'the benchmarks run on Linux (bash, socat, nc, ncat): see bench/README.md'; exit 2 }
    Invoke-Checked { bash ./build.sh bench @Rest }
}

switch ($Target) {
    'install' { Install-Tool }
    'test' { Test-All }
    'pack' { Pack }
    'build' { Build }
    'bench' { Bench }
    default { Get-Content $PSCommandPath | Select-Object -Skip 1 -First 6 | ForEach-Object { $_ -replace '^# ?', '' } | ForEach-Object { [Console]::Error.WriteLine($_) }; exit 2 }
}
