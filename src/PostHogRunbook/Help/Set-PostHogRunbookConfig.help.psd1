@{
    Synopsis    = 'Sets runbook profile values for this PowerShell session.'
    Description = @(
        'Session values win over the config file, the environment and the defaults, and lose only to a cmdlet''s own parameters. They last until the process ends or Set-PostHogRunbookConfig -Clear.'
        'Keys are taken as SecureString and kept in this process only: never written to a file, never printed. -WhatIf shows what would be set.'
        'Every value is checked before any is stored, by the rules every source obeys (TimeoutSec 1-600, Kubernetes names, http(s) URLs): a bad one is InvalidSetting and the session is left as it was.'
    )
    Parameters  = @{
        PostHogHost    = 'The PostHog host the integration talks to (https://us.i.posthog.com, https://eu.i.posthog.com, or self-hosted). Its us./eu. prefix sets the region.'
        Region         = 'US, EU or All: overrides the region implied by the PostHog host.'
        ProjectApiKey  = 'The project API key (phc_...), as a SecureString, for the /flags probe when the deployment''s secret cannot be read.'
        PersonalApiKey = 'A personal API key (phx_...), as a SecureString, for the private API probe.'
        StatusPageUrl  = 'PostHog''s status site or a status document (default https://www.posthogstatus.com).'
        HealthUrl      = 'Our integration''s /health endpoint.'
        PrometheusUrl  = 'The Prometheus server that scrapes the integration (default http://localhost:9090).'
        KubeConfig     = 'The kubeconfig file (default $env:KUBECONFIG, then ~/.kube/config). The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x. The full path is stored, so a later Set-Location changes nothing.'
        Context        = 'The kube context (default the kubeconfig''s current-context). A context the kubeconfig does not have is refused (KubeContextNotFound) and nothing is stored. Tab completes the kubeconfig''s contexts.'
        Namespace      = 'The namespace of the integration (default the context''s namespace).'
        Deployment     = 'The integration''s deployment (default posthog-integration).'
        Selector       = 'The label selector of the integration''s pods (default app=posthog-integration).'
        SecretName     = 'The secret that holds the project API key (default posthog-secrets).'
        SecretKey      = 'The key inside that secret (default api-key).'
        TimeoutSec     = 'How long each check or call may take, in seconds (default 10).'
        SlackWebhookUrl       = 'The Slack incoming webhook for Send-PostHogIncidentNotification, a SecureString kept in this process only.'
        PagerDutyRoutingKey   = 'The PagerDuty Events API v2 integration key for Send-PostHogIncidentNotification, a SecureString kept in this process only.'
        StatusPageApiKey      = 'The Statuspage API key for Send-PostHogIncidentNotification, a SecureString kept in this process only.'
        PagerDutyEventsUrl    = 'The PagerDuty Events API base URL (default https://events.pagerduty.com).'
        StatusPageApiUrl      = 'The Statuspage API base URL (default https://api.statuspage.io).'
        StatusPagePageId      = 'Our status page''s page id, where Send-PostHogIncidentNotification creates and updates incidents.'
        StatusPageComponentId = 'The status page component of the integration, whose status follows the incident''s severity.'
        JournalPath    = 'The incident journal''s folder for this session (default $env:POSTHOG_RUNBOOK_JOURNAL, else PostHogRunbook/incidents in the user''s data folder). A relative path or ~ is resolved now, against the current location.'
        JournalStore   = 'Where the incident journal lives for this session: File (the JournalPath folder) or Kubernetes (ConfigMaps in the integration''s namespace).'
        Clear          = 'Forget every session value.'
        PassThru       = 'Output the resulting profile (Get-PostHogRunbookConfig''s view).'
    }
    Outputs     = @{ 'PostHogRunbook.Model.RunbookConfiguration' = 'With -PassThru: the profile in force after the change.' }
    Examples    = @(
        @{ Title = 'Point the session at the EU integration'; Code = 'Set-PostHogRunbookConfig -PostHogHost https://eu.i.posthog.com -Context prod-eu -Namespace analytics -PassThru'; Remarks = 'Every later cmdlet in this session uses these values unless given its own parameters.' }
        @{ Title = 'Give the probe a key without leaving it in history'; Code = 'Set-PostHogRunbookConfig -ProjectApiKey (Read-Host -AsSecureString ''phc key'')'; Remarks = 'The key stays in this process; Get-PostHogRunbookConfig shows only HasProjectApiKey = True.' }
        @{ Title = 'Start over'; Code = 'Set-PostHogRunbookConfig -Clear'; Remarks = 'Removes every session value; the config file, environment and defaults apply again.' }
    )
    Links       = @('about_PostHogRunbook', 'Get-PostHogRunbookConfig')
}
