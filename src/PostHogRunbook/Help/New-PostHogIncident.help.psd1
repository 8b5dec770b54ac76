@{
    Synopsis    = 'Opens an incident in the journal, from a triage report or by hand, without changing anything in the cluster.'
    Description = @(
        'An incident starts its journal: the target (kube context, namespace, deployment), the category and severity, the first triage when there is one, and optionally the commander and the impact. Piped from Invoke-PostHogTriage, each report opens an incident for its target (a Healthy report opens none, with a warning). By hand, -Severity and -Summary declare one for the runbook profile''s target: a customer report before triage sees anything, or an escalation the runbook cannot fix.'
        'One incident per deployment at a time: when the target already has an open (not Resolved) incident, the error IncidentAlreadyOpen names it, and Set-PostHogIncident adds to it. Resolve-PostHogIncident opens or continues incidents by itself; New-PostHogIncident is for the incidents people declare.'
        'It writes only the journal (-JournalPath, the JournalPath setting, $env:POSTHOG_RUNBOOK_JOURNAL, else PostHogRunbook/incidents in the user''s data folder); -WhatIf shows what it would open.'
    )
    Parameters  = @{
        InputObject = 'A triage report (Invoke-PostHogTriage''s output): its target, category, severity and verdict open the incident, and the report is its first triage.'
        Severity    = 'By hand: the severity, P1 (complete outage) to P4 (no user impact).'
        Summary     = 'By hand: why the incident is opened, one line (it opens the Timeline).'
        Category    = 'By hand: the runbook category when known (PostHogOutage, Authentication, RateLimited, ...); default Unknown.'
        KubeConfig  = 'By hand: the kubeconfig of the target (default $env:KUBECONFIG, then ~/.kube/config).'
        Context     = 'By hand: the kube context of the target (default the kubeconfig''s current-context).'
        Namespace   = 'By hand: the namespace of the target (default the context''s namespace, else default).'
        Deployment  = 'By hand: the integration''s deployment (default posthog-integration).'
        Commander   = 'Who leads the response, from the start.'
        Impact      = 'What users see, in a sentence, from the start.'
        JournalPath = 'The journal folder. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        ConfigPath  = 'A JSON config file for the profile (target and JournalPath), instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.PostHogIncident' = 'The incident opened, Timeline included.' }
    Examples    = @(
        @{ Title = 'Open an incident from a triage, with its commander'; Code = 'Invoke-PostHogTriage | New-PostHogIncident -Commander alice'; Remarks = 'One incident per report that found something; the report is journaled as its first triage.' }
        @{ Title = 'Declare one by hand before triage sees anything'; Code = 'New-PostHogIncident -Severity P2 -Summary ''Customers report missing events since 07:40 UTC'' -Context prod-us -Namespace analytics -Impact ''Events delayed for some US customers'''; Remarks = 'Opens an Investigating P2 incident for prod-us/analytics/posthog-integration; Set-PostHogIncident and Resolve-PostHogIncident add to it.' }
    )
    Links       = @('about_PostHogRunbook', 'Get-PostHogIncident', 'Set-PostHogIncident', 'Invoke-PostHogTriage')
}
