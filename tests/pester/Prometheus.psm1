<#
    Runs Debian's real `prometheus` for tests: one server scrapes every registered lab's /metrics every second, each
    under its own `world` label, through file-based discovery (a folder of target files that worlds add themselves
    to). Its TSDB lives in a temp folder, it listens on a loopback port of its own.

    The Pester suite starts one server for the whole run (Invoke-PesterSuite.ps1) and hands it to the test files in
    the environment; Use-LabPrometheus returns it (or starts a private one when a file runs on its own).
    Add-LabPrometheusTarget registers a world, Wait-LabPrometheusTarget returns once the runbook's query has data
    for every world named (one wait for a batch), Remove-LabPrometheusTarget forgets one.
    Start-LabPrometheus -MetricsUrl is the one-lab form the demo and the bench use.

    Without prometheus on PATH the server object says so in .Reason (Available = $false) instead of throwing,
    so a test can Set-ItResult -Skipped -Because $prometheus.Reason.
#>
Set-StrictMode -Version 3.0

# Where Invoke-PesterSuite.ps1 leaves the run's server for the test files.
$script:SharedUrlVariable = 'POSTHOGRUNBOOK_PROMETHEUS_URL'
$script:SharedTargetsVariable = 'POSTHOGRUNBOOK_PROMETHEUS_TARGETS'
$script:SharedReasonVariable = 'POSTHOGRUNBOOK_PROMETHEUS_REASON'
$script:ReadyQuery = 'rate(posthog_errors_total[5m])'

function Get-FreeLoopbackPort {
    # Ephemeral-ish: the OS picks a free port, we release it and hand it to prometheus (a retry covers the race).
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function New-UnavailablePrometheus([string] $Reason) {
    [pscustomobject]@{ Available = $false; Reason = $Reason; Url = $null; Port = 0; Process = $null; Directory = $null; TargetDirectory = $null; Owned = $false }
}

function Get-LabPrometheusLog {
    param([Parameter(Mandatory)] $Prometheus, [int] $Tail = 20)
    if (-not $Prometheus.Directory) { return '' }
    $log = Join-Path $Prometheus.Directory 'prometheus.log'
    if (Test-Path $log) { (Get-Content -Tail $Tail $log) -join "`n" } else { '' }
}

function Invoke-LabPrometheusQuery {
    <# An instant query through /api/v1/query; returns data.result (an empty array when there is no data yet). #>
    param([Parameter(Mandatory)] $Prometheus, [Parameter(Mandatory)] [string] $Query)
    $uri = "$($Prometheus.Url)/api/v1/query?query=$([uri]::EscapeDataString($Query))"
    $answer = Invoke-RestMethod -Uri $uri -TimeoutSec 5
    if ($answer.status -ne 'success') { throw "Prometheus answered $($answer.status) to ${Query}: $($answer.error)" }
    @($answer.data.result)
}

function Get-LabPrometheusSelector {
    <# The label matchers that pick one world's series: what -MetricsSelector gets, and what test queries add. #>
    param([Parameter(Mandatory)] [string] $World)
    "world=`"$World`""
}

function Start-LabPrometheus {
    <#
    .SYNOPSIS
        Starts prometheus with an empty folder of scrape targets; with -MetricsUrl, registers that one lab (world
        'lab') and returns once the runbook's query has data for it.
    .OUTPUTS
        Url, Port, Process, Directory, TargetDirectory, Available ($true), Reason ($null), Owned ($true);
        or Available = $false with the Reason.
    #>
    [CmdletBinding()]
    param(
        [string] $MetricsUrl,
        [int] $ReadyTimeoutSec = 60
    )
    $binary = Get-Command prometheus -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $binary) {
        $reason = "prometheus is not on PATH: install Debian's package (apt-get install prometheus) to run the metrics tests"
        Write-Warning $reason
        return New-UnavailablePrometheus $reason
    }

    $directory = Join-Path ([IO.Path]::GetTempPath()) ('lab-prometheus-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    $targets = Join-Path $directory 'targets'
    New-Item -ItemType Directory -Path (Join-Path $directory 'data'), $targets | Out-Null
    $config = Join-Path $directory 'prometheus.yml'
    # Discovery is by file: a world's target file appears, prometheus sees it (inotify, else the refresh) and
    # scrapes it within a few seconds. No rules, so no evaluation to wait for.
    @"
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: posthog-lab
    file_sd_configs:
      - files: ['$targets/*.json']
        refresh_interval: 1s
"@ | Set-Content -LiteralPath $config -Encoding utf8

    $lastError = $null
    foreach ($attempt in 1..3) {
        $port = Get-FreeLoopbackPort
        $arguments = @(
            "--config.file=$config",
            "--storage.tsdb.path=$(Join-Path $directory 'data')",
            "--web.listen-address=127.0.0.1:$port",
            '--storage.tsdb.retention.time=2h',
            '--log.level=warn'
        )
        # exec: the process we hold is prometheus itself, so stopping it by its id stops prometheus.
        $quoted = ($arguments | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
        $start = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $start.ArgumentList.Add('-c')
        $start.ArgumentList.Add("exec '$($binary.Source)' $quoted >> '$directory/prometheus.log' 2>&1")
        $start.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($start)
        $prometheus = [pscustomobject]@{
            Available = $true; Reason = $null; Url = "http://127.0.0.1:$port"; Port = $port
            Process = $process; Directory = $directory; TargetDirectory = $targets; Owned = $true
        }

        $deadline = [DateTime]::UtcNow.AddSeconds($ReadyTimeoutSec)
        $ready = $false
        while (-not $ready -and [DateTime]::UtcNow -lt $deadline -and -not $process.HasExited) {
            try { $ready = (Invoke-WebRequest -Uri "$($prometheus.Url)/-/ready" -TimeoutSec 2 -SkipHttpErrorCheck).StatusCode -eq 200 }
            catch { $lastError = $_ }
            if (-not $ready) { Start-Sleep -Milliseconds 100 }
        }

        if ($ready) {
            if ($MetricsUrl) {
                try {
                    Add-LabPrometheusTarget $prometheus -World lab -MetricsUrl $MetricsUrl
                    Wait-LabPrometheusTarget $prometheus -World lab -TimeoutSec $ReadyTimeoutSec
                }
                catch { Stop-LabPrometheus $prometheus; throw }
            }
            return $prometheus
        }

        $log = Get-LabPrometheusLog $prometheus
        if (-not $process.HasExited) {
            Stop-LabPrometheus $prometheus
            throw "prometheus was not ready within $ReadyTimeoutSec s. Last error: $lastError`n$log"
        }
        # It exited: most likely the port was taken between our probe and its bind. Try another.
        $lastError = "prometheus exited with $($process.ExitCode): $log"
        $process.Dispose()
    }

    Remove-Item -Recurse -Force -ErrorAction Ignore $directory
    throw "prometheus would not start: $lastError"
}

function Publish-LabPrometheus {
    <# Hands the run's server to the test files (Invoke-PesterSuite.ps1): they find it with Use-LabPrometheus. #>
    param([Parameter(Mandatory)] $Prometheus)
    if ($Prometheus.Available) {
        [Environment]::SetEnvironmentVariable($script:SharedUrlVariable, $Prometheus.Url)
        [Environment]::SetEnvironmentVariable($script:SharedTargetsVariable, $Prometheus.TargetDirectory)
        [Environment]::SetEnvironmentVariable($script:SharedReasonVariable, $null)
    }
    else {
        [Environment]::SetEnvironmentVariable($script:SharedUrlVariable, $null)
        [Environment]::SetEnvironmentVariable($script:SharedTargetsVariable, $null)
        [Environment]::SetEnvironmentVariable($script:SharedReasonVariable, $Prometheus.Reason)
    }
}

function Use-LabPrometheus {
    <#
    .SYNOPSIS
        The run's shared server when the suite started one (Owned = $false: Stop-LabPrometheus leaves it running);
        else a private one for this file (Owned = $true), or an unavailable one with the reason.
    #>
    [CmdletBinding()]
    param()
    $url = [Environment]::GetEnvironmentVariable($script:SharedUrlVariable)
    if ($url) {
        return [pscustomobject]@{
            Available = $true; Reason = $null; Url = $url; Port = ([uri] $url).Port; Process = $null; Directory = $null
            TargetDirectory = [Environment]::GetEnvironmentVariable($script:SharedTargetsVariable); Owned = $false
        }
    }
    $reason = [Environment]::GetEnvironmentVariable($script:SharedReasonVariable)
    if ($reason) {
        Write-Warning $reason
        return New-UnavailablePrometheus $reason
    }
    Start-LabPrometheus
}

function Add-LabPrometheusTarget {
    <# Registers a lab's /metrics under world=<World>; prometheus starts scraping it within seconds. #>
    param(
        [Parameter(Mandatory, Position = 0)] $Prometheus,
        [Parameter(Mandatory)] [string] $World,
        [Parameter(Mandatory)] [string] $MetricsUrl
    )
    if (-not $Prometheus.Available) { return }
    $target = [uri] $MetricsUrl
    $group = @(@{ targets = @($target.Authority); labels = @{ world = $World; __metrics_path__ = $target.AbsolutePath; __scheme__ = $target.Scheme } })
    $file = Join-Path $Prometheus.TargetDirectory "$World.json"
    # Written aside and renamed: prometheus never reads half a file.
    $partial = Join-Path $Prometheus.TargetDirectory ".$World.partial"
    ConvertTo-Json -InputObject $group -Depth 5 | Set-Content -LiteralPath $partial -Encoding utf8
    Move-Item -LiteralPath $partial -Destination $file -Force
}

function Wait-LabPrometheusTarget {
    <#
    .SYNOPSIS
        Returns once the runbook's query, rate(posthog_errors_total[5m]), has data for every world named: one wait
        for a whole batch of worlds registered together, never longer than the slowest of them needs.
    #>
    param(
        [Parameter(Mandatory, Position = 0)] $Prometheus,
        [Parameter(Mandatory)] [string[]] $World,
        [int] $TimeoutSec = 60
    )
    if (-not $Prometheus.Available) { return }
    $pattern = ($World | ForEach-Object { [regex]::Escape($_) }) -join '|'
    $query = "count by (world) (rate(posthog_errors_total{world=~`"$pattern`"}[5m]))"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $lastError = $null
    $waiting = $World
    while ($true) {
        try {
            $ready = @(Invoke-LabPrometheusQuery $Prometheus $query | ForEach-Object { $_.metric.world })
            $waiting = @($World | Where-Object { $_ -notin $ready })
            if ($waiting.Count -eq 0) { return }
        }
        catch { $lastError = $_ }
        if ([DateTime]::UtcNow -gt $deadline) { break }
        Start-Sleep -Milliseconds 200
    }

    # Say why: prometheus's own view of the targets that have no data.
    $health = try {
        (Invoke-RestMethod -Uri "$($Prometheus.Url)/api/v1/targets" -TimeoutSec 5).data.activeTargets |
            Where-Object { $_.labels.world -in $waiting } | ForEach-Object { "$($_.labels.world) $($_.scrapeUrl): $($_.health) $($_.lastError)" }
    }
    catch { "targets unreadable: $_" }
    throw "prometheus had no data for '$($script:ReadyQuery)' from world(s) $($waiting -join ', ') within $TimeoutSec s. Last error: $lastError`n$($health -join "`n")`n$(Get-LabPrometheusLog $Prometheus)"
}

function Remove-LabPrometheusTarget {
    <# Forgets a world: prometheus stops scraping it (its series stay, under their own label, until the end). #>
    param(
        [Parameter(Mandatory, Position = 0)] $Prometheus,
        [Parameter(Mandatory)] [string] $World
    )
    if (-not $Prometheus.Available -or -not $Prometheus.TargetDirectory) { return }
    Remove-Item -LiteralPath (Join-Path $Prometheus.TargetDirectory "$World.json") -Force -ErrorAction Ignore
}

function Stop-LabPrometheus {
    <#
        Stops a prometheus that Start-LabPrometheus started (by its process, never by name) and removes its folder.
        The run's shared server (Use-LabPrometheus in a suite run) is not this file's to stop: left running.
    #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Prometheus)
    process {
        if (-not $Prometheus -or -not $Prometheus.Available -or -not $Prometheus.Owned) { return }
        $process = $Prometheus.Process
        if ($process -and -not $process.HasExited) {
            $process.Kill()
            if (-not $process.WaitForExit(10000)) { throw "prometheus (pid $($process.Id)) did not stop" }
        }
        if ($process) { $process.Dispose() }
        Remove-Item -Recurse -Force -ErrorAction Ignore $Prometheus.Directory
    }
}

Export-ModuleMember -Function Start-LabPrometheus, Stop-LabPrometheus, Use-LabPrometheus, Publish-LabPrometheus, Add-LabPrometheusTarget,
    Wait-LabPrometheusTarget, Remove-LabPrometheusTarget, Get-LabPrometheusSelector, Invoke-LabPrometheusQuery, Get-LabPrometheusLog
