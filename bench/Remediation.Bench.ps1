# Dot-sourced by Invoke-Bench.ps1 (its $results, $notes, $Runs, $LatencyMs, $pwsh, $pwshPrefix, $ModuleManifest):
# the remediation's own goals, as whole commands against the lab.

Write-Host "== 5. Set-PostHogFallback with its rollout wait against kubectl set env && kubectl rollout status, $LatencyMs ms per request" -ForegroundColor Cyan
$lab = Start-PostHogLab -Scenario healthy
try {
    Set-PostHogLabLatency $lab $LatencyMs
    $journal = Join-Path $lab.StateDirectory 'journal'
    $value = $false
    # Each run flips the value, so every run writes and waits for a real rollout.
    function Invoke-ModuleFallback {
        $script:value = -not $script:value
        Set-PostHogFallback -Enabled $script:value -KubeConfig $lab.kubeconfig -JournalPath $journal -RolloutTimeoutSec 120 -Confirm:$false
    }
    function Invoke-KubectlFallback {
        $script:value = -not $script:value
        $text = if ($script:value) { 'true' } else { 'false' }
        & bash -c "kubectl --kubeconfig '$($lab.kubeconfig)' set env deployment/posthog-integration -c integration POSTHOG_FALLBACK=$text -n posthog > /dev/null && kubectl --kubeconfig '$($lab.kubeconfig)' rollout status deployment/posthog-integration -n posthog --timeout=120s > /dev/null"
        if ($LASTEXITCODE -ne 0) { throw "kubectl exited with $LASTEXITCODE" }
    }
    Invoke-ModuleFallback | Out-Null; Invoke-KubectlFallback   # warm-up: JIT, TLS, kubectl's discovery cache
    $module = Measure-Median $Runs { Invoke-ModuleFallback }
    $kubectl = Measure-Median $Runs { Invoke-KubectlFallback }
    $ratio = $kubectl.Median / $module.Median
    $results["Set-PostHogFallback, write + rollout wait + verification (median of $Runs)"] = [pscustomobject]@{ Measured = Format-Ms $module.Median; Goal = '-'; Met = $null }
    $results['kubectl set env -c ... && kubectl rollout status (median of ' + $Runs + ')'] = [pscustomobject]@{ Measured = Format-Ms $kubectl.Median; Goal = '-'; Met = $null }
    $results['kubectl / Set-PostHogFallback'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratio; Goal = '>= 1.0x (no slower, while it also verifies)'; Met = $ratio -ge 1.0 }
    $notes.Add("Both change POSTHOG_FALLBACK of the integration container and wait for the lab's rollout (its controller replaces the 3 pods); every Kubernetes request pays $LatencyMs ms. The module also reads the deployment before (the plan), checks the rolled-out template after, and journals when an incident is open (none here). It takes the deployment's remediation lock too: with -Confirm:`$false the Lease is created while the plan is read (the patch carrying that read's resourceVersion), and deleted after the rollout: that delete is the one round trip kubectl does not make (the lab's rollout runs on its own 300 ms clock, the same for both).")
}
finally { Stop-PostHogLab $lab }

Write-Host '== 5b. The journal: four pwsh processes appending 25 notes each to one incident at once' -ForegroundColor Cyan
$folder = Join-Path ([IO.Path]::GetTempPath()) ('bench-journal-' + [guid]::NewGuid().ToString('n').Substring(0, 8))
try {
    $incident = New-PostHogIncident -Severity P2 -Summary 'bench' -Context bench -Namespace bench -JournalPath $folder -Confirm:$false
    $start = Join-Path $folder 'go'
    $writer = @"
Import-Module '$ModuleManifest'
while (-not (Test-Path '$start')) { Start-Sleep -Milliseconds 20 }
`$times = foreach (`$i in 1..25) { `$c = [Diagnostics.Stopwatch]::StartNew(); Set-PostHogIncident -Id '$($incident.Id)' -Note "note `$i" -JournalPath '$folder' -Confirm:`$false; `$c.Elapsed.TotalMilliseconds }
`$times -join ','
"@
    $jobs = foreach ($n in 1..4) {
        $info = [Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($argument in @($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $writer)) { if ($argument) { $info.ArgumentList.Add($argument) } }
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        [Diagnostics.Process]::Start($info)
    }
    Start-Sleep -Seconds 3   # every writer imported the module and waits for the start
    $clock = [Diagnostics.Stopwatch]::StartNew()
    New-Item -ItemType File -Path $start | Out-Null
    $outputs = foreach ($job in $jobs) { $job.StandardOutput.ReadToEnd(); $job.WaitForExit() }
    $clock.Stop()
    $appendTimes = @($outputs | ForEach-Object { $_.Trim() -split ',' } | Where-Object { $_ } | ForEach-Object { [double] $_ })
    $entries = @((Get-PostHogIncident -Id $incident.Id -JournalPath $folder).Timeline | Where-Object Kind -eq 'Note').Count
    $results['Journal append (Set-PostHogIncident -Note) with four writers at once, median per append'] = [pscustomobject]@{ Measured = Format-Ms (Get-Median $appendTimes); Goal = '-'; Met = $null }
    $results["Journal: 100 notes from four processes, appends per second (wall $([math]::Round($clock.Elapsed.TotalSeconds, 1)) s)"] = [pscustomobject]@{ Measured = '{0:0}/s' -f (100 / $clock.Elapsed.TotalSeconds); Goal = '100 of 100 kept'; Met = $entries -eq 100 }
}
finally { Remove-Item -Recurse -Force -ErrorAction Ignore $folder }
