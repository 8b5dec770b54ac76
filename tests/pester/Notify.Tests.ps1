# The incident's words and where they go: New-PostHogIncidentMessage, Send-PostHogIncidentNotification against the
# lab's Slack, PagerDuty and Statuspage (its Notify part: the bodies received, planned faults), New-PostHogPostmortem
# of a whole lab incident (triage | Resolve-PostHogIncident, a note, resolved) with the run's prometheus.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWorlds.psm1') -Force
    Set-PostHogRunbookConfig -Clear
    $env:POSTHOG_RUNBOOK_CONFIG = $null

    $script:prometheus = Use-LabPrometheus
    $script:world = @(Start-PostHogWorld -Scenario 'us-outage' -Prometheus $prometheus)[0]
    $script:lab = $world.Lab
    $script:journal = Join-Path $TestDrive 'journal'
    $script:plantedKey = 'phc_PlantedInAMessage0123456789abcdefghijklmnop'

    function Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }

    # Everything a send needs, pointed at the lab's Notify part; -Override replaces some.
    function Get-SendParameters([hashtable] $Override = @{}) {
        $parameters = @{
            SlackWebhookUrl       = Secure $lab.slackWebhookUrl
            PagerDutyRoutingKey   = Secure $lab.pagerDutyRoutingKey
            StatusPageApiKey      = Secure $lab.statusPageApiKey
            PagerDutyEventsUrl    = $lab.notify
            StatusPageApiUrl      = $lab.notify
            StatusPagePageId      = $lab.statusPagePageId
            StatusPageComponentId = $lab.statusPageComponentId
            JournalPath           = $journal
            TimeoutSec            = 20
        }
        foreach ($entry in $Override.GetEnumerator()) { $parameters[$entry.Key] = $entry.Value }
        $parameters
    }

    # What the lab's notification services received, bodies included (one service, or all).
    function Get-NotifyRequest([string] $Service) {
        $uri = "$($lab.notify)/_notify/requests" + $(if ($Service) { "?service=$Service" } else { '' })
        @((Invoke-RestMethod -Uri $uri) | ForEach-Object { $_ })
    }

    function Clear-NotifyRequest { Invoke-RestMethod -Method Delete -Uri "$($lab.notify)/_notify/requests" | Out-Null }

    # The next Times requests to Service get this answer instead of the real one.
    function Add-NotifyFault([string] $Service, [int] $Status, [string] $Body, $RetryAfterSeconds = $null, [int] $Times = 1) {
        $fault = @{ service = $Service; status = $Status; body = $Body; retryAfterSeconds = $RetryAfterSeconds; times = $Times } | ConvertTo-Json
        Invoke-RestMethod -Method Post -Uri "$($lab.notify)/_notify/faults" -Body $fault -ContentType 'application/json' | Out-Null
    }

    # The whole lab incident: triage (with this world's metrics), the fix, a commander, an impact and a note.
    $triage = @{
        StatusPageUrl = $lab.statusPage; HealthUrl = "$($lab.app)/health"; PostHogHost = $lab.posthog; Region = 'US'
        KubeConfig = $lab.kubeconfig; TimeoutSec = 30
        PrometheusUrl = if ($world.Prometheus.Available) { $world.Prometheus.Url } else { $lab.deadUrl }
    }
    if ($world.Prometheus.Available) { $triage.MetricsSelector = $world.Selector }
    $script:report = Invoke-PostHogTriage @triage
    $script:incident = $report | Resolve-PostHogIncident -JournalPath $journal -Confirm:$false
    $script:incident = Set-PostHogIncident -Id $incident.Id -Commander 'alice' -Impact 'Feature flags fall back to defaults on posthog-integration-7d9f8c-x2k4p' -Note 'PostHog confirms the US outage' -JournalPath $journal -PassThru
}

AfterAll {
    Stop-PostHogWorld @($world)
    Stop-LabPrometheus $prometheus
}

Describe 'New-PostHogIncidentMessage' {
    It 'fills the internal template: severity, status, impact, current action, next update, commander, last updated' {
        $message = $incident | New-PostHogIncidentMessage
        $message | Should -BeOfType ([PostHogRunbook.Model.IncidentMessage])
        $message.Audience | Should -Be 'Internal'
        $message.Text | Should -Match 'Severity: P1'
        $message.Text | Should -Match 'Status: Mitigated'
        $message.Text | Should -Match 'Impact: Feature flags fall back to defaults'
        $action = $incident.Actions | Select-Object -Last 1
        $action.Action | Should -Be 'EnableFallback'
        $message.Text | Should -Match ([regex]::Escape("Current action: EnableFallback on $($action.Target) (Applied)"))
        $message.Text | Should -Match 'Incident commander: alice'
        $message.Text | Should -Match ('Last updated: ' + [regex]::Escape($incident.UpdatedAt.UtcDateTime.ToString('yyyy-MM-dd HH:mm')))
        # P1: the next update in 30 minutes.
        ($message.NextUpdate - [DateTimeOffset]::UtcNow).TotalMinutes | Should -BeGreaterThan 25
        ($message.NextUpdate - [DateTimeOffset]::UtcNow).TotalMinutes | Should -BeLessOrEqual 30
        $message.Text | Should -Match ('Next update: ' + [regex]::Escape($message.NextUpdate.UtcDateTime.ToString('yyyy-MM-dd HH:mm')))
    }

    It 'fills the external template with no internal host, pod, namespace, context or commander' {
        $next = [DateTime]::new(2026, 12, 2, 9, 15, 0, [DateTimeKind]::Utc)
        $message = New-PostHogIncidentMessage $incident.Id -Audience External -NextUpdate $next -JournalPath $journal
        $message.Text | Should -Match '^Monitoring - A fix has been applied'
        $message.Text | Should -Match 'Impact: Feature flags fall back to defaults on our service'
        $message.Text | Should -Match 'Next update: by 2026-12-02 09:15 UTC'
        foreach ($internal in 'posthog-integration', '127.0.0.1', 'alice', 'deployment', 'context lab', 'phc_') {
            $message.Text | Should -Not -Match ([regex]::Escape($internal))
        }
    }

    It 'says IncidentNotFound for an id the journal does not hold' {
        New-PostHogIncidentMessage 20200101-000000-nothere -JournalPath $journal -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'IncidentNotFound,*'
    }
}

Describe 'Send-PostHogIncidentNotification' {
    BeforeEach { Clear-NotifyRequest }

    It 'with -WhatIf shows each payload and sends and journals nothing' {
        $before = (Get-PostHogIncident $incident.Id -JournalPath $journal).Timeline.Count
        $send = Get-SendParameters
        $shown = $incident | Send-PostHogIncidentNotification -Channel Slack, PagerDuty, StatusPage @send -WhatIf -Verbose 4>&1 | Out-String
        $shown | Should -Match ('"dedup_key": "' + $incident.Id)
        $shown | Should -Match '"routing_key": "\[REDACTED\]"'
        $shown | Should -Match '"blocks"'
        $shown | Should -Not -Match ([regex]::Escape($lab.pagerDutyRoutingKey))
        Get-NotifyRequest | Should -BeNullOrEmpty
        (Get-PostHogIncident $incident.Id -JournalPath $journal).Timeline.Count | Should -Be $before
    }

    It 'sends to each channel and returns one result per channel, each send journaled' {
        $send = Get-SendParameters
        $results = @($incident | Send-PostHogIncidentNotification -Channel Slack, PagerDuty, StatusPage @send -Confirm:$false)
        $results.Count | Should -Be 3
        $results.Channel | Should -Be @('Slack', 'PagerDuty', 'StatusPage')
        $results | ForEach-Object { $_.Succeeded | Should -BeTrue -Because "$($_.Channel): $($_.Error)" }
        ($results | Where-Object Channel -eq Slack).HttpStatus | Should -Be 200
        ($results | Where-Object Channel -eq PagerDuty).HttpStatus | Should -Be 202
        ($results | Where-Object Channel -eq StatusPage).HttpStatus | Should -Be 201
        $slack = (Get-NotifyRequest slack)[0].body | ConvertFrom-Json
        $slack.text | Should -Match 'Severity: P1'
        $slack.blocks[0].type | Should -Be 'header'
        $pagerDuty = (Get-NotifyRequest pagerduty)[0].body | ConvertFrom-Json
        # Mitigated: someone works on it, so the Auto action is acknowledge.
        $pagerDuty.event_action | Should -Be 'acknowledge'
        $pagerDuty.dedup_key | Should -Be $incident.Id
        $statusPage = (Get-NotifyRequest statuspage)[0].body | ConvertFrom-Json
        $statusPage.incident.status | Should -Be 'monitoring'
        $statusPage.incident.components.($lab.statusPageComponentId) | Should -Be 'major_outage'
        $sent = (Get-PostHogIncident $incident.Id -JournalPath $journal).Notifications
        @($sent | Where-Object Succeeded).Count | Should -BeGreaterOrEqual 3
        ($results | Format-Table | Out-String) | Should -Match 'StatusPage\s+True\s+201\s+1\s+inc'
    }

    It 'turns Slack''s <Word> into <ErrorId>' -ForEach @(
        @{ Word = 'invalid_payload'; Status = 400; ErrorId = 'SlackInvalidPayload' }
        @{ Word = 'action_prohibited'; Status = 403; ErrorId = 'SlackActionProhibited' }
        @{ Word = 'channel_not_found'; Status = 404; ErrorId = 'SlackChannelNotFound' }
        @{ Word = 'channel_is_archived'; Status = 410; ErrorId = 'SlackChannelArchived' }
        @{ Word = 'no_service'; Status = 404; ErrorId = 'SlackNoService' }
    ) {
        $url = Secure "$($lab.notify)/services/T0LAB0000/B0LAB0000/$Word"
        $send = Get-SendParameters @{ SlackWebhookUrl = $url }
        $result = $incident | Send-PostHogIncidentNotification -Channel Slack @send -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $result.Succeeded | Should -BeFalse
        $result.HttpStatus | Should -Be $Status
        $result.Attempts | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $failures[0].Exception.Message | Should -Match $Word
        $failures[0].Exception.Message | Should -Not -Match 'LabWebhookSecret|T0LAB0000/B0LAB0000'
    }

    It 'shows PagerDuty''s errors list for a 400 and does not retry it' {
        $send = Get-SendParameters @{ PagerDutyRoutingKey = (Secure 'short') }
        $result = $incident | Send-PostHogIncidentNotification -Channel PagerDuty @send -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $result.HttpStatus | Should -Be 400
        $result.Attempts | Should -Be 1
        @(Get-NotifyRequest pagerduty).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'PagerDutyInvalidEvent,*'
        $failures[0].Exception.Message | Should -Match "Length of 'routing_key' is incorrect"
    }

    It 'says StatusPageUnauthorized for a wrong key and StatusPageNotFound for a wrong page' {
        $send = Get-SendParameters @{ StatusPageApiKey = (Secure 'wrong') }
        $incident | Send-PostHogIncidentNotification -Channel StatusPage @send -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable unauthorized | Out-Null
        $unauthorized[0].FullyQualifiedErrorId | Should -BeLike 'StatusPageUnauthorized,*'
        $unauthorized[0].Exception.Message | Should -Match 'Could not authenticate'
        $send = Get-SendParameters @{ StatusPagePageId = 'nopage' }
        $incident | Send-PostHogIncidentNotification -Channel StatusPage @send -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable notFound | Out-Null
        $notFound[0].FullyQualifiedErrorId | Should -BeLike 'StatusPageNotFound,*'
    }

    It 'retries a 429 after its Retry-After and counts 2 attempts' {
        Add-NotifyFault slack 429 'rate_limited' -RetryAfterSeconds 1
        $send = Get-SendParameters
        $result = $incident | Send-PostHogIncidentNotification -Channel Slack @send -Confirm:$false
        $result.Succeeded | Should -BeTrue
        $result.Attempts | Should -Be 2
        $requests = Get-NotifyRequest slack
        $requests.status | Should -Be @(429, 200)
        ([DateTimeOffset] $requests[1].at - [DateTimeOffset] $requests[0].at).TotalSeconds | Should -BeGreaterOrEqual 0.9 -Because 'Retry-After: 1 is honoured'
    }

    It 'does not retry a 400' {
        Add-NotifyFault slack 400 'invalid_payload' -Times 3
        $send = Get-SendParameters
        $result = $incident | Send-PostHogIncidentNotification -Channel Slack @send -Confirm:$false -ErrorAction SilentlyContinue
        $result.Attempts | Should -Be 1
        @(Get-NotifyRequest slack).Count | Should -Be 1
    }

    It 'never lets a key planted in a message reach any service' {
        # External: a message every channel takes as it is (an Internal one is not sent to the status page).
        $message = [PostHogRunbook.Model.IncidentMessage]::new($incident.Id, 'External', "Flags down, key $plantedKey", "Impact: the key $plantedKey is rejected", 'P1', 'Mitigated',
            "key $plantedKey rejected", 'EnableFallback', 'alice', [DateTimeOffset]::UtcNow.AddMinutes(30), [DateTimeOffset]::UtcNow)
        $send = Get-SendParameters @{ EventAction = 'Trigger' }
        $results = @($message | Send-PostHogIncidentNotification -Channel Slack, PagerDuty, StatusPage @send -Confirm:$false)
        $results | ForEach-Object { $_.Succeeded | Should -BeTrue -Because "$($_.Channel): $($_.Error)" }
        $requests = Get-NotifyRequest
        $requests.Count | Should -Be 3
        foreach ($request in $requests) {
            $request.body | Should -Not -Match ([regex]::Escape($plantedKey))
            $request.body | Should -Match 'REDACTED'
        }
        (Get-Content -Raw (Join-Path $journal "$($incident.Id).jsonl")) | Should -Not -Match ([regex]::Escape($plantedKey))
    }

    It 'retries with Polly.Core loaded in the module''s own load context, beside KubernetesClient' {
        $polly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Polly.Core' }
        @($polly).Count | Should -Be 1
        [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($polly).Name | Should -Be 'PostHogRunbook'
        $polly.Location | Should -BeLike '*Dependencies*Polly.Core.dll'
    }

    It 'takes the credentials and the page from the session profile (Set-PostHogRunbookConfig)' {
        try {
            Set-PostHogRunbookConfig -PagerDutyRoutingKey (Secure $lab.pagerDutyRoutingKey) -PagerDutyEventsUrl $lab.notify -StatusPageApiKey (Secure $lab.statusPageApiKey) `
                -StatusPageApiUrl $lab.notify -StatusPagePageId $lab.statusPagePageId -JournalPath $journal
            $results = @($incident | Send-PostHogIncidentNotification -Channel PagerDuty, StatusPage -Confirm:$false)
            $results | ForEach-Object { $_.Succeeded | Should -BeTrue -Because "$($_.Channel): $($_.Error)" }
            (Get-PostHogRunbookConfig | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($lab.pagerDutyRoutingKey))
        }
        finally { Set-PostHogRunbookConfig -Clear }
    }

    It 'says which credential is missing, and refuses one in a config file' {
        $parameters = Get-SendParameters
        $parameters.Remove('SlackWebhookUrl')
        $incident | Send-PostHogIncidentNotification -Channel Slack @parameters -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SlackWebhookUrlMissing,*'
        $config = Join-Path $TestDrive 'with-key.json'
        @{ SlackWebhookUrl = $lab.slackWebhookUrl } | ConvertTo-Json | Set-Content $config
        { $incident | Send-PostHogIncidentNotification -Channel Slack -JournalPath $journal -ConfigPath $config -Confirm:$false } | Should -Throw -ErrorId 'ConfigFileHoldsSecret,*'
        Get-NotifyRequest | Should -BeNullOrEmpty
    }
}

Describe 'The whole lab incident, closed' {
    BeforeAll {
        Clear-NotifyRequest
        $send = Get-SendParameters @{ EventAction = 'Trigger' }
        $script:triggered = $incident | Send-PostHogIncidentNotification -Channel PagerDuty @send -Confirm:$false
        $script:resolved = Set-PostHogIncident -Id $incident.Id -Status Resolved -Note 'Fallback disabled again, error ratio back under 1%' -JournalPath $journal -PassThru
        $send = Get-SendParameters
        $script:closing = @($resolved | Send-PostHogIncidentNotification -Channel PagerDuty, StatusPage @send -Confirm:$false)
        $script:postmortemPath = Join-Path $TestDrive 'postmortem.md'
        $metrics = if ($world.Prometheus.Available) { @{ PrometheusUrl = $world.Prometheus.Url; MetricsSelector = $world.Selector } } else { @{ PrometheusUrl = $lab.deadUrl } }
        $script:postmortem = $resolved | New-PostHogPostmortem -Path $postmortemPath @metrics -JournalPath $journal -Confirm:$false
    }

    It 'triggers then resolves PagerDuty under one dedup_key' {
        $triggered.Succeeded | Should -BeTrue
        $events = Get-NotifyRequest pagerduty | ForEach-Object { $_.body | ConvertFrom-Json }
        $events.event_action | Should -Be @('trigger', 'resolve')
        $events.dedup_key | Select-Object -Unique | Should -Be $incident.Id
    }

    It 'updates the status page incident it created, by the id the journal kept' {
        $update = $closing | Where-Object Channel -eq StatusPage
        $update.Succeeded | Should -BeTrue
        $update.HttpStatus | Should -Be 200
        $request = Get-NotifyRequest statuspage
        $request.method | Should -Be 'PATCH'
        $created = (Get-PostHogIncident $incident.Id -JournalPath $journal).Notifications | Where-Object { $_.Channel -eq 'StatusPage' -and $_.EventAction -eq 'create' -and $_.Succeeded } | Select-Object -First 1
        $request.path | Should -BeLike "*/incidents/$($created.ExternalId)"
        ($request.body | ConvertFrom-Json).incident.status | Should -Be 'resolved'
        $pages = Invoke-RestMethod -Uri "$($lab.notify)/v1/pages/$($lab.statusPagePageId)/incidents" -Headers @{ Authorization = "OAuth $($lab.statusPageApiKey)" }
        @($pages).Count | Should -Be 1 -Because 'the incident was created once, then updated'
    }

    It 'writes a postmortem with every section filled from the journal' {
        $postmortem | Should -BeOfType ([PostHogRunbook.Model.Postmortem])
        $postmortem.Path | Should -Be $postmortemPath
        (Get-Content -Raw $postmortemPath) | Should -Be $postmortem.Markdown
        $markdown = $postmortem.Markdown
        $markdown | Should -Match ('- \*\*Date:\*\* ' + $incident.StartedAt.UtcDateTime.ToString('yyyy-MM-dd'))
        $markdown | Should -Match '- \*\*Duration:\*\* \d+(m \d\ds|s|h \d\dm)\r?\n'
        $markdown | Should -Match '- \*\*Severity:\*\* P1'
        $markdown | Should -Match '- \*\*Incident commander:\*\* alice'
        $markdown | Should -Match '## Summary'
        $timeline = @([regex]::Matches($markdown, '(?m)^- \d\d:\d\d \*\*\w+\*\*'))
        $timeline.Count | Should -Be (Get-PostHogIncident $incident.Id -JournalPath $journal).Timeline.Count
        $markdown | Should -Match '\*\*Note\*\* PostHog confirms the US outage'
        $markdown | Should -Match "\*\*PostHogOutage\*\* \(P1\), recommending EnableFallback"
        $markdown | Should -Match '1\. '
        $markdown | Should -Match '- Time to detect: \d'
        $markdown | Should -Match '- Time to mitigate: \d'
        $markdown | Should -Match '- Time to resolve: \d'
        $markdown | Should -Match '\| Make the fallback .* \| _to fill in_ \| _to fill in_ \|'
        $markdown | Should -Match '- Revenue impact: _to fill in_'
    }

    It 'reads the impact from the metrics over the incident' {
        if (-not $world.Prometheus.Available) { Set-ItResult -Skipped -Because $world.Prometheus.Reason; return }
        $postmortem.Markdown | Should -Match '- Requests failed: [\d,]+\r?\n'
        $postmortem.Markdown | Should -Match '- Peak error ratio: \d+(\.\d+)?%'
    }
}
