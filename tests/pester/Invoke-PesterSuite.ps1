<#
.SYNOPSIS
    Runs every tests/pester/*.Tests.ps1 against the packaged module in fresh pwsh workers; writes one summary for
    all of them, with each file's wall and CPU time (its own and the processes it started).
.DESCRIPTION
    The files run in -Workers fresh pwsh processes at once (default one per core, or
    $env:POSTHOGRUNBOOK_PESTER_WORKERS), each taking the next file from one queue, longest first (by the last run's
    times when out/ has them, else by size). Every worker shares the run's one prometheus and one lab server (each
    lab a world of its own inside it). Each file still runs
    whole in one process, so its BeforeAll/AfterAll and its Describe blocks keep their order.
    -Worker is internal: this same script run as one of those processes.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $SummaryPath,
    # A wildcard on the file names; default: $env:POSTHOGRUNBOOK_PESTER_FILTER, else every file.
    [string] $Filter = $env:POSTHOGRUNBOOK_PESTER_FILTER,
    # How many pwsh processes run files at once.
    # Default: one per core. With a process per lab the suite was CPU-bound on two cores and a second worker did not
    # pay; with the labs in one lab server a third of a file's time is waiting (rollouts, timeouts, prometheus'
    # scrapes), which another worker fills: on two cores Pester took 159 s with one worker, 112 s with two, 104 s
    # with three (same checkout, one run each).
    [int] $Workers = $(if ($env:POSTHOGRUNBOOK_PESTER_WORKERS) { [int] $env:POSTHOGRUNBOOK_PESTER_WORKERS } else { [math]::Max(1, [Environment]::ProcessorCount) }),
    # Internal: run as a worker on this queue folder.
    [string] $Worker
)
if (-not $Filter) { $Filter = '*' }

$ErrorActionPreference = 'Stop'

# Where the time went in one Pester result: per file and per Describe, its wall time and how much of it was set-up
# (BeforeAll and AfterAll: starting labs, waiting for prometheus) rather than tests. Pester's own block durations
# add up across a file, so the walls come from when each block started.
function Get-TestSeconds($Block) {
    $own = ($Block.Tests | Measure-Object -Property { $_.Duration.TotalSeconds } -Sum).Sum
    $nested = ($Block.Blocks | ForEach-Object { Get-TestSeconds $_ } | Measure-Object -Sum).Sum
    [double] $own + [double] $nested
}
function Get-FileTiming($Container) {
    $blocks = @($Container.Blocks | Where-Object Executed | Sort-Object ExecutedAt)
    $containerEnd = $Container.ExecutedAt + $Container.Duration
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
    $fileSetUp = if ($blocks) { ($blocks[0].ExecutedAt - $Container.ExecutedAt).TotalSeconds } else { 0 }
    [pscustomobject]@{
        File             = Split-Path -Leaf $Container.Item
        Seconds          = [math]::Round($Container.Duration.TotalSeconds, 1)
        FileSetUpSeconds = [math]::Round($fileSetUp, 1)
        Describes        = $describes
    }
}

# CPU seconds of this process and of its children that have ended (labs, fresh pwsh, kubectl): /proc/self/stat.
function Get-CpuSeconds {
    if (-not (Test-Path /proc/self/stat)) { return [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds }
    $fields = ((Get-Content -Raw /proc/self/stat) -replace '^.*\) ', '') -split ' '
    # After the command's name: utime, stime, cutime, cstime are fields 11-14 (counted from 0), in clock ticks (100 a second).
    ([double] $fields[11] + [double] $fields[12] + [double] $fields[13] + [double] $fields[14]) / 100
}

if ($Worker) {
    # One worker: claim the queue's files one at a time (the first to create N.claim runs file N), run each whole.
    Import-Module $PesterManifest -Force
    $queue = @(Get-Content -Raw (Join-Path $Worker 'queue.json') | ConvertFrom-Json)
    $passed = 0; $failed = 0; $skipped = 0; $failedTests = @(); $timings = @()
    for ($i = 0; $i -lt $queue.Count; $i++) {
        try { [IO.File]::Open((Join-Path $Worker "$i.claim"), 'CreateNew', 'Write').Dispose() }
        catch [IO.IOException] { continue }
        $configuration = New-PesterConfiguration
        $configuration.Run.Path = @($queue[$i])
        $configuration.Run.PassThru = $true
        $configuration.Output.Verbosity = 'Detailed'
        $configuration.Should.ErrorAction = 'Stop'
        $cpuBefore = Get-CpuSeconds
        $result = Invoke-Pester -Configuration $configuration
        $cpu = [math]::Round((Get-CpuSeconds) - $cpuBefore, 1)
        # A container that failed in BeforeAll counts as failed even though its tests never ran.
        $passed += $result.PassedCount
        $failed += $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
        $skipped += $result.SkippedCount + $result.NotRunCount + $result.InconclusiveCount
        $failedTests += @($result.Failed | ForEach-Object ExpandedPath)
        if ($result.FailedContainersCount -gt 0) { $failedTests += "$(Split-Path -Leaf $queue[$i]) (the file itself: BeforeAll or discovery)" }
        $timings += @($result.Containers | ForEach-Object { Get-FileTiming $_ } | Add-Member -PassThru CpuSeconds $cpu)
    }
    [ordered]@{ Passed = $passed; Failed = $failed; Skipped = $skipped; FailedTests = @($failedTests); Timings = @($timings) } |
        ConvertTo-Json -Depth 5 | Set-Content -LiteralPath (Join-Path $Worker "result-$PID.json") -Encoding utf8
    exit 0
}

# The test files read these: the package under test, and the tools the build restored (the workers inherit them).
$env:POSTHOGRUNBOOK_MODULE = (Resolve-Path $ModuleManifest).Path
$env:POSTHOGRUNBOOK_PESTER = (Resolve-Path $PesterManifest).Path

$files = @(Get-ChildItem -Path $PSScriptRoot -Filter "$Filter.Tests.ps1")
$clock = [Diagnostics.Stopwatch]::StartNew()

# Longest first, so that no long file starts last: the last run's seconds per file when out/ has them, else size.
$history = Join-Path (Split-Path $SummaryPath) 'pester-file-seconds.json'
$lastSeconds = @{}
if (Test-Path -LiteralPath $history) {
    try { (Get-Content -Raw -LiteralPath $history | ConvertFrom-Json).PSObject.Properties | ForEach-Object { $lastSeconds[$_.Name] = [double] $_.Value } }
    catch { Write-Warning "Ignoring $history (unreadable: $_)." }
}
# A file new since the last run counts as a long one (30 s and its size), so it does not start last either.
$ordered = @($files | Sort-Object -Descending { if ($lastSeconds.ContainsKey($_.Name)) { $lastSeconds[$_.Name] } else { 30 + $_.Length / 1e3 } })

# One prometheus for the whole run, when a selected file needs metrics: every world registers its lab's /metrics
# with it under a label of its own (LabWorlds.psm1), instead of each starting and warming up a server of its own.
Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
$prometheus = $null
if ($files | Where-Object { Select-String -LiteralPath $_.FullName -Pattern 'Use-LabPrometheus' -SimpleMatch -Quiet }) {
    $prometheus = Start-LabPrometheus
    Publish-LabPrometheus $prometheus
    if ($prometheus.Available) { Write-Host ('Prometheus for every world: {0} (ready in {1:n1} s)' -f $prometheus.Url, $clock.Elapsed.TotalSeconds) }
}

# One lab server for the whole run: the test files' labs are hosted in it (LabHarness.psm1) rather than each being a
# process of its own that pays the runtime's start and JIT again (~1.2 s CPU per lab, ~45 labs).
Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
$labServer = Start-PostHogLabServer
Publish-PostHogLabServer $labServer
Write-Host ('Lab server for every lab: {0}' -f $labServer.Url)

$Workers = [math]::Max(1, [math]::Min($Workers, $ordered.Count))
$queueFolder = Join-Path ([IO.Path]::GetTempPath()) ('posthog-pester-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $queueFolder
ConvertTo-Json -InputObject @($ordered.FullName) | Set-Content -LiteralPath (Join-Path $queueFolder 'queue.json') -Encoding utf8

# The workers are this pwsh again (dotnet + pwsh.dll, or the pwsh executable), started fresh.
$pwshPath = (Get-Process -Id $PID).Path
$pwshPrefix = @(if ((Split-Path -Leaf $pwshPath) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })
Write-Host ("Pester: {0} files in {1} workers at once ({2})" -f $ordered.Count, $Workers, (($ordered | ForEach-Object { $_.BaseName -replace '\.Tests$' }) -join ', '))
$processes = @()
try {
    $processes = @(for ($w = 1; $w -le $Workers; $w++) {
            $arguments = @($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-ModuleManifest', $ModuleManifest,
                '-PesterManifest', $PesterManifest, '-SummaryPath', $SummaryPath, '-Worker', $queueFolder)
            # Start-Process joins the arguments with spaces: quote the ones that have any.
            $quoted = @($arguments | ForEach-Object { if ($_ -match '\s') { '"{0}"' -f $_ } else { $_ } })
            # One worker writes straight to the console, as the tests run; several each to a file, shown whole below.
            $redirect = if ($Workers -gt 1) { @{ RedirectStandardOutput = (Join-Path $queueFolder "worker-$w.log"); RedirectStandardError = (Join-Path $queueFolder "worker-$w.err") } } else { @{} }
            $process = Start-Process -FilePath $pwshPath -ArgumentList $quoted -NoNewWindow -PassThru @redirect
            [pscustomobject]@{ Number = $w; Process = $process }
        })
    foreach ($entry in $processes) { $entry.Process.WaitForExit() }
}
finally {
    foreach ($entry in $processes) { if (-not $entry.Process.HasExited) { $entry.Process.Kill($true) } }
    Stop-LabPrometheus $prometheus
    Stop-PostHogLabServer $labServer
}

# Each worker's output whole, one after the other: a file's lines stay together.
foreach ($entry in $processes | Where-Object { $Workers -gt 1 }) {
    Write-Host "`n===== Pester worker $($entry.Number) (exit code $($entry.Process.ExitCode))"
    Get-Content -LiteralPath (Join-Path $queueFolder "worker-$($entry.Number).log") -ErrorAction Ignore | Out-Host
    $errors = Get-Content -LiteralPath (Join-Path $queueFolder "worker-$($entry.Number).err") -ErrorAction Ignore
    if ($errors) { $errors | Out-Host }
}

$results = @(Get-ChildItem -LiteralPath $queueFolder -Filter 'result-*.json' | ForEach-Object { Get-Content -Raw -LiteralPath $_.FullName | ConvertFrom-Json })
$claimed = @(Get-ChildItem -LiteralPath $queueFolder -Filter '*.claim').Count
$passed = 0; $failed = 0; $skipped = 0; $failedTests = @(); $timings = @()
foreach ($result in $results) {
    $passed += $result.Passed; $failed += $result.Failed; $skipped += $result.Skipped
    $failedTests += @($result.FailedTests); $timings += @($result.Timings)
}
# A worker that died took its files' results with it: each such file counts as one failure, by name.
$missing = @($ordered | Where-Object { $_.Name -notin @($timings.File) })
foreach ($file in $missing) { $failed++; $failedTests += "$($file.Name) (no result: its worker died)" }
if ($results.Count -lt $processes.Count) { Write-Host "$($processes.Count - $results.Count) Pester worker(s) wrote no result ($claimed of $($ordered.Count) files claimed)." -ForegroundColor Red }
Remove-Item -Recurse -Force -ErrorAction Ignore $queueFolder

Write-Host "`nPester time per file, in the order they started (set-up = BeforeAll/AfterAll, outside the tests):"
foreach ($file in $timings) {
    Write-Host ('{0,7:n1} s  {1}  (file BeforeAll {2:n1} s; CPU {3:n1} s with the processes it started)' -f $file.Seconds, $file.File, $file.FileSetUpSeconds, $file.CpuSeconds)
    foreach ($describe in $file.Describes) {
        Write-Host ('{0,7:n1} s      {1} (set-up {2:n1} s)' -f $describe.Seconds, $describe.Name, $describe.SetUpSeconds)
    }
}
$sum = ($timings | Measure-Object -Property Seconds -Sum).Sum
Write-Host ('{0,7:n1} s  in all ({1:n1} s of files in {2} workers)' -f $clock.Elapsed.TotalSeconds, $sum, $processes.Count)
if ($failedTests) { Write-Host "Failed:`n  $($failedTests -join "`n  ")" -ForegroundColor Red }

# The next run's order: these seconds, merged over what a filtered run did not run.
foreach ($file in $timings) { $lastSeconds[$file.File] = $file.Seconds }
try { $lastSeconds | ConvertTo-Json | Set-Content -LiteralPath $history -Encoding utf8 } catch { Write-Warning "Could not keep the run's times in ${history}: $_" }

$summary = [ordered]@{
    Passed      = $passed
    Failed      = $failed
    Skipped     = $skipped
    FailedTests = @($failedTests)
    Seconds     = [math]::Round($clock.Elapsed.TotalSeconds, 1)
    Timings     = @($timings)
}
$summary | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $SummaryPath -Encoding utf8
if ($failed -gt 0) { exit 1 }
exit 0
