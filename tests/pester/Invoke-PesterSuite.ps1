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

$files = @(Get-ChildItem -Path $PSScriptRoot -Filter "$Filter.Tests.ps1" | ForEach-Object FullName)

# One prometheus for the whole run, when a selected file needs metrics: every world registers its lab's /metrics
# with it under a label of its own (LabWorlds.psm1), instead of each starting and warming up a server of its own.
Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
$prometheus = $null
if ($files | Where-Object { Select-String -LiteralPath $_ -Pattern 'Use-LabPrometheus' -SimpleMatch -Quiet }) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $prometheus = Start-LabPrometheus
    Publish-LabPrometheus $prometheus
    if ($prometheus.Available) { Write-Host ('Prometheus for every world: {0} (ready in {1:n1} s)' -f $prometheus.Url, $clock.Elapsed.TotalSeconds) }
}

$configuration = New-PesterConfiguration
$configuration.Run.Path = $files
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Should.ErrorAction = 'Stop'
try { $result = Invoke-Pester -Configuration $configuration }
finally { Stop-LabPrometheus $prometheus }

# Where the time went: per file and per Describe, its wall time and how much of it was set-up (BeforeAll and
# AfterAll: starting labs, waiting for prometheus) rather than tests. Pester's own block durations add up across a
# file, so the walls come from when each block started.
function Get-TestSeconds($Block) {
    $own = ($Block.Tests | Measure-Object -Property { $_.Duration.TotalSeconds } -Sum).Sum
    $nested = ($Block.Blocks | ForEach-Object { Get-TestSeconds $_ } | Measure-Object -Sum).Sum
    [double] $own + [double] $nested
}
$timings = foreach ($container in $result.Containers) {
    $blocks = @($container.Blocks | Where-Object Executed | Sort-Object ExecutedAt)
    $containerEnd = $container.ExecutedAt + $container.Duration
    $describes = @(for ($i = 0; $i -lt $blocks.Count; $i++) {
            $blockEnd = if ($i + 1 -lt $blocks.Count) { $blocks[$i + 1].ExecutedAt } else { $containerEnd }
            $wall = ($blockEnd - $blocks[$i].ExecutedAt).TotalSeconds
            $tests = Get-TestSeconds $blocks[$i]
            [pscustomobject]@{
                Name         = $blocks[$i].ExpandedName
                Seconds      = [math]::Round($wall, 1)
                SetUpSeconds = [math]::Round([math]::Max(0.0, $wall - $tests), 1)
            }
        })
    $fileSetUp = if ($blocks) { ($blocks[0].ExecutedAt - $container.ExecutedAt).TotalSeconds } else { 0 }
    [pscustomobject]@{
        File             = Split-Path -Leaf $container.Item
        Seconds          = [math]::Round($container.Duration.TotalSeconds, 1)
        FileSetUpSeconds = [math]::Round($fileSetUp, 1)
        Describes        = $describes
    }
}
Write-Host "`nPester time per file (set-up = BeforeAll/AfterAll, outside the tests):"
foreach ($file in $timings) {
    Write-Host ('{0,7:n1} s  {1}  (file BeforeAll {2:n1} s)' -f $file.Seconds, $file.File, $file.FileSetUpSeconds)
    foreach ($describe in $file.Describes) {
        Write-Host ('{0,7:n1} s      {1} (set-up {2:n1} s)' -f $describe.Seconds, $describe.Name, $describe.SetUpSeconds)
    }
}
Write-Host ('{0,7:n1} s  in all' -f $result.Duration.TotalSeconds)

# A container that failed in BeforeAll counts as failed even though its tests never ran.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
$summary = [ordered]@{
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount
    FailedTests = @($result.Failed | ForEach-Object ExpandedPath)
    Seconds = [math]::Round($result.Duration.TotalSeconds, 1)
    Timings = @($timings)
}
$summary | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $SummaryPath -Encoding utf8
if ($failed -gt 0) { exit 1 }
exit 0
