# nsock build entry point for Windows (PowerShell), mirroring build.sh.
#   ./build.ps1 install   pack and install nsock as a global dotnet tool from the local package
#   ./build.ps1 test      build everything and run every test
#   ./build.ps1 pack      make the tool package in artifacts/packages
#   ./build.ps1 build     build only
param([Parameter(Position = 0)][string]$Target = '', [Parameter(ValueFromRemainingArguments = $true)][string[]]$Rest)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'
$configuration = if ($env:CONFIGURATION) { $env:CONFIGURATION } else { 'Release' }

function Invoke-Checked([scriptblock]$Block) { & $Block; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }

function Build { Invoke-Checked { dotnet build nsock.sln -c $configuration -warnaserror --nologo -v quiet } }

function Pack {
    if (Test-Path artifacts/packages) { Remove-Item -Recurse -Force artifacts/packages }
    Invoke-Checked { dotnet pack src/Nsock/Nsock.csproj -c $configuration --nologo -v quiet -o artifacts/packages }
}

function Install-Tool {
    Pack
    dotnet tool uninstall --global nsock *> $null
    Invoke-Checked { dotnet tool install --global nsock --add-source artifacts/packages --ignore-failed-sources }
    $tools = Join-Path $HOME '.dotnet/tools'
    Write-Host "build.ps1: installed; running it: nsock --version -> $(& (Join-Path $tools 'nsock') --version)"
    if (-not ($env:PATH -split [IO.Path]::PathSeparator | Where-Object { $_ -eq $tools })) {
        Write-Warning "build.ps1: $tools is not on PATH; add it to use 'nsock'"
    }
}

function Test-All {
    Build
    $failed = $false
    foreach ($project in 'tests/Nsock.Tests', 'tests/Nsock.EndToEnd') {
        dotnet test --project $project -c $configuration --no-build @Rest
        if ($LASTEXITCODE -ne 0) { $failed = $true }
    }
    if ($failed) { exit 1 }
}

switch ($Target) {
    'install' { Install-Tool }
    'test' { Test-All }
    'pack' { Pack }
    'build' { Build }
    default { Get-Content $PSCommandPath | Select-Object -Skip 1 -First 5 | ForEach-Object { $_ -replace '^# ?', '' } | Write-Host; exit 2 }
}
