<#
.SYNOPSIS
    The runbook against the lab: starts the simulated PostHog world, runs the pipeline, stops the world.
    Run by `./build.ps1 Demo` in a fresh pwsh, against the packaged module.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [string] $Scenario = 'us-outage'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest
Import-Module (Join-Path $PSScriptRoot '../pester/LabHarness.psm1')
Import-Module (Join-Path $PSScriptRoot '../pester/Prometheus.psm1')

# Wide enough for the verdict's lines when the output is not a terminal (CI logs, the README).
function Show-Output([Parameter(ValueFromPipeline)] $InputObject) {
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { $items | Out-String -Width 120 | Write-Host -NoNewline }
}

function Show-Step([string] $Title, [string] $Command) {
    Write-Host ''
    Write-Host "### $Title" -ForegroundColor Cyan
    Write-Host "PS> $Command" -ForegroundColor Yellow
}

$lab = $null
$prometheus = $null
$journal = $null
try {
    $lab = Start-PostHogLab -Scenario $Scenario
    Write-Host "Lab scenario '$Scenario' is up: status page $($lab.statusPage), PostHog $($lab.posthog), app $($lab.app), Kubernetes $($lab.kubernetes)"
    $prometheus = Start-LabPrometheus -MetricsUrl "$($lab.app)/metrics"
    $prometheusUrl = if ($prometheus.Available) { $prometheus.Url } else { $lab.deadUrl }
    Write-Host "Prometheus: $(if ($prometheus.Available) { $prometheus.Url + ' scraping the lab every second' } else { $prometheus.Reason })"
    # The lab's endpoints stand in for the real ones: the session profile points the module at them, as an SRE's
    # config file would at production.
    $journal = Join-Path ([IO.Path]::GetTempPath()) ("posthog-demo-journal-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
    Set-PostHogRunbookConfig -JournalPath $journal -StatusPageUrl $lab.statusPage -PostHogHost $lab.posthog -Region US -HealthUrl "$($lab.app)/health" `
        -PrometheusUrl $prometheusUrl -KubeConfig $lab.kubeconfig

    Show-Step 'What PostHog says about US Cloud' 'Get-PostHogStatus -Region US'
    Get-PostHogStatus -Region US | Show-Output

    Show-Step 'What PostHog says about EU Cloud' 'Get-PostHogStatus -Region EU'
    Get-PostHogStatus -Region EU | Show-Output

    Show-Step 'The same page, older generation (Statuspage v2), every region' "Get-PostHogStatus -StatusPageUrl $($lab.statusPageV2) -Region All | Format-Table"
    Get-PostHogStatus -StatusPageUrl $lab.statusPageV2 -Region All | Format-Table | Show-Output

    Show-Step 'Triage: every check at once, the decision tree, a verdict' 'Invoke-PostHogTriage'
    $report = Invoke-PostHogTriage
    $report | Show-Output

    Show-Step 'The checks, as a table' '$report.Checks'
    $report.Checks | Format-Table -Wrap | Show-Output

    # Before the fix: its rollout replaces the pods, and Kubernetes keeps no log of a deleted pod.
    Show-Step 'The evidence first: the fix will replace the pods, and their logs go with them' '$report | Export-PostHogIncidentBundle -Path ./before-the-fix.zip'
    New-Item -ItemType Directory -Force -Path $journal | Out-Null
    $report | Export-PostHogIncidentBundle -Path (Join-Path $journal 'before-the-fix.zip') -Confirm:$false | Show-Output

    Show-Step 'The plan, changing nothing' '$report | Resolve-PostHogIncident -WhatIf'
    $report | Resolve-PostHogIncident -WhatIf

    Show-Step 'The fix: the verdict applied, the rollout awaited, verified, journaled' '$incident = $report | Resolve-PostHogIncident -Confirm:$false'
    $incident = $report | Resolve-PostHogIncident -Confirm:$false
    $incident | Show-Output

    Show-Step 'A second run finds the fix in place and writes nothing' '($report | Resolve-PostHogIncident -Confirm:$false).Actions'
    ($report | Resolve-PostHogIncident -Confirm:$false).Actions | Show-Output

    Show-Step 'The journal' 'Get-PostHogIncident'
    Get-PostHogIncident | Show-Output

    Show-Step 'The internal update, to paste in Slack' 'Set-PostHogIncident $incident.Id -Commander alice -Impact ''Feature flags fall back to defaults in the US'' -PassThru | New-PostHogIncidentMessage'
    $incident = Set-PostHogIncident $incident.Id -Commander alice -Impact 'Feature flags fall back to defaults in the US' -PassThru
    ($incident | New-PostHogIncidentMessage).Text | Write-Host

    # The lab's Notify part plays PagerDuty; the routing key is a SecureString, as a real one would be.
    $routingKey = ConvertTo-SecureString $lab.pagerDutyRoutingKey -AsPlainText -Force
    Show-Step 'Page the on-call: a PagerDuty trigger, dedup_key = the incident id' '$incident | Send-PostHogIncidentNotification -Channel PagerDuty -EventAction Trigger -PagerDutyRoutingKey $key'
    $incident | Send-PostHogIncidentNotification -Channel PagerDuty -EventAction Trigger -PagerDutyRoutingKey $routingKey -PagerDutyEventsUrl $lab.notify -Confirm:$false | Show-Output
    Write-Host 'What PagerDuty received:'
    ((Invoke-RestMethod "$($lab.notify)/_notify/requests?service=pagerduty") | Select-Object -Last 1).body | ConvertFrom-Json | ConvertTo-Json -Depth 6 |
        ForEach-Object { $_ -replace [regex]::Escape($lab.pagerDutyRoutingKey), '[REDACTED]' } | Write-Host

    Show-Step 'Resolved: PagerDuty resolves the same incident' 'Set-PostHogIncident $incident.Id -Status Resolved -PassThru | Send-PostHogIncidentNotification -Channel PagerDuty'
    $incident = Set-PostHogIncident $incident.Id -Status Resolved -Note 'PostHog recovered; fallback stays on until the next triage is healthy' -PassThru
    $incident | Send-PostHogIncidentNotification -Channel PagerDuty -PagerDutyRoutingKey $routingKey -PagerDutyEventsUrl $lab.notify -Confirm:$false | Show-Output

    Show-Step 'The postmortem, filled from the journal and the metrics' '(New-PostHogPostmortem $incident.Id).Markdown'
    (New-PostHogPostmortem $incident.Id).Markdown | Write-Host

    $bundlePath = Join-Path $journal 'evidence.zip'
    Show-Step 'The evidence, in one redacted, hashed zip' '$incident | Export-PostHogIncidentBundle -Path ./evidence.zip'
    $bundle = $incident | Export-PostHogIncidentBundle -Path $bundlePath -Confirm:$false
    $bundle | Show-Output
}
finally {
    # Stopped on success, failure and Ctrl+C alike; the lab also exits by itself when this shell's pipe closes.
    Stop-LabPrometheus $prometheus
    Stop-PostHogLab $lab
    if ($journal) { Remove-Item -Recurse -Force -ErrorAction Ignore $journal }
}
