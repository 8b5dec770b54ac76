# Dot-sourced by Invoke-Bench.ps1 (its $results, $notes, $Runs, $LatencyMs, $pwsh, $pwshPrefix, $ModuleManifest):
# the journal kept in the cluster (JournalStore Kubernetes), four writers on one incident, as whole commands.

Write-Host '== 7. The cluster journal: four pwsh processes appending 25 notes each to one incident in the lab''s Kubernetes API' -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario healthy
$go = Join-Path $lab.StateDirectory 'go-journal'
try {
    $incident = New-PostHogIncident -Severity P2 -Summary 'bench' -JournalStore Kubernetes -KubeConfig $lab.kubeconfig -Deployment bench-journal -Confirm:$false
    # Each writer prints each append's time, then the last retry count its journal reported (Set-PostHogIncident -Verbose).
    $writer = @"
Import-Module '$ModuleManifest'
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
`$retried = 0
`$times = foreach (`$i in 1..25) {
    `$c = [Diagnostics.Stopwatch]::StartNew()
    `$said = Set-PostHogIncident -Id '$($incident.Id)' -Note "note `$i" -JournalStore Kubernetes -KubeConfig '$($lab.kubeconfig)' -Confirm:`$false -Verbose 4>&1 | Where-Object { `$_ -like '*were retried*' }
    `$c.Elapsed.TotalMilliseconds
    foreach (`$line in `$said) { if ("`$line" -match ': (\d+) write') { `$retried += [int] `$Matches[1] } }
}
(`$times -join ',') + ';' + `$retried
"@
    $jobs = foreach ($n in 1..4) {
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($argument in @($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $writer)) { if ($argument) { $info.ArgumentList.Add($argument) } }
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        [Diagnostics.Process]::Start($info)
    }
    Start-Sleep -Seconds 4   # every writer imported the module and waits for the start
    Clear-PostHogLabRequest $lab
    $clock = [Diagnostics.Stopwatch]::StartNew()
    New-Item -ItemType File -Path $go | Out-Null
    $outputs = foreach ($job in $jobs) { $job.StandardOutput.ReadToEnd(); $job.WaitForExit() }
    $clock.Stop()
    $parsed = @($outputs | ForEach-Object { $_.Trim() } | Where-Object { $_ -like '*;*' })
    $appendTimes = @($parsed | ForEach-Object { ($_ -split ';')[0] -split ',' } | Where-Object { $_ } | ForEach-Object { [double] $_ })
    $retries = ($parsed | ForEach-Object { [int] ($_ -split ';')[1] } | Measure-Object -Sum).Sum
    $conflicts = @(Get-PostHogLabRequest $lab -Part kubernetes | Where-Object status -eq 409).Count
    $entries = @((Get-PostHogIncident -Id $incident.Id -JournalStore Kubernetes -KubeConfig $lab.kubeconfig).Timeline | Where-Object Kind -eq 'Note').Count
    $results['Cluster journal append (Set-PostHogIncident -Note -JournalStore Kubernetes) with four writers at once, median per append'] = [pscustomobject]@{ Measured = Format-Ms (Get-Median $appendTimes); Goal = '-'; Met = $null }
    $results["Cluster journal: 100 notes from four processes to one ConfigMap, appends per second (wall $([math]::Round($clock.Elapsed.TotalSeconds, 1)) s)"] = [pscustomobject]@{ Measured = '{0:0}/s' -f (100 / $clock.Elapsed.TotalSeconds); Goal = '100 of 100 kept'; Met = $entries -eq 100 }
    $results['  409 Conflicts retried by the four writers (the journals'' own count; the lab answered that many 409s)'] = [pscustomobject]@{ Measured = "$retries ($conflicts)"; Goal = '-'; Met = $null }
    $notes.Add('The cluster journal bench runs each Set-PostHogIncident as its own command in four long-lived pwsh processes, against the lab''s Kubernetes API on loopback without added latency: each append is a list of the incident''s ConfigMaps and a replace with the resourceVersion read; a 409 is retried after a jittered backoff. Each command builds its Kubernetes client anew (kubeconfig read, TLS handshake).')
}
finally { Stop-PostHogLab $lab }
