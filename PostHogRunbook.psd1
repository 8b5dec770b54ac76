#
# Module manifest for PostHogRunbook.
# ModuleVersion is stamped by build.ps1 from Directory.Build.props (the one version source) into the
# packaged copy under out/; edit the version there, not here.
#
@{
    RootModule             = 'PostHogRunbook.dll'
    ModuleVersion          = '0.0.0'
    CompatiblePSEditions   = @('Core')
    GUID                   = '5d0f3a8e-6a1b-4c47-9e7e-2b8f1f0c9a31'
    Author                 = 'PostHogRunbook contributors'
    CompanyName            = 'PostHogRunbook'
    Copyright              = '(c) PostHogRunbook contributors. MIT licence.'
    Description            = 'The PostHog incident runbook as PowerShell cmdlets: read PostHog''s status page (both generations, filtered to your region), triage every signal at once (status page, /flags probe, /health, Prometheus error ratio, workload, error logs), and walk the runbook''s decision tree to a category, a P1-P4 severity and the next action. Then remediate safely, keep an append-only incident journal, tell Slack, PagerDuty and the status page, and write the postmortem. The evidence bundle is not in this release.'
    PowerShellVersion      = '7.4'
    RequiredAssemblies     = @('PostHogRunbook.Model.dll')
    FormatsToProcess       = @('PostHogRunbook.Format.ps1xml')
    CmdletsToExport        = @(
        'Get-PostHogStatus'
        'Invoke-PostHogTriage'
        'Get-PostHogRunbookConfig'
        'Set-PostHogRunbookConfig'
        'Set-PostHogFallback'
        'Set-PostHogRateLimitMode'
        'Update-PostHogApiKey'
        'Restart-PostHogIntegration'
        'Resolve-PostHogIncident'
        'Undo-PostHogRemediation'
        'Get-PostHogIncident'
        'Set-PostHogIncident'
        'Copy-PostHogIncident'
        'Export-PostHogIncidentBundle'
        'New-PostHogIncident'
        'New-PostHogIncidentMessage'
        'Send-PostHogIncidentNotification'
        'New-PostHogPostmortem'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('PostHog', 'SRE', 'Kubernetes', 'Incident', 'Runbook', 'Observability', 'PSEdition_Core', 'Linux', 'MacOS', 'Windows')
            LicenseUri   = 'https://github.com/posthog-runbook/PostHogRunbook/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/posthog-runbook/PostHogRunbook'
            ReleaseNotes = 'First release. Get-PostHogStatus reads both generations of PostHog''s status page, filtered to the integration''s region. Invoke-PostHogTriage runs every check at once and walks the runbook''s decision tree to a category, a P1-P4 severity and the next action. Resolve-PostHogIncident applies it through Set-PostHogFallback, Set-PostHogRateLimitMode, Update-PostHogApiKey and Restart-PostHogIntegration safely (-WhatIf, rollout wait, verification, Undo-PostHogRemediation). New-, Get- and Set-PostHogIncident keep an append-only incident journal, in a folder or in the cluster (JournalStore Kubernetes: ConfigMaps shared by the team; Copy-PostHogIncident moves a file incident there). Export-PostHogIncidentBundle writes the evidence in one redacted, hashed zip. New-PostHogIncidentMessage, Send-PostHogIncidentNotification (Slack, PagerDuty, Statuspage) and New-PostHogPostmortem do the communication. Set-/Get-PostHogRunbookConfig manage the runbook profile.'
        }
    }
}
