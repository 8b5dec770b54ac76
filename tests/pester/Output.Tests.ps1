# What the output looks like wherever it goes (issue 8, item 12): the console at 120 and 80 columns, in any
# culture; ConvertTo-Json and Export-Csv; completion of -Context.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    $script:lab = Start-PostHogLab -Scenario us-outage
    $script:savedCulture = [cultureinfo]::CurrentCulture
    $script:savedRendering = $PSStyle.OutputRendering
    $PSStyle.OutputRendering = 'PlainText'
    $parameters = @{
        StatusPageUrl = $lab.statusPage
        HealthUrl     = "$($lab.app)/health"
        PostHogHost   = $lab.posthog
        Region        = 'US'
        KubeConfig    = $lab.kubeconfig
        PrometheusUrl = $lab.deadUrl
        TimeoutSec    = 10
    }
    $script:report = Invoke-PostHogTriage @parameters
    $script:status = Get-PostHogStatus -StatusPageUrl $lab.statusPage -Region US
    $script:iso = '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'
}

AfterAll {
    [cultureinfo]::CurrentCulture = $savedCulture
    $PSStyle.OutputRendering = $savedRendering
    Stop-PostHogLab $lab
}

Describe 'Times' {
    It 'are ISO 8601 in UTC in every view, in a culture of <_>' -ForEach 'de-DE', 'en-US', 'ja-JP' {
        [cultureinfo]::CurrentCulture = [cultureinfo]::new($_)
        try {
            $statusList = $status | Format-List | Out-String -Width 200
            $statusList | Should -Match "RetrievedAt\s+: $iso"
            $statusList | Should -Match "since $iso on US Cloud"
            ($report | Format-List | Out-String -Width 200) | Should -Match "StartedAt\s+: $iso"
            ($status.Incidents | Format-Table | Out-String -Width 120) | Should -Match "(?m)^$iso FullOutage" -Because 'the incidents table starts with its time'
            $views = ($status | Format-List | Out-String) + ($report | Format-List | Out-String) + ($status.Incidents | Out-String) + ($status.ScheduledMaintenances | Out-String)
            $views | Should -Not -Match '\d{1,2}[./]\d{1,2}[./]\d{4}|\d{4}/\d\d/\d\d' -Because 'no culture''s date shape is used'
            $views | Should -Not -Match '\+00:00'
        }
        finally { [cultureinfo]::CurrentCulture = $savedCulture }
    }
}

Describe 'ConvertTo-Json' {
    It 'writes enums as names without -EnumsAsStrings' {
        $json = $report | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $json.Category | Should -Be $report.Category.ToString()
        $json.Severity | Should -BeOfType [string]
        $json.Severity | Should -Be $report.Severity.ToString()
        $json.RecommendedAction | Should -Be $report.RecommendedAction.ToString()
        $json.Checks[0].Name | Should -Be 'StatusPage'
        $json.Checks[0].Status | Should -BeIn 'Pass', 'Warn', 'Fail', 'Unavailable', 'Skipped'
        $json.Target.Region | Should -Be 'US'
        ($status | ConvertTo-Json -Depth 4 | ConvertFrom-Json).State | Should -Be 'FullOutage'
        try { (Set-PostHogRunbookConfig -Region EU -PassThru | ConvertTo-Json | ConvertFrom-Json).Region | Should -Be 'EU' }
        finally { Set-PostHogRunbookConfig -Clear }
    }
}

Describe 'Export-Csv' {
    It 'gives readable columns for reports and checks, never type names' {
        $reports = Join-Path $TestDrive 'reports.csv'
        $checks = Join-Path $TestDrive 'checks.csv'
        $report | Export-Csv -LiteralPath $reports
        $report.Checks | Export-Csv -LiteralPath $checks
        $text = (Get-Content -Raw $reports) + (Get-Content -Raw $checks)
        $text | Should -Not -Match 'System\.Collections|PostHogRunbook\.Model\.|\[\]'
        $row = Import-Csv $reports
        $row.Severity | Should -Be $report.Severity.ToString()
        $row.DecisionPath | Should -BeLike 'PostHog errors now?*'
        $row.Checks | Should -Match '^StatusPage: \w+ - '
        $row.Target | Should -Be 'lab/posthog/posthog-integration'
        $workload = Import-Csv $checks | Where-Object Name -eq 'Workload'
        $workload.Evidence | Should -Match '^posthog/posthog-integration: 3/3 available, 3 pods'
    }
}

Describe 'Table views' {
    BeforeAll {
        # Two reports: the lab's context and one the kubeconfig lacks.
        $script:two = @(Invoke-PostHogTriage @parameters -Context lab, elsewhere -ErrorAction SilentlyContinue)
    }

    It 'keep the whole target, the severity, the action and the category at 120 columns' {
        $lines = ($two | Format-Table | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Target\s+Sev\s+Action\s+Category\s+Summary'
        ($lines | Where-Object { $_ -like 'lab/posthog/posthog-integration *' }) | Should -Match "$($two[0].Severity)\s+$($two[0].RecommendedAction)\s+$($two[0].Category)\s+\S"
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 120 }
    }

    It 'keep the target, severity and action whole at 80 columns, shortening what follows' {
        $lines = ($two | Format-Table | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
        $row = $lines | Where-Object { $_ -like 'lab/posthog/posthog-integration *' }
        $row | Should -Match "^lab/posthog/posthog-integration\s+$($two[0].Severity)\s+$($two[0].RecommendedAction)\b"
        $lines[0] | Should -Not -Match 'Summ\s*$' -Because 'a column header is never cut into pieces'
    }

    It 'of the checks fit 80 columns' {
        $lines = ($report.Checks | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Name\s+Status\s+ms\s+Summary'
        @($lines).Count | Should -Be 8
        $lines | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }
}

Describe '-Context completion' {
    BeforeAll {
        $script:kubeconfig = Join-Path $TestDrive 'contexts.yaml'
        @'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:9' } }]
users: [{ name: u, user: { token: t } }]
contexts:
- { name: prod-us, context: { cluster: c, user: u } }
- { name: prod-eu, context: { cluster: c, user: u } }
- { name: staging, context: { cluster: c, user: u } }
current-context: staging
'@ | Set-Content $kubeconfig
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
    }

    It 'offers the kubeconfig''s contexts on <_>' -ForEach 'Set-PostHogRunbookConfig', 'Get-PostHogRunbookConfig', 'Invoke-PostHogTriage' {
        Complete "$_ -KubeConfig '$kubeconfig' -Context " | Should -Be @('prod-us', 'prod-eu', 'staging')
        Complete "$_ -KubeConfig '$kubeconfig' -Context prod-" | Should -Be @('prod-us', 'prod-eu')
    }

    It 'leaves out the contexts already typed' {
        Complete "Invoke-PostHogTriage -KubeConfig '$kubeconfig' -Context prod-us," | Should -Be @('prod-eu', 'staging')
        Complete "Invoke-PostHogTriage -KubeConfig '$kubeconfig' -Context prod-us, staging, prod" | Should -Be @('prod-eu')
    }

    It 'reads a -KubeConfig typed relative to $PWD' {
        Push-Location $TestDrive
        try { Complete "Get-PostHogRunbookConfig -KubeConfig ./contexts.yaml -Context st" | Should -Be @('staging') }
        finally { Pop-Location }
    }
}
