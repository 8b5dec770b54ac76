<#
    Runs Debian's real `prometheus` for tests: a temp config that scrapes one /metrics URL (the lab's app) every
    second, its TSDB in a temp folder, a loopback port of its own. Start-LabPrometheus waits until the runbook's
    query has data; Stop-LabPrometheus ends that one process and removes its folder.
    Without prometheus on PATH, Start-LabPrometheus says so in .Reason (Available = $false) instead of throwing,
    so a test can Set-ItResult -Skipped -Because $prometheus.Reason.
#>
Set-StrictMode -Version 3.0

function Get-FreeLoopbackPort {
    # Ephemeral-ish: the OS picks a free port, we release it and hand it to prometheus (a retry covers the race).
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-LabPrometheusLog {
    param([Parameter(Mandatory)] $Prometheus, [int] $Tail = 20)
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

function Start-LabPrometheus {
    <#
    .SYNOPSIS
        Starts prometheus scraping MetricsUrl every second; returns once ReadyQuery has data.
    .OUTPUTS
        Url, Port, Process, Directory, Available ($true), Reason ($null); or Available = $false with the Reason.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $MetricsUrl,
        [string] $ReadyQuery = 'rate(posthog_errors_total[5m])',
        [int] $ReadyTimeoutSec = 60
    )
    $binary = Get-Command prometheus -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if (-not $binary) {
        $reason = "prometheus is not on PATH: install Debian's package (apt-get install prometheus) to run the metrics tests"
        Write-Warning $reason
        return [pscustomobject]@{ Available = $false; Reason = $reason; Url = $null; Port = 0; Process = $null; Directory = $null }
    }

    $target = [uri] $MetricsUrl
    $directory = Join-Path ([IO.Path]::GetTempPath()) ('lab-prometheus-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
    New-Item -ItemType Directory -Path (Join-Path $directory 'data') | Out-Null
    $config = Join-Path $directory 'prometheus.yml'
    @"
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: posthog-lab
    scheme: $($target.Scheme)
    metrics_path: $($target.AbsolutePath)
    static_configs:
      - targets: ['$($target.Authority)']
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
            Process = $process; Directory = $directory
        }

        $deadline = [DateTime]::UtcNow.AddSeconds($ReadyTimeoutSec)
        while ([DateTime]::UtcNow -lt $deadline -and -not $process.HasExited) {
            try {
                if ((Invoke-LabPrometheusQuery $prometheus $ReadyQuery).Count -gt 0) { return $prometheus }
            }
            catch { $lastError = $_ }
            Start-Sleep -Milliseconds 500
        }

        $log = Get-LabPrometheusLog $prometheus
        if (-not $process.HasExited) {
            Stop-LabPrometheus $prometheus
            throw "prometheus did not have data for '$ReadyQuery' from $MetricsUrl within $ReadyTimeoutSec s. Last error: $lastError`n$log"
        }
        # It exited: most likely the port was taken between our probe and its bind. Try another.
        $lastError = "prometheus exited with $($process.ExitCode): $log"
        $process.Dispose()
    }

    Remove-Item -Recurse -Force -ErrorAction Ignore $directory
    throw "prometheus would not start: $lastError"
}

function Stop-LabPrometheus {
    <# Stops the prometheus that Start-LabPrometheus started (by its process, never by name) and removes its folder. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline)] $Prometheus)
    process {
        if (-not $Prometheus -or -not $Prometheus.Available) { return }
        $process = $Prometheus.Process
        if ($process -and -not $process.HasExited) {
            $process.Kill()
            if (-not $process.WaitForExit(10000)) { throw "prometheus (pid $($process.Id)) did not stop" }
        }
        if ($process) { $process.Dispose() }
        Remove-Item -Recurse -Force -ErrorAction Ignore $Prometheus.Directory
    }
}

Export-ModuleMember -Function Start-LabPrometheus, Stop-LabPrometheus, Invoke-LabPrometheusQuery, Get-LabPrometheusLog
