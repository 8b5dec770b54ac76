# Get-PostHogStatus against the lab's status pages: both generations, both regions, every scenario and error id.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    $script:lab = Start-PostHogLab -Scenario healthy
    $script:generations = @{ IncidentIo = $lab.statusPage; StatuspageV2 = $lab.statusPageV2 }
}

AfterAll {
    Stop-PostHogLab $script:lab
}

Describe 'Get-PostHogStatus on <Provider>' -ForEach @(
    @{ Provider = 'IncidentIo' }
    @{ Provider = 'StatuspageV2' }
) {
    BeforeAll {
        $url = $generations[$Provider]
    }

    AfterEach { Set-PostHogLabScenario $lab healthy }

    It 'reports a healthy page as operational and unaffected' {
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status | Should -BeOfType ([PostHogRunbook.Model.PostHogStatus])
        $status.Provider | Should -Be $Provider
        $status.State | Should -Be 'Operational'
        $status.IsAffected | Should -BeFalse
        $status.Incidents | Should -BeNullOrEmpty
        $status.Region | Should -Be 'US'
        $status.Summary | Should -Match '^US Cloud: operational'
    }

    It 'finds the site generation by itself and asks only the paths it needs' {
        Clear-PostHogLabRequest $lab
        Get-PostHogStatus -StatusPageUrl $url -Region US | Out-Null
        $paths = @(Get-PostHogLabRequest $lab | Where-Object part -like 'statusPage*' | ForEach-Object path)
        if ($Provider -eq 'IncidentIo') { $paths | Should -Be @('/api/v1/summary') }
        else { $paths | Should -Be @('/api/v1/summary', '/api/v2/summary.json') }
    }

    It 'marks US affected in a US outage, with the incident, its impact and components' {
        Set-PostHogLabScenario $lab us-outage
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status.IsAffected | Should -BeTrue
        $status.State | Should -Be 'FullOutage'
        $status.Incidents.Count | Should -Be 1
        $status.Incidents[0].Impact | Should -Be 'FullOutage'
        $status.Incidents[0].Regions | Should -Contain ([PostHogRunbook.Model.PostHogRegion]::US)
        $status.Incidents[0].StartedAt | Should -BeLessThan ([DateTimeOffset]::UtcNow)
        $status.Incidents[0].AffectedComponents -join ';' | Should -Match 'US Cloud / Event ingestion'
        @($status.Components | Where-Object State -eq 'FullOutage').Count | Should -BeGreaterThan 0
        $status.Summary | Should -Match 'US Cloud: full outage'
    }

    It 'leaves EU unaffected by a US outage' {
        Set-PostHogLabScenario $lab us-outage
        $status = Get-PostHogStatus -StatusPageUrl $url -Region EU
        $status.IsAffected | Should -BeFalse
        $status.State | Should -Be 'Operational'
        $status.Incidents | Should -BeNullOrEmpty
    }

    It 'leaves a US integration unaffected by an EU-only outage, and marks EU' {
        Set-PostHogLabScenario $lab eu-outage
        (Get-PostHogStatus -StatusPageUrl $url -Region US).IsAffected | Should -BeFalse
        $eu = Get-PostHogStatus -StatusPageUrl $url -Region EU
        $eu.IsAffected | Should -BeTrue
        $eu.Incidents[0].Regions | Should -Be @([PostHogRunbook.Model.PostHogRegion]::EU)
    }

    It 'takes the region from the PostHog host: <HostName> is <Expected>' -ForEach @(
        @{ HostName = 'https://us.i.posthog.com'; Expected = 'US'; Affected = $false }
        @{ HostName = 'eu.posthog.com'; Expected = 'EU'; Affected = $true }
    ) {
        Set-PostHogLabScenario $lab eu-outage
        $status = Get-PostHogStatus -StatusPageUrl $url -PostHogHost $HostName
        $status.Region | Should -Be $Expected
        $status.IsAffected | Should -Be $Affected
    }

    It 'shows everything for -Region All' {
        Set-PostHogLabScenario $lab eu-outage
        $status = Get-PostHogStatus -StatusPageUrl $url -Region All
        $status.IsAffected | Should -BeTrue
        $status.Region | Should -Be 'All'
    }

    It 'reports a maintenance in progress as affecting the region' {
        Set-PostHogLabScenario $lab maintenance
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status.IsAffected | Should -BeTrue
        $status.MaintenancesInProgress.Count | Should -BeGreaterThan 0
        $status.State | Should -BeIn 'UnderMaintenance', 'DegradedPerformance', 'PartialOutage'
        (Get-PostHogStatus -StatusPageUrl $url -Region EU).IsAffected | Should -BeFalse
    }

    It 'lists scheduled maintenances without calling the region affected' {
        $status = Get-PostHogStatus -StatusPageUrl $url -Region All
        $status.ScheduledMaintenances.Count | Should -BeGreaterThan 0
        $status.ScheduledMaintenances[0].StartsAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow)
        $status.IsAffected | Should -BeFalse
    }

    It 'reports the 429 incident PostHog declares' {
        Set-PostHogLabScenario $lab rate-limit-outage
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status.IsAffected | Should -BeTrue
        $status.Incidents[0].Impact | Should -Be 'DegradedPerformance'
    }

    It 'shows a green page when only PostHog''s API fails (<_>)' -ForEach @('bad-key', 'rate-limited', 'server-errors') {
        Set-PostHogLabScenario $lab $_
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status.IsAffected | Should -BeFalse
        $status.State | Should -Be 'Operational'
    }

    It 'waits for a slow page within -TimeoutSec, and gives up past it' {
        Set-PostHogLabScenario $lab slow
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US -TimeoutSec 30
        $status.State | Should -Be 'Operational'
        { Get-PostHogStatus -StatusPageUrl $url -Region US -TimeoutSec 1 -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageUnreachable,*' -ExpectedMessage '*within 1 s*'
    }

    It 'keeps values it does not know instead of failing' {
        Set-PostHogLabScenario $lab novel-values
        $status = Get-PostHogStatus -StatusPageUrl $url -Region US
        $status.IsAffected | Should -BeTrue
        $status.Incidents[0].Impact | Should -Be 'Unknown'
        $status.Incidents[0].RawImpact | Should -Not -BeNullOrEmpty
        $status.Incidents[0].RawImpact | Should -Not -BeIn 'none', 'minor', 'major', 'critical', 'degraded_performance', 'partial_outage', 'full_outage'
        @($status.Components | Where-Object State -eq 'Unknown').RawStatus | Should -Not -BeNullOrEmpty
    }

    It 'fails with StatusPageInvalidResponse, naming the content type, when the page serves HTML' {
        Set-PostHogLabScenario $lab html
        { Get-PostHogStatus -StatusPageUrl $url -Region US -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageInvalidResponse,*' -ExpectedMessage '*text/html*'
    }

    It 'fails with StatusPageInvalidResponse, showing the first bytes, on broken JSON' {
        Set-PostHogLabScenario $lab malformed
        $failure = { Get-PostHogStatus -StatusPageUrl $url -Region US -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageInvalidResponse,*' -PassThru
        $failure.Exception.Message | Should -Match 'not valid JSON'
        $failure.Exception.Message | Should -Match 'starts: \{'
        $failure.CategoryInfo.Category | Should -Be 'InvalidResult'
    }

    It 'fails with StatusPageHttpError and the code on a 502' {
        Set-PostHogLabScenario $lab status-error
        $failure = { Get-PostHogStatus -StatusPageUrl $url -Region US -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageHttpError,*' -PassThru
        $failure.Exception.Message | Should -Match '502'
    }

    It 'fails with StatusPageUnreachable after -TimeoutSec when the page never answers' {
        Set-PostHogLabScenario $lab unreachable
        $failure = { Get-PostHogStatus -StatusPageUrl $url -Region US -TimeoutSec 1 -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageUnreachable,*' -PassThru
        $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
    }
}

Describe 'Get-PostHogStatus failures that are not the page''s content' {
    It 'fails with StatusPageUnreachable when the connection is refused' {
        $failure = { Get-PostHogStatus -StatusPageUrl $lab.deadUrl -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageUnreachable,*' -PassThru
        $failure.Exception.Message | Should -Match 'refused'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'fails with StatusPageUnreachable when the name does not resolve' {
        { Get-PostHogStatus -StatusPageUrl 'http://status.invalid' -TimeoutSec 5 -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageUnreachable,*'
    }

    It 'fails with StatusPageInvalidResponse on JSON of an unknown shape' {
        # The lab's /_lab/scenario answers JSON that is neither provider's document.
        { Get-PostHogStatus -StatusPageUrl "$($lab.control)/_lab/scenario" -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageInvalidResponse,*' -ExpectedMessage '*unknown shape*'
    }

    It 'fails with StatusPageHttpError 404 when neither generation is served' {
        { Get-PostHogStatus -StatusPageUrl $lab.app -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageHttpError,*' -ExpectedMessage '*404*'
    }

    It 'rejects a timeout out of range before doing anything' {
        { Get-PostHogStatus -StatusPageUrl $lab.statusPage -TimeoutSec 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'stops promptly on Ctrl+C while the page hangs' {
        Set-PostHogLabScenario $lab unreachable
        try {
            $stop = Invoke-StoppedCommand -Lab $lab -Part statusPage -Script 'Get-PostHogStatus -StatusPageUrl $lab.statusPage -TimeoutSec 300'
            $stop.StopReturned | Should -BeTrue
            $stop.State | Should -Be 'Stopped'
            $stop.Threw | Should -BeTrue
            $stop.LabStatuses | Should -Contain 499 -Because 'the stop must close the connection, not leave it open in the background'
        }
        finally { Set-PostHogLabScenario $lab healthy }
    }
}

Describe 'PostHogStatus output' {
    It 'formats as a list by default, with a table view on request' {
        $status = Get-PostHogStatus -StatusPageUrl $lab.statusPage -Region US
        ($status | Out-String) | Should -Match 'Summary\s+: US Cloud: operational'
        ($status | Format-Table | Out-String) | Should -Match 'Region\s+State\s+Affected'
    }

    It 'converts to clean JSON with enums as names' {
        Set-PostHogLabScenario $lab us-outage
        try {
            $json = Get-PostHogStatus -StatusPageUrl $lab.statusPage -Region US | ConvertTo-Json -Depth 6 -EnumsAsStrings -WarningVariable warnings
            $warnings | Should -BeNullOrEmpty
            $back = $json | ConvertFrom-Json
            $back.State | Should -Be 'FullOutage'
            $back.Incidents[0].Impact | Should -Be 'FullOutage'
        }
        finally { Set-PostHogLabScenario $lab healthy }
    }
}
