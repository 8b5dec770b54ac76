# Dot-sourced by Invoke-Bench.ps1 (its $results, $notes, $pwsh, $pwshPrefix, $ModuleManifest): the evidence bundle
# against the runbook's by-hand way, kubectl logs five at a time into files and then zip, on the same lab.

Write-Host '== 7. Export-PostHogIncidentBundle of 50 pods x 20 MiB of logs against kubectl logs five at a time, then zip' -ForegroundColor Cyan
# Two containers a pod (the integration and its metrics sidecar), 10 MiB each: 20 MiB of logs a pod, 1000 MiB in all.
$lab = Start-PostHogLab -Scenario healthy -Pods 50 -LogBytesPerPod (10MB)
$work = Join-Path $lab.StateDirectory 'bundle-bench'
try {
    New-Item -ItemType Directory -Path $work | Out-Null
    $since = '1h'

    # The module, in a fresh pwsh so its peak memory (VmHWM) is the export's: the clock runs inside it, from the
    # call to the returned bundle (the start of pwsh and the import are not the bundle's cost).
    $bundlePath = Join-Path $work 'module.zip'
    $exporter = @"
Import-Module '$ModuleManifest'
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$bundle = Export-PostHogIncidentBundle -Path '$bundlePath' -KubeConfig '$($lab.kubeconfig)' -StatusPageUrl '$($lab.statusPage)' -HealthUrl '$($lab.app)/health' -PrometheusUrl '$($lab.deadUrl)' -Since 1:00:00 -WarningAction SilentlyContinue -ProgressAction SilentlyContinue
`$ms = `$clock.Elapsed.TotalMilliseconds
`$peak = [double]((Select-String -Path '/proc/self/status' -Pattern '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value) / 1024
'{0},{1},{2},{3}' -f `$ms, `$peak, `$bundle.Bytes, (`$bundle.Redactions.Values | Measure-Object -Sum).Sum
"@
    $info = [Diagnostics.ProcessStartInfo]::new($pwsh)
    foreach ($argument in @($pwshPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $exporter)) { if ($argument) { $info.ArgumentList.Add($argument) } }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $output = $process.StandardOutput.ReadToEnd()
    $process.WaitForExit()
    $fields = ($output.Trim() -split "`n")[-1] -split ','
    if ($process.ExitCode -ne 0 -or $fields.Count -ne 4) { throw "The export failed (exit $($process.ExitCode)): $output" }
    $moduleMs = [double]$fields[0]; $peak = [double]$fields[1]; $zipBytes = [long]$fields[2]; $masked = [long]$fields[3]
    $logBytes = (& unzip -l $bundlePath | Select-Object -Last 1) -replace '^\s*(\d+).*', '$1'

    # By hand: every pod's logs (all containers, timestamps) into a file, five pods at a time, then one zip.
    $pods = (kubectl --kubeconfig $lab.kubeconfig -n posthog get pods -l app=posthog-integration -o 'jsonpath={.items[*].metadata.name}') -split ' '
    $list = Join-Path $work 'pods.txt'
    $pods | Set-Content $list
    $logs = New-Item -ItemType Directory -Path (Join-Path $work 'kubectl')
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & bash -c "xargs -P 5 -I{} sh -c 'kubectl --kubeconfig ''$($lab.kubeconfig)'' -n posthog logs {} --all-containers --timestamps --since=$since > ''$logs/{}.log''' < '$list' && cd '$work' && zip -q -r kubectl.zip kubectl"
    $clock.Stop()
    if ($LASTEXITCODE -ne 0) { throw "kubectl or zip exited with $LASTEXITCODE" }
    $kubectlMs = $clock.Elapsed.TotalMilliseconds
    $kubectlBytes = (Get-ChildItem $logs | Measure-Object Length -Sum).Sum

    $ratio = $kubectlMs / $moduleMs
    $results["Export-PostHogIncidentBundle, $($pods.Count) pods x 20 MiB ($([math]::Round([double]$logBytes / 1MB)) MiB of logs redacted, $masked masks, zip $([math]::Round($zipBytes / 1MB)) MiB)"] = [pscustomobject]@{ Measured = Format-Ms $moduleMs; Goal = '-'; Met = $null }
    $results["kubectl logs --all-containers --since=$since five at a time into files, then zip ($([math]::Round($kubectlBytes / 1MB)) MiB)"] = [pscustomobject]@{ Measured = Format-Ms $kubectlMs; Goal = '-'; Met = $null }
    $results['kubectl by hand / Export-PostHogIncidentBundle'] = [pscustomobject]@{ Measured = '{0:0.00}x' -f $ratio; Goal = '>= 2x'; Met = $ratio -ge 2 }
    $results['Export-PostHogIncidentBundle: peak memory of its pwsh (VmHWM, fresh process)'] = [pscustomobject]@{ Measured = '{0:0} MB' -f $peak; Goal = '< 200 MB'; Met = $peak -lt 200 }
    $notes.Add("The bundle and kubectl read the same lab ($($pods.Count) pods, two containers each, 10 MiB a container) over its HTTPS Kubernetes API; the bundle also redacts every line, hashes every entry and adds the Kubernetes objects, status page and health; kubectl's files are not redacted. One run each (a gigabyte a run), the module timed inside its fresh pwsh from the call to the result.")
}
finally {
    Stop-PostHogLab $lab
    Remove-Item -Recurse -Force -ErrorAction Ignore $work
}
