@{
    Synopsis    = 'Fills the runbook''s Internal (Slack) or External (status page) incident update from the incident''s journal.'
    Description = @(
        'New-PostHogIncidentMessage writes the update the runbook asks for, from what the journal knows: severity, status, impact, the current action, when the next update comes, the incident commander and when the incident last changed. It sends nothing: the IncidentMessage''s Text is ready to paste, or to pipe to Send-PostHogIncidentNotification.'
        'Internal is for the team: it names the workload (context, namespace, deployment), the triage''s summary and its decision path. External is for customers: it says what they notice and what is being done, and never names an internal host, pod, namespace, context, secret or key (a URL or a workload name in the impact becomes "our service"). Every text passes the module''s redactor.'
        'The next update defaults to 30 minutes from now for a P1 or P2, an hour otherwise.'
    )
    Parameters  = @{
        InputObject = 'An incident (Get-PostHogIncident, New-PostHogIncident, Set-PostHogIncident -PassThru), taken as piped.'
        IncidentId  = 'The incident to write about, read from the journal (20261129-075631-k3f9x2). An id the journal does not hold is the error IncidentNotFound.'
        Audience    = 'Internal (default: the team''s channel, names included) or External (the status page: no internal name).'
        NextUpdate  = 'When the next update is promised. Default: 30 minutes from now for a P1 or P2, an hour otherwise.'
        JournalPath = 'The journal folder, with -IncidentId. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        ConfigPath  = 'A JSON config file to read the JournalPath setting from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.IncidentMessage' = 'Audience, Title and Text (ready to paste), and the values filled in: Severity, Status, Impact, CurrentAction, Commander, NextUpdate, LastUpdated.' }
    Examples    = @(
        @{ Title = 'The internal update for the open incident, to paste in Slack'; Code = '(Get-PostHogIncident -Status Investigating, Identified | Select-Object -First 1 | New-PostHogIncidentMessage).Text | Set-Clipboard'; Remarks = 'Severity, status, impact, current action, next update, commander and last update, with the workload and the decision path.' }
        @{ Title = 'The external one, promising the next update in 15 minutes'; Code = 'New-PostHogIncidentMessage 20261129-075631-k3f9x2 -Audience External -NextUpdate (Get-Date).AddMinutes(15)'; Remarks = 'What customers notice and what is being done; no host, pod or key.' }
    )
    Links       = @('about_PostHogRunbook', 'Send-PostHogIncidentNotification', 'Get-PostHogIncident')
}
