<#
.SYNOPSIS
    Runs every tests/pester/*.Tests.ps1 in this (fresh) pwsh against the packaged module; writes a summary.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # A wildcard on the file names; default: $env:POSTHOGRUNBOOK_PESTER_FILTER, else every file.
    [string] $Filter = $env:POSTHOGRUNBOOK_PESTER_FILTER
)
if (-not $Filter) { $Filter = '*' }

$ErrorActionPreference = 'Stop'
Import-Module $PesterManifest -Force

# The test files read these: the package under test, and the tools the build restored.
$env:POSTHOGRUNBOOK_MODULE = (Resolve-Path $ModuleManifest).Path
$env:POSTHOGRUNBOOK_PESTER = (Resolve-Path $PesterManifest).Path

$configuration = New-PesterConfiguration
$configuration.Run.Path = @(Get-ChildItem -Path $PSScriptRoot -Filter "$Filter.Tests.ps1" | ForEach-Object FullName)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Should.ErrorAction = 'Stop'
$result = Invoke-Pester -Configuration $configuration

# A container that failed in BeforeAll counts as failed even though its tests never ran.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$summary = [ordered]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount
    FailedTests = @($result.Failed | ForEach-Object ExpandedPath)
}
$summary | ConvertTo-Json | Set-Content -LiteralPath $SummaryPath -Encoding utf8
if ($failed -gt 0) { exit 1 }
exit 0
