# Export-PostHogIncidentBundle end to end: the whole lab incident (triage | Resolve-PostHogIncident |
# Export-PostHogIncidentBundle) as an SRE runs it, the real prometheus scraping the lab; then the zip read back
# as a ticket's reader would: every part, hashes, no secret, owner-only, and nothing left behind by Ctrl+C.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWorlds.psm1') -Force
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    Set-PostHogRunbookConfig -Clear
    $env:POSTHOG_RUNBOOK_CONFIG = $null

    $script:prometheus = Use-LabPrometheus
    $script:worlds = @(Start-PostHogWorld -Scenario 'us-outage', 'unreachable' -Prometheus $prometheus)
    $script:world = $worlds[0]
    if ($world.Prometheus.Available) { Wait-PostHogWorld $world }
    $script:journal = Join-Path $TestDrive 'journal'
    $script:zipPath = Join-Path $TestDrive 'evidence.zip'

    $triage = @{
        StatusPageUrl = $world.Lab.statusPage
        HealthUrl     = "$($world.Lab.app)/health"
        PostHogHost   = $world.Lab.posthog
        Region        = 'US'
        KubeConfig    = $world.Lab.kubeconfig
        PrometheusUrl = if ($world.Prometheus.Available) { $world.Prometheus.Url } else { $world.Lab.deadUrl }
        TimeoutSec    = 10
    }
    $export = @{ Path = $zipPath; JournalPath = $journal; WarningVariable = 'script:exportWarnings'; WarningAction = 'SilentlyContinue' }
    if ($world.Prometheus.Available) { $triage.MetricsSelector = $world.Selector; $export.MetricsSelector = $world.Selector }

    $script:incident = Invoke-PostHogTriage @triage | Resolve-PostHogIncident -JournalPath $journal -Confirm:$false

    # The fallback rolled the pods: the new ones write their first key-bearing line (the client's configuration,
    # with api_key=) a few seconds after they start. Wait for it, through kubectl, so the bundle has a plant to catch.
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    do {
        $logs = & kubectl --kubeconfig $world.Lab.kubeconfig -n posthog logs -l app=posthog-integration -c integration --tail=-1 2>$null | Out-String
        if ($logs -match 'api_key=') { break }
        Start-Sleep -Milliseconds 500
    } while ([DateTime]::UtcNow -lt $deadline)
    $script:bundle = $incident | Export-PostHogIncidentBundle @export

    # Every entry of the zip, as bytes, by name.
    $script:entries = @{}
    $zip = [IO.Compression.ZipFile]::OpenRead($zipPath)
    try {
        foreach ($entry in $zip.Entries) {
            $stream = $entry.Open(); $copy = [IO.MemoryStream]::new()
            try { $stream.CopyTo($copy); $entries[$entry.FullName] = $copy.ToArray() } finally { $stream.Dispose(); $copy.Dispose() }
        }
    }
    finally { $zip.Dispose() }
    $script:manifest = [Text.Encoding]::UTF8.GetString($entries['manifest.json']) | ConvertFrom-Json -AsHashtable
}

AfterAll {
    Stop-PostHogWorld $worlds
    Stop-LabPrometheus $prometheus
}

Describe 'Export-PostHogIncidentBundle after the outage incident' {
    It 'bundles the incident the pipeline resolved, into the zip named by -Path' {
        $bundle | Should -BeOfType ([PostHogRunbook.Model.IncidentBundle])
        $bundle.IncidentId | Should -Be $incident.Id
        $bundle.Path | Should -Be $zipPath
        $bundle.Files | Should -Be $entries.Count
        $bundle.Bytes | Should -Be (Get-Item $zipPath).Length
        $bundle.Sha256 | Should -Be (Get-FileHash $zipPath -Algorithm SHA256).Hash
    }

    It 'holds every part of the evidence' {
        foreach ($name in 'incident.json', 'triage.json', 'status-page.json', 'health.json', 'kubernetes/deployment.json',
            'kubernetes/replicasets.json', 'kubernetes/pods.json', 'kubernetes/events.json', 'manifest.json') {
            $entries.Keys | Should -Contain $name
        }
        ([Text.Encoding]::UTF8.GetString($entries['incident.json']) | ConvertFrom-Json).id | Should -Be $incident.Id
        @($entries.Keys | Where-Object { $_ -like 'logs/*/integration.log' }).Count | Should -Be 3
        $entries.Keys | Where-Object { $_ -like '*billing*' } | Should -BeNullOrEmpty -Because 'the unrelated pod is outside the selector'
        if (-not $world.Prometheus.Available) { Set-ItResult -Skipped -Because $world.Prometheus.Reason; return }
        $errors = [Text.Encoding]::UTF8.GetString($entries['metrics/errors-by-status.json']) | ConvertFrom-Json
        $errors.data.resultType | Should -Be 'matrix'
        @($errors.data.result | Where-Object { $_.metric.status -eq '503' }).Count | Should -Be 1 -Because 'the outage''s 503s are in the range'
        $entries.Keys | Should -Contain 'metrics/requests.json'
        $exportWarnings | Should -BeNullOrEmpty
    }

    It 'lists every entry in the manifest with its size and SHA-256' {
        $listed = @($manifest.entries)
        $listed.Count | Should -Be ($entries.Count - 1)
        foreach ($entry in $listed) {
            $bytes = $entries[$entry.name]
            $entry.bytes | Should -Be $bytes.Length
            $entry.sha256 | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)))
        }
        $manifest.toolVersion | Should -Not -BeNullOrEmpty
        $manifest.window.start | Should -Not -BeNullOrEmpty
        $manifest.parameters.Keys | Should -Not -Contain 'ProjectApiKey'
    }

    It 'leaves no lab key, token or their base64 forms in any byte of any entry, and counts what it removed' {
        $token = ([regex]::Match((Get-Content -Raw $world.Lab.kubeconfig), 'token:\s*(\S+)')).Groups[1].Value
        $plants = foreach ($secret in $world.Lab.projectApiKey, $world.Lab.personalApiKey, $token) {
            $secret; [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($secret))
        }
        foreach ($name in $entries.Keys) {
            $text = [Text.Encoding]::UTF8.GetString($entries[$name])
            foreach ($plant in $plants) { $text.Contains($plant) | Should -BeFalse -Because "$name must not hold a secret" }
        }
        $masks = 0
        foreach ($name in $entries.Keys | Where-Object { $_ -ne 'manifest.json' }) {
            $masks += [regex]::Matches([Text.Encoding]::UTF8.GetString($entries[$name]), [regex]::Escape('[REDACTED]')).Count
        }
        $masks += [regex]::Matches(($manifest.parameters | ConvertTo-Json -Compress), [regex]::Escape('[REDACTED]')).Count
        $counted = ($manifest.redactions.Values | Measure-Object -Sum).Sum
        $counted | Should -BeGreaterThan 0
        $counted | Should -Be $masks
        $bundle.RedactionTotal | Should -Be $counted
    }

    It 'is readable by its owner only' -Skip:$IsWindows {
        (Get-Item $zipPath).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'shows as a list: path, size, hash, window, redactions and failures' {
        $shown = $bundle | Out-String
        $shown | Should -Match ([regex]::Escape($zipPath))
        $shown | Should -Match "Sha256\s+:\s+$($bundle.Sha256)"
        $shown | Should -Match 'Redactions\s+:\s+\d+ \(.*\d'
        # With the real prometheus every source answers; without it (the metrics tests skipped) metrics is the failure.
        $expected = if ($bundle.Failures.Count -eq 0) { 'none' } else { [regex]::Escape(($bundle.Failures | ForEach-Object { "$($_.Source): $($_.ErrorId)" }) -join ', ') }
        $shown | Should -Match "Failures\s+:\s+$expected"
    }

    It 'with -WhatIf writes nothing' {
        $planned = Join-Path $TestDrive 'whatif.zip'
        $incident | Export-PostHogIncidentBundle -Path $planned -JournalPath $journal -WhatIf | Should -BeNullOrEmpty
        Test-Path $planned | Should -BeFalse
    }

    It 'refuses to replace a file without -Force' {
        { $incident | Export-PostHogIncidentBundle -Path $zipPath -JournalPath $journal -ErrorAction Stop } | Should -Throw -ErrorId 'BundleFileExists,*'
    }

    It 'names the default file after the incident, in the current folder' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'default')
        Push-Location $folder
        try {
            $written = $incident | Export-PostHogIncidentBundle -JournalPath $journal -PrometheusUrl $world.Lab.deadUrl -WarningAction SilentlyContinue -WarningVariable missing
            Split-Path $written.Path -Parent | Should -Be $folder.FullName
            Split-Path $written.Path -Leaf | Should -Match "^posthog-incident-$([regex]::Escape($incident.Id))-\d{8}T\d{6}Z\.zip$"
            $written.Failures.ErrorId | Should -Be 'PrometheusUnreachable'
            "$missing" | Should -Match 'metrics: PrometheusUnreachable'
        }
        finally { Pop-Location }
    }
}

Describe 'Export-PostHogIncidentBundle stopped by Ctrl+C' {
    It 'leaves no file at -Path, and no partial file beside it' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'stopped')
        $target = Join-Path $folder 'stopped.zip'
        # The status page never answers: the zip is open (incident, triage, Kubernetes written) when the stop comes.
        $script = "Export-PostHogIncidentBundle -Path '$target' -KubeConfig `$lab.kubeconfig -StatusPageUrl `$lab.statusPage -PrometheusUrl `$lab.deadUrl -TimeoutSec 300"
        $stop = Invoke-StoppedCommand -Lab $worlds[1].Lab -Part statusPage -Script $script
        $stop.StopReturned | Should -BeTrue
        $stop.State | Should -Be 'Stopped'
        Test-Path $target | Should -BeFalse
        @(Get-ChildItem -Force $folder) | Should -BeNullOrEmpty
        $stop.LabStatuses | Should -Contain 499 -Because 'the stop must close the hung request'
    }

    It 'removes the half-written zip it was writing when stopped' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'half-written')
        $target = Join-Path $folder 'half.zip'
        $lab = $worlds[1].Lab
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("param(`$module, `$lab) Import-Module `$module; Export-PostHogIncidentBundle -Path '$target' -KubeConfig `$lab.kubeconfig -StatusPageUrl `$lab.statusPage -PrometheusUrl `$lab.deadUrl -TimeoutSec 300").AddArgument($env:POSTHOGRUNBOOK_MODULE).AddArgument($lab)
            $running = $shell.BeginInvoke()
            # Waits for the state, not for a time: the temporary zip beside -Path, while the status page hangs.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not (Get-ChildItem -Force $folder -Filter '.half.zip.*.partial') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $partial = @(Get-ChildItem -Force $folder -Filter '.half.zip.*.partial')
            $partial.Count | Should -Be 1 -Because 'the export writes under a temporary name first'
            if (-not $IsWindows) { (Get-Item -Force $partial[0].FullName).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }
            $stopping = $shell.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(20)) | Should -BeTrue
            $shell.EndStop($stopping)
            try { $null = $shell.EndInvoke($running) } catch { }
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            Test-Path $target | Should -BeFalse
            @(Get-ChildItem -Force $folder) | Should -BeNullOrEmpty
        }
        finally { $shell.Dispose() }
    }
}
