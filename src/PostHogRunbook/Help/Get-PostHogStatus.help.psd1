@{
    Synopsis    = 'Reads PostHog''s status page and tells whether PostHog has declared an incident or a maintenance in your region.'
    Description = @(
        'Get-PostHogStatus reads PostHog''s public status page, whichever generation serves it: incident.io''s widget API (GET /api/v1/summary, www.posthogstatus.com, today) or Atlassian Statuspage v2 (/api/v2/summary.json, the older status.posthog.com). Given the site''s root it asks incident.io''s path first and falls back to Statuspage''s; given a document URL it reads that document.'
        'The answer is filtered to one region: an incident on EU Cloud components does not mark a US integration as affected, and the other way round. The region comes from -Region, else from the PostHog host (us.* or eu.*, -PostHogHost or the runbook profile), else All.'
        'Values the module does not know (a new impact or component status) are kept in RawStatus and RawImpact and mapped to Unknown; they never fail the command.'
        'Failures have stable error ids: StatusPageUnreachable (connection refused, DNS, timeout), StatusPageInvalidResponse (HTML, broken JSON or an unknown shape; the message shows the content type and the first bytes), StatusPageHttpError (a non-2xx answer, with its code). They are that input''s errors, not the command''s: -ErrorAction SilentlyContinue or Ignore silences them, piped inputs go on, and -ErrorAction Stop makes them catchable. A bad setting (InvalidSetting, naming where it came from) or config file stops the command. Ctrl+C stops the command at once.'
    )
    Parameters  = @{
        StatusPageUrl = 'The status site (default https://www.posthogstatus.com, or the profile''s StatusPageUrl) or a status document on it, such as https://status.example.com/api/v2/summary.json.'
        Region        = 'US, EU or All. Overrides the region implied by the PostHog host.'
        PostHogHost   = 'The PostHog host your integration talks to (us.i.posthog.com, eu.posthog.com, ...). Its us./eu. prefix picks the region when -Region is not given.'
        TimeoutSec    = 'How long to wait for the status page, in seconds (1-600; default 10, or the profile''s TimeoutSec).'
        ConfigPath    = 'A JSON runbook profile to read settings from, instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder. The path means what it means in your shell: relative to the current location, ~ for your home, drive paths such as TestDrive:/x.'
    }
    Outputs     = @{
        'PostHogRunbook.Model.PostHogStatus' = 'The region''s state, whether it is affected, its components, ongoing incidents with their impact, maintenances in progress and scheduled, the provider and when it was read.'
    }
    Examples    = @(
        @{
            Title   = 'Is PostHog US Cloud down?'
            Code    = 'Get-PostHogStatus -Region US'
            Remarks = 'Reads www.posthogstatus.com and shows the US view: State, Affected, a one-line Summary, the incidents and maintenances on US Cloud components.'
        }
        @{
            Title   = 'Fail a scheduled job when PostHog declares an incident for our host'
            Code    = 'if ((Get-PostHogStatus -PostHogHost https://eu.i.posthog.com).IsAffected) { Write-Error ''PostHog EU Cloud has an ongoing incident''; exit 1 }'
            Remarks = 'The EU host selects the EU view; a US-only incident leaves IsAffected false.'
        }
        @{
            Title   = 'Read the older Statuspage generation and list the incidents'
            Code    = 'Get-PostHogStatus -StatusPageUrl https://status.posthog.com/api/v2/summary.json -Region All | Select-Object -ExpandProperty Incidents'
            Remarks = 'Any Statuspage v2 document works; the incidents are shown as a table.'
        }
    )
    Links       = @('about_PostHogRunbook', 'Invoke-PostHogTriage')
}
