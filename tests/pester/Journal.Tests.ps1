# The incident journal as PowerShell shows it: New/Get/Set-PostHogIncident through the pipeline, error ids,
# the views, where the journal folder is, and several pwsh processes writing to one incident at once.
# No lab: the incidents are opened from triage reports built here, or by hand.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    $script:saved = @{}
    foreach ($name in 'POSTHOG_RUNBOOK_JOURNAL', 'POSTHOG_RUNBOOK_CONFIG', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'HOME') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    # No stray config file or session value decides where the journal is.
    $env:POSTHOG_RUNBOOK_CONFIG = $null
    $env:POSTHOG_RUNBOOK_JOURNAL = $null
    $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'no-user-config'
    Set-PostHogRunbookConfig -Clear

    # This very pwsh, started fresh: dotnet running the same pwsh.dll (or the pwsh executable).
    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArguments = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })

    # A triage report as Invoke-PostHogTriage makes it (the model types are public), for a target in a made-up cluster.
    function New-TestTriageReport {
        param(
            [string] $Context = 'prod-us',
            [string] $Namespace = 'posthog',
            [string] $Category = 'PostHogOutage',
            [string] $Severity = 'P1',
            [string] $Action = 'EnableFallback',
            [string] $Summary = 'PostHogOutage (P1): 75% of the integration''s requests fail; PostHog declares a full outage on US Cloud. Next: EnableFallback.'
        )
        $target = [PostHogRunbook.Model.TriageTarget]::new($null, $Context, $Namespace, 'posthog-integration', 'app=posthog-integration', 'posthog-secrets', 'api-key',
            'https://us.i.posthog.com', [PostHogRunbook.Model.PostHogRegion]::US, 'https://www.posthogstatus.com', $null, 'http://localhost:9090')
        [PostHogRunbook.Model.TriageReport]::new($Category, $Severity, $Action, $Summary,
            [PostHogRunbook.Model.DecisionStep[]] @(
                [PostHogRunbook.Model.DecisionStep]::new('PostHogErrorsNow', 'Yes', $null, [PostHogRunbook.Model.DecisionEvidence[]] @(), 'PostHog errors now? yes: the live probe got HTTP 503.')
                [PostHogRunbook.Model.DecisionStep]::new('StatusPageDeclaresIncident', 'Yes', $null, [PostHogRunbook.Model.DecisionEvidence[]] @(), 'Does PostHog''s status page show an incident on US Cloud? yes.')),
            '503', 0.75, [PostHogRunbook.Model.TriageCheck[]] @(), $target, [DateTimeOffset]::UtcNow, [TimeSpan]::FromSeconds(2))
    }

    # Runs a script in a brand-new pwsh with the given environment; returns its output lines; throws on a non-zero exit.
    function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}, [string] $WorkingDirectory = $TestDrive) {
        $start = New-FreshPwshStart $Script $Environment $WorkingDirectory
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($start)
        $errorTask = $process.StandardError.ReadToEndAsync()
        $output = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        if ($process.ExitCode -ne 0) { throw "fresh pwsh exited $($process.ExitCode)`n$output`n$($errorTask.GetAwaiter().GetResult())" }
        @($output -split "`r?`n" | Where-Object { $_ })
    }

    function New-FreshPwshStart([string] $Script, [hashtable] $Environment, [string] $WorkingDirectory) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
        foreach ($argument in @($pwshArguments) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script)))) {
            $start.ArgumentList.Add($argument)
        }
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $WorkingDirectory
        foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = $entry.Value }
        $start
    }
}

AfterAll {
    Set-PostHogRunbookConfig -Clear
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
}

Describe 'New, Get and Set through the pipeline' {
    BeforeEach {
        $script:journal = Join-Path $TestDrive ('journal-' + [guid]::NewGuid().ToString('n').Substring(0, 6))
    }

    It 'opens an incident from a piped triage report and reads it back' {
        $opened = New-TestTriageReport | New-PostHogIncident -Commander alice -JournalPath $journal

        $opened | Should -BeOfType ([PostHogRunbook.Model.PostHogIncident])
        $opened.Id | Should -Match '^\d{8}-\d{6}-[0-9a-z]{6}$'
        $opened.Status | Should -Be 'Investigating'
        $opened.Severity | Should -Be 'P1'
        $opened.Category | Should -Be 'PostHogOutage'
        $opened.Commander | Should -Be 'alice'
        $opened.Target.ToString() | Should -Be 'prod-us/posthog/posthog-integration'
        $opened.Reports.Count | Should -Be 1
        $opened.Reports[0].RecommendedAction | Should -Be 'EnableFallback'
        @($opened.Timeline.Kind) | Should -Be @('Opened', 'Triage', 'Commander')

        $read = Get-PostHogIncident -JournalPath $journal
        $read.Id | Should -Be $opened.Id
        Test-Path (Join-Path $journal "$($opened.Id).jsonl") | Should -BeTrue
    }

    It 'adds a note to every piped incident (Id binds by property name), each change a new entry' {
        $us = New-TestTriageReport -Context prod-us | New-PostHogIncident -JournalPath $journal
        $eu = New-TestTriageReport -Context prod-eu | New-PostHogIncident -JournalPath $journal

        Get-PostHogIncident -JournalPath $journal | Set-PostHogIncident -Note 'PostHog confirms the outage' -JournalPath $journal | Should -BeNullOrEmpty
        $changed = Set-PostHogIncident -Id $us.Id -Status Mitigated -Commander bob -Impact 'Flags use their defaults in the US' -JournalPath $journal -PassThru

        $changed.Status | Should -Be 'Mitigated'
        $changed.Commander | Should -Be 'bob'
        $changed.Impact | Should -Be 'Flags use their defaults in the US'
        @($changed.Timeline.Kind) | Should -Be @('Opened', 'Triage', 'Note', 'StatusChanged', 'Commander', 'Impact')
        ($changed.Timeline | Where-Object Kind -eq StatusChanged).Message | Should -Be 'Status: Investigating -> Mitigated.'
        $euRead = Get-PostHogIncident $eu.Id -JournalPath $journal
        ($euRead.Timeline | Where-Object Kind -eq Note).Message | Should -Be 'PostHog confirms the outage'
        $euRead.Status | Should -Be 'Investigating'
    }

    It 'writes nothing for a change to what the incident already is, and nothing under -WhatIf' {
        $incident = New-TestTriageReport | New-PostHogIncident -Commander alice -JournalPath $journal
        $file = Join-Path $journal "$($incident.Id).jsonl"
        $before = Get-FileHash $file

        Set-PostHogIncident $incident.Id -Status Investigating -Commander alice -JournalPath $journal
        Set-PostHogIncident $incident.Id -Status Resolved -Note 'would close it' -JournalPath $journal -WhatIf

        (Get-FileHash $file).Hash | Should -Be $before.Hash
    }

    It 'lists newest first and filters by status' {
        $first = New-TestTriageReport -Context a | New-PostHogIncident -JournalPath $journal
        $second = New-TestTriageReport -Context b | New-PostHogIncident -JournalPath $journal
        Set-PostHogIncident $first.Id -Status Resolved -JournalPath $journal

        @((Get-PostHogIncident -JournalPath $journal).Id) | Should -Be @($second.Id, $first.Id)
        @((Get-PostHogIncident -Status Resolved -JournalPath $journal).Id) | Should -Be @($first.Id)
        @((Get-PostHogIncident -Status Investigating, Mitigated -JournalPath $journal).Id) | Should -Be @($second.Id)
    }

    It 'opens one by hand for the profile''s target, and refuses a second for the same deployment' {
        $byHand = New-PostHogIncident -Severity P2 -Summary 'Customers report missing events' -Context prod-us -Namespace posthog -JournalPath $journal
        $byHand.Target.ToString() | Should -Be 'prod-us/posthog/posthog-integration'
        $byHand.Severity | Should -Be 'P2'
        $byHand.Category | Should -Be 'Unknown'

        { New-TestTriageReport | New-PostHogIncident -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'IncidentAlreadyOpen,*'
        $record = $null
        New-TestTriageReport | New-PostHogIncident -JournalPath $journal -ErrorAction SilentlyContinue -ErrorVariable record | Out-Null
        $record[0].ErrorDetails.RecommendedAction | Should -BeLike "*Set-PostHogIncident -Id $($byHand.Id)*"
        @(Get-PostHogIncident -JournalPath $journal).Count | Should -Be 1
    }

    It 'opens nothing for a Healthy report, and says so' {
        $healthy = New-TestTriageReport -Category Healthy -Severity None -Action None -Summary 'Healthy.'
        $result = $healthy | New-PostHogIncident -JournalPath $journal -WarningVariable warned -WarningAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        "$warned" | Should -BeLike '*nothing to open an incident for*'
        Test-Path $journal | Should -BeFalse
    }

    It 'masks a key pasted into a note or the impact, in the file too' {
        $incident = New-TestTriageReport | New-PostHogIncident -JournalPath $journal
        $key = 'phc_' + 'Pasted0123456789abcdefghijklmnopqrstuvw'
        $shown = Set-PostHogIncident $incident.Id -Note "curl -d api_key=$key" -Impact "all capture with $key fails" -JournalPath $journal -PassThru

        Get-Content -Raw (Join-Path $journal "$($incident.Id).jsonl") | Should -Not -Match 'Pasted0123'
        ($shown | Format-List | Out-String) + ($shown | ConvertTo-Json -Depth 6 -EnumsAsStrings) | Should -Not -Match 'Pasted0123'
        $shown.Impact | Should -BeLike '*phc_`[REDACTED`]*'
    }
}

Describe 'Errors' {
    BeforeAll {
        $script:journal = Join-Path $TestDrive 'errors'
        $script:known = New-TestTriageReport | New-PostHogIncident -JournalPath $journal
    }

    It 'is IncidentNotFound for an unknown id, from Get and from Set' {
        { Get-PostHogIncident -Id 20261129-075631-zzzzzz -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'IncidentNotFound,*'
        { Set-PostHogIncident -Id 20261129-075631-zzzzzz -Note x -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'IncidentNotFound,*'
        { Get-PostHogIncident -Id ../../etc/passwd -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'IncidentNotFound,*'
    }

    It 'still reads the other ids when one is unknown' {
        $found = Get-PostHogIncident -Id nope, $known.Id -JournalPath $journal -ErrorVariable failures -ErrorAction SilentlyContinue
        $found.Id | Should -Be $known.Id
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'IncidentNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses a Set with nothing to change' {
        { Set-PostHogIncident -Id $known.Id -JournalPath $journal } | Should -Throw -ErrorId 'IncidentChangeMissing,*'
    }
}

Describe 'The views' {
    BeforeAll {
        $script:journal = Join-Path $TestDrive 'views'
        $script:incident = New-TestTriageReport | New-PostHogIncident -Commander alice -JournalPath $journal
        Set-PostHogIncident $incident.Id -Note 'Fallback enabled by hand' -JournalPath $journal
    }

    It 'shows a list of incidents as a table with StartedAt in ISO 8601 UTC' {
        $text = Get-PostHogIncident -JournalPath $journal | Out-String -Width 160
        $text | Should -Match 'Id\s+Status\s+Severity\s+Category\s+Target\s+StartedAt'
        $iso = $incident.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
        $text | Should -Match ([regex]::Escape($incident.Id) + '\s+Investigating\s+P1\s+PostHogOutage\s+prod-us/posthog/posthog-integration\s+' + [regex]::Escape($iso))
    }

    It 'shows one incident as a list with a readable Timeline' {
        $text = Get-PostHogIncident $incident.Id -JournalPath $journal | Out-String -Width 200
        $text | Should -Match 'Commander\s*:\s*alice'
        $text | Should -Match 'Timeline\s*:\s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+Opened\s+Opened for prod-us/posthog/posthog-integration'
        $text | Should -Match 'Note\s+Fallback enabled by hand\s+\(\S+@\S+\)'
        $text | Should -Match 'Triage\s*:\s*\d\d:\d\d:\d\dZ\s+P1 PostHogOutage -> EnableFallback'
    }

    It 'converts to clean JSON that reads back' {
        $json = Get-PostHogIncident $incident.Id -JournalPath $journal | ConvertTo-Json -Depth 6 -EnumsAsStrings -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
        $back = $json | ConvertFrom-Json
        $back.Id | Should -Be $incident.Id
        $back.Status | Should -Be 'Investigating'
        $back.Target.Context | Should -Be 'prod-us'
        @($back.Timeline.Kind) | Should -Be @('Opened', 'Triage', 'Commander', 'Note')
        $back.Reports[0].DecisionPath.Count | Should -Be 2
    }
}

Describe 'Where the journal is' {
    It 'resolves a relative -JournalPath against the current location, not the process folder' {
        $here = Join-Path $TestDrive 'here'
        New-Item -ItemType Directory -Force $here | Out-Null
        Push-Location $here
        try { $incident = New-TestTriageReport | New-PostHogIncident -JournalPath ./relative-journal }
        finally { Pop-Location }
        Test-Path (Join-Path $here "relative-journal/$($incident.Id).jsonl") | Should -BeTrue
        (Get-PostHogIncident -JournalPath (Join-Path $here 'relative-journal')).Id | Should -Be $incident.Id
    }

    It 'expands ~ to the home folder, takes POSTHOG_RUNBOOK_JOURNAL, and defaults to the user data folder (XDG_DATA_HOME)' {
        $homeFolder = Join-Path $TestDrive 'home'
        $data = Join-Path $TestDrive 'data'
        New-Item -ItemType Directory -Force $homeFolder, $data | Out-Null
        $output = Invoke-FreshPwsh -Environment @{ HOME = $homeFolder; XDG_DATA_HOME = $data; POSTHOG_RUNBOOK_JOURNAL = ''; XDG_CONFIG_HOME = (Join-Path $TestDrive 'no-user-config') } @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:POSTHOGRUNBOOK_MODULE'
'tilde=' + (New-PostHogIncident -Severity P3 -Summary 'by hand' -Context tilde -JournalPath ~/incidents).Id
'default=' + (New-PostHogIncident -Severity P3 -Summary 'by hand' -Context default).Id
'configured=' + (Get-PostHogRunbookConfig).JournalPath
`$env:POSTHOG_RUNBOOK_JOURNAL = './from-env'
'env=' + (New-PostHogIncident -Severity P3 -Summary 'by hand' -Context env).Id
"@
        $ids = @{}
        foreach ($line in $output) { if ($line -match '^(\w+)=(.*)$') { $ids[$Matches[1]] = $Matches[2] } }
        Test-Path (Join-Path $homeFolder "incidents/$($ids.tilde).jsonl") | Should -BeTrue
        Test-Path (Join-Path $data "PostHogRunbook/incidents/$($ids.default).jsonl") | Should -BeTrue
        $ids.configured | Should -Be (Join-Path $data 'PostHogRunbook/incidents')
        Test-Path (Join-Path $TestDrive "from-env/$($ids.env).jsonl") | Should -BeTrue
    }

    It 'keeps a session JournalPath where it was set, whatever the location later' {
        $set = Join-Path $TestDrive 'session-base'
        New-Item -ItemType Directory -Force $set | Out-Null
        Push-Location $set
        try { Set-PostHogRunbookConfig -JournalPath ./session-journal }
        finally { Pop-Location }
        try {
            Push-Location $TestDrive
            try { $incident = New-TestTriageReport -Context session | New-PostHogIncident }
            finally { Pop-Location }
            Test-Path (Join-Path $set "session-journal/$($incident.Id).jsonl") | Should -BeTrue
            (Get-PostHogRunbookConfig).JournalPath | Should -Be (Join-Path $set 'session-journal')
        }
        finally { Set-PostHogRunbookConfig -Clear }
    }
}

Describe 'Several shells at once' {
    It 'loses no entry when four pwsh processes add 25 notes each to one incident at once' {
        $journal = Join-Path $TestDrive 'shared'
        $incident = New-TestTriageReport | New-PostHogIncident -JournalPath $journal
        $go = Join-Path $TestDrive 'go'
        $processes = foreach ($writer in 1..4) {
            # Each waits for the same start signal after importing, so the four write at the same time.
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:POSTHOGRUNBOOK_MODULE'
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
foreach (`$note in 1..25) { Set-PostHogIncident -Id '$($incident.Id)' -Note "writer $writer note `$note" -JournalPath '$journal' }
"@
            $start = New-FreshPwshStart $script @{} $TestDrive
            $start.RedirectStandardError = $true
            [Diagnostics.Process]::Start($start)
        }
        try {
            Set-Content -LiteralPath $go -Value 'go'
            foreach ($process in $processes) {
                $errors = $process.StandardError.ReadToEnd()
                $process.WaitForExit()
                $process.ExitCode | Should -Be 0 -Because $errors
            }
        }
        finally {
            foreach ($process in $processes) { if (-not $process.HasExited) { $process.Kill($true) } }
        }

        $read = Get-PostHogIncident $incident.Id -JournalPath $journal
        $notes = @($read.Timeline | Where-Object Kind -eq Note | ForEach-Object Message)
        $notes.Count | Should -Be 100
        @($notes | Sort-Object -Unique).Count | Should -Be 100
        foreach ($writer in 1..4) {
            @($notes | Where-Object { $_ -like "writer $writer note *" }) | Should -Be @(1..25 | ForEach-Object { "writer $writer note $_" })
        }
        @(Get-Content (Join-Path $journal "$($incident.Id).jsonl")).Count | Should -Be $read.Timeline.Count
    }
}
