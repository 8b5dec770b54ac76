<#
.SYNOPSIS
    Measures the performance goals of DESIGN.md against the lab and writes bench/RESULTS.md.
    Run by `./build.ps1 Bench` (fresh pwsh, packaged module). Medians of several runs; ratios from one run.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $ResultsPath,
    [int] $Runs = 5,
    [int] $LatencyMs = 300
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$repository = Resolve-Path (Join-Path $PSScriptRoot '..')
Import-Module (Join-Path $repository 'tests/pester/LabHarness.psm1')
Import-Module (Join-Path $repository 'tests/pester/Prometheus.psm1')
Import-Module $ModuleManifest

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

function Measure-Median([int] $Count, [scriptblock] $Action) {
    $times = foreach ($i in 1..$Count) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Action | Out-Null
        $clock.Elapsed.TotalMilliseconds
    }
    [pscustomobject]@{ Median = Get-Median $times; All = $times }
}

function Format-Ms([double] $Ms) { '{0:0} ms' -f $Ms }

$pwsh = (Get-Process -Id $PID).Path
$pwshPrefix = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { 'pwsh' })
$results = [ordered]@{}
$notes = [System.Collections.Generic.List[string]]::new()
$machine = "$([Environment]::ProcessorCount) cores, $([math]::Round([double]((Get-Content /proc/meminfo -TotalCount 1) -replace '\D') / 1MB, 1)) GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), pwsh $($PSVersionTable.PSVersion)"

Write-Host '== 1. Import plus the first Get-PostHogStatus in a fresh pwsh' -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario healthy
try {
    $script = "`$clock = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModuleManifest'; Get-PostHogStatus -StatusPageUrl '$($lab.statusPage)' | Out-Null; `$clock.Elapsed.TotalMilliseconds"
    $coldTimes = foreach ($i in 1..$Runs) { [double] (& $pwsh @pwshPrefix -NoProfile -NonInteractive -Command $script) }
    $results['Import + first Get-PostHogStatus (fresh pwsh, in-process stopwatch)'] = [pscustomobject]@{ Measured = Format-Ms (Get-Median $coldTimes); Goal = '< 1500 ms'; Met = (Get-Median $coldTimes) -lt 1500 }
    $notes.Add('Import + first call is timed inside the fresh pwsh, from before Import-Module to the answer: the start of pwsh itself (about a second here) is not the module''s cost.')
}
finally { Stop-PostHogLab $lab }

Write-Host "== 2. Triage with every lab dependency $LatencyMs ms away" -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario us-outage -LatencyMs 0
$prometheus = Start-LabPrometheus -MetricsUrl "$($lab.app)/metrics"
try {
    Set-PostHogLabLatency $lab $LatencyMs
    $triage = @{
        StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; Region = 'US'
        KubeConfig = $lab.kubeconfig; PrometheusUrl = if ($prometheus.Available) { $prometheus.Url } else { $lab.deadUrl }; TimeoutSec = 20
    }
    Invoke-PostHogTriage @triage | Out-Null   # warm-up: JIT, TLS, connection pools
    $whole = Measure-Median $Runs { Invoke-PostHogTriage @triage }
    $alone = foreach ($check in 'StatusPage', 'PostHogApi', 'AppHealth', 'ErrorRate', 'Workload', 'ErrorLogs') {
        Invoke-PostHogTriage @triage -Check $check | Out-Null
        [pscustomobject]@{ Check = $check; Median = (Measure-Median $Runs { Invoke-PostHogTriage @triage -Check $check }).Median }
    }
    $slowest = $alone | Sort-Object Median -Descending | Select-Object -First 1

    # The runbook's quick triage, typed one after another: the status page, /health, the Prometheus query, the logs.
    $query = [uri]::EscapeDataString('sum by (status) (rate(posthog_errors_total[5m]))')
    $sequential = @"
curl -s '$($lab.statusPage)/api/v1/summary' > /dev/null
curl -s '$($lab.app)/health' > /dev/null
curl -s '$($triage.PrometheusUrl)/api/v1/query?query=$query' > /dev/null
kubectl --kubeconfig '$($lab.kubeconfig)' logs -l app=posthog-integration --since=5m | grep -i error > /dev/null
"@
    & bash -c $sequential   # warm-up: kubectl's discovery cache
    $manual = Measure-Median $Runs { & bash -c $sequential }

    $ratioSlowest = $whole.Median / $slowest.Median
    $ratioManual = $manual.Median / $whole.Median
    $results["Triage, all six checks, every lab dependency $LatencyMs ms away (median of $Runs)"] = [pscustomobject]@{ Measured = Format-Ms $whole.Median; Goal = '-'; Met = $null }
    foreach ($entry in $alone) {
        $results["  $($entry.Check) alone (-Check $($entry.Check))"] = [pscustomobject]@{ Measured = Format-Ms $entry.Median; Goal = '-'; Met = $null }
    }
    $results["Runbook commands one after another (curl x3, then kubectl logs piped to grep)"] = [pscustomobject]@{ Measured = Format-Ms $manual.Median; Goal = '-'; Met = $null }
    $results["Triage / slowest check alone ($($slowest.Check))"] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratioSlowest; Goal = '<= 1.3x'; Met = $ratioSlowest -le 1.3 }
    $results['Runbook commands one after another / triage'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratioManual; Goal = '>= 3x'; Met = $ratioManual -ge 3 }
    if (-not $prometheus.Available) { $notes.Add('prometheus was not installed: the ErrorRate check and the curl of the query hit a dead port.') }
    $notes.Add("Prometheus is the real server on loopback, not behind the lab's latency: both the triage and the runbook's curl reach it directly. The status page, PostHog, /health and the Kubernetes API each pay $LatencyMs ms per request.")
}
finally {
    Stop-LabPrometheus $prometheus
    Stop-PostHogLab $lab
}

Write-Host '== 3. A dependency that never answers' -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario unreachable
try {
    $timeoutSec = 3
    $hung = @{ StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; KubeConfig = $lab.kubeconfig; PrometheusUrl = $lab.deadUrl; TimeoutSec = $timeoutSec }
    Invoke-PostHogTriage @hung | Out-Null
    $stuck = Measure-Median 3 { Invoke-PostHogTriage @hung }
    $limit = ($timeoutSec + 1) * 1000
    $results["Triage with the status page and PostHog hanging, -TimeoutSec $timeoutSec (median of 3)"] = [pscustomobject]@{ Measured = Format-Ms $stuck.Median; Goal = "<= $limit ms"; Met = $stuck.Median -le $limit }
}
finally { Stop-PostHogLab $lab }

Write-Host '== 4. The lab serving 50 pods x 20 MiB of logs to 8 parallel readers' -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario healthy -Pods 50 -LogBytesPerPod (20MB)
try {
    $kubeconfig = Get-Content -Raw $lab.kubeconfig
    $authority = Join-Path $lab.StateDirectory 'ca.pem'
    [IO.File]::WriteAllBytes($authority, [Convert]::FromBase64String([regex]::Match($kubeconfig, 'certificate-authority-data:\s*(\S+)').Groups[1].Value))
    $token = [regex]::Match($kubeconfig, 'token:\s*(\S+)').Groups[1].Value
    $pods = (kubectl --kubeconfig $lab.kubeconfig get pods -l app=posthog-integration -o 'jsonpath={.items[*].metadata.name}') -split ' '
    $list = Join-Path $lab.StateDirectory 'pods.txt'
    $pods | Set-Content $list
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & bash -c "xargs -P 8 -I{} curl -s --cacert '$authority' -H 'Authorization: Bearer $token' -o /dev/null -w '%{size_download}\n' '$($lab.kubernetes)/api/v1/namespaces/posthog/pods/{}/log?container=integration' < '$list' > '$($lab.StateDirectory)/sizes.txt'"
    $clock.Stop()
    $bytes = (Get-Content "$($lab.StateDirectory)/sizes.txt" | Measure-Object -Sum).Sum
    $peak = [double]((Select-String -Path "/proc/$($lab.Process.Id)/status" -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value) / 1024
    $results["Lab peak memory (VmHWM) serving $($pods.Count) pods x 20 MiB to 8 parallel readers ($([math]::Round($bytes / 1MB)) MiB in $([math]::Round($clock.Elapsed.TotalSeconds, 1)) s)"] = [pscustomobject]@{ Measured = '{0:0} MB' -f $peak; Goal = '< 500 MB'; Met = $peak -lt 500 }
}
finally { Stop-PostHogLab $lab }

$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add('# Benchmarks')
$lines.Add('')
$lines.Add('Made by `dotnet tool restore && dotnet pwsh ./build.ps1 Bench` (bench/Invoke-Bench.ps1) against the packaged module and the lab.')
$lines.Add("Run: $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC on $machine. Medians of $Runs runs unless said; ratios come from one run. Never asserted in tests: these machines are noisy.")
$lines.Add('')
$lines.Add('| measure | result | goal | met |')
$lines.Add('| --- | --- | --- | --- |')
foreach ($entry in $results.GetEnumerator()) {
    $met = if ($null -eq $entry.Value.Met) { '' } elseif ($entry.Value.Met) { 'yes' } else { '**no**' }
    $lines.Add("| $($entry.Key) | $($entry.Value.Measured) | $($entry.Value.Goal) | $met |")
}
$lines.Add('')
foreach ($note in $notes) { $lines.Add("- $note") }
$lines | Set-Content -LiteralPath $ResultsPath -Encoding utf8
Get-Content $ResultsPath | Write-Host
