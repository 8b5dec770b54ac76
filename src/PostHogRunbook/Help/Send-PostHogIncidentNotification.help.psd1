@{
    Synopsis    = 'Sends an incident''s update to Slack, PagerDuty and our status page, and journals every send.'
    Description = @(
        'Slack: the Internal message to an incoming webhook (text and blocks); success is HTTP 200 with the body ok. Slack''s documented errors (invalid_payload 400, action_prohibited 403, channel_not_found 404, channel_is_archived 410, no_service 404) become the errors SlackInvalidPayload, SlackActionProhibited, SlackChannelNotFound, SlackChannelArchived and SlackNoService, carrying Slack''s word.'
        'PagerDuty: an Events API v2 event (POST /v2/enqueue) whose dedup_key is the incident id, so a trigger and its later resolve are one PagerDuty incident. The event follows the incident''s status unless -EventAction says: trigger while Investigating, acknowledge once Identified, Mitigated or Monitoring, resolve once Resolved. payload.severity is critical, error, warning or info for P1 to P4; custom_details carry the decision path. Success is 202; a 400''s errors list is shown (PagerDutyInvalidEvent).'
        'StatusPage: our Statuspage (/v1/pages/{page_id}/incidents) gets the External message. The first send creates the incident; its id is kept in the journal, and every later send updates that same incident (its status, a new update''s body, the component''s status from the severity: major_outage for a P1, partial_outage for a P2, degraded_performance otherwise, operational once resolved). Errors: StatusPageUnauthorized, StatusPageNotFound, StatusPageInvalidIncident.'
        'Each channel is retried on 429 and 5xx (and on no answer), after the service''s Retry-After when it gives one, else after 1, 2, 4... seconds, within -TimeoutSec; another 4xx is not retried. Credentials are SecureString parameters or environment variables (POSTHOG_RUNBOOK_SLACK_WEBHOOK_URL, POSTHOG_RUNBOOK_PAGERDUTY_ROUTING_KEY, POSTHOG_RUNBOOK_STATUSPAGE_API_KEY), never a config file. Everything sent passes the module''s redactor: a key pasted into the impact never leaves the machine. -WhatIf shows each payload (credentials masked) and sends nothing.'
        'One NotificationResult per channel and incident; a failed send is also an error (its id above) after its result. Every send, success or failure, is a Notification entry in the incident''s journal.'
    )
    Parameters  = @{
        InputObject           = 'A PostHogIncident, or an IncidentMessage (New-PostHogIncidentMessage) whose text is sent instead of the template''s (an Internal message never goes to the status page: it gets the External template). The incident is read from the journal as it stands now.'
        IncidentId            = 'The incident to send about, read from the journal.'
        Channel               = 'Slack, PagerDuty, StatusPage: one or several, each sent once.'
        SlackWebhookUrl       = 'The Slack incoming webhook URL, a SecureString (the URL is the credential). Else $env:POSTHOG_RUNBOOK_SLACK_WEBHOOK_URL or $env:SLACK_WEBHOOK_URL.'
        PagerDutyRoutingKey   = 'The PagerDuty service''s Events API v2 integration key, a SecureString. Else $env:POSTHOG_RUNBOOK_PAGERDUTY_ROUTING_KEY or $env:PAGERDUTY_ROUTING_KEY.'
        StatusPageApiKey      = 'The Statuspage API key, a SecureString (sent as Authorization: OAuth). Else $env:POSTHOG_RUNBOOK_STATUSPAGE_API_KEY or $env:STATUSPAGE_API_KEY.'
        PagerDutyEventsUrl    = 'The Events API''s base URL. Default https://events.pagerduty.com (a profile setting).'
        StatusPageApiUrl      = 'The Statuspage API''s base URL. Default https://api.statuspage.io (a profile setting).'
        StatusPagePageId      = 'Our status page''s page id (a profile setting).'
        StatusPageComponentId = 'The status page component of the integration; its status follows the severity (a profile setting).'
        EventAction           = 'PagerDuty''s event_action: Auto (default, from the status), Trigger, Acknowledge or Resolve.'
        NextUpdate            = 'When the next update is promised, in the templates. Default: 30 minutes from now for a P1 or P2, an hour otherwise.'
        TimeoutSec            = 'The budget of each channel''s send, retries and their waits included. Default the TimeoutSec setting (10).'
        JournalPath           = 'The journal folder. A relative path is relative to the current location; ~ is the home folder.'
        JournalStore          = 'Where the journal lives: File (the default; the JournalPath folder) or Kubernetes (ConfigMaps in the profile''s namespace, shared by everyone who reaches the cluster). Default the JournalStore setting ($env:POSTHOG_RUNBOOK_JOURNAL_STORE).'
        ConfigPath            = 'A JSON config file to read the settings from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.NotificationResult' = 'One per channel and incident: Channel, Succeeded, HttpStatus, Attempts, ExternalId (the dedup_key, the status page incident''s id), ErrorId and Error.' }
    Examples    = @(
        @{ Title = 'Page and tell the team'; Code = '$key = Read-Host -AsSecureString ''PagerDuty key''; Get-PostHogIncident 20261129-075631-k3f9x2 | Send-PostHogIncidentNotification -Channel PagerDuty, Slack -PagerDutyRoutingKey $key'; Remarks = 'A PagerDuty trigger (the incident is Investigating) with dedup_key 20261129-075631-k3f9x2, and the Internal message to the webhook in $env:POSTHOG_RUNBOOK_SLACK_WEBHOOK_URL.' }
        @{ Title = 'See what would be sent'; Code = 'Send-PostHogIncidentNotification 20261129-075631-k3f9x2 -Channel StatusPage -StatusPagePageId kctbh9vrtdwd -WhatIf'; Remarks = 'Prints the Statuspage create (or update) with its body; nothing is sent, nothing journaled.' }
        @{ Title = 'Close everywhere'; Code = 'Set-PostHogIncident 20261129-075631-k3f9x2 -Status Resolved -PassThru | Send-PostHogIncidentNotification -Channel PagerDuty, StatusPage, Slack'; Remarks = 'PagerDuty resolve with the same dedup_key, the status page incident updated to resolved and its component operational.' }
    )
    Links       = @('about_PostHogRunbook', 'New-PostHogIncidentMessage', 'Set-PostHogIncident')
}
