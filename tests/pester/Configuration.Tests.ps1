# The runbook profile: parameter > session > config file > environment > default, and keys never shown.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    $script:saved = @{}
    foreach ($name in 'POSTHOG_RUNBOOK_CONFIG', 'POSTHOG_RUNBOOK_STATUS_PAGE_URL', 'POSTHOG_RUNBOOK_DEPLOYMENT', 'POSTHOG_HOST', 'POSTHOG_RUNBOOK_REGION', 'XDG_CONFIG_HOME', 'POSTHOG_RUNBOOK_NOISE_FLOOR') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    function Write-ConfigFile([hashtable] $Settings, [string] $Name = 'runbook.json') {
        $path = Join-Path $TestDrive $Name
        $Settings | ConvertTo-Json | Set-Content -LiteralPath $path
        $path
    }
}

AfterAll {
    Set-PostHogRunbookConfig -Clear
    foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
}

Describe 'Precedence of the runbook profile' {
    BeforeEach {
        Set-PostHogRunbookConfig -Clear
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
        $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'no-user-config'
    }

    It 'uses the runbook''s defaults when nothing is set' {
        $config = Get-PostHogRunbookConfig
        $config.StatusPageUrl | Should -Be 'https://www.posthogstatus.com'
        $config.Deployment | Should -Be 'posthog-integration'
        $config.Selector | Should -Be 'app=posthog-integration'
        $config.SecretName | Should -Be 'posthog-secrets'
        $config.SecretKey | Should -Be 'api-key'
        $config.PrometheusUrl | Should -Be 'http://localhost:9090'
        $config.Sources['StatusPageUrl'] | Should -Be 'Default'
    }

    It 'takes the environment over the defaults' {
        $env:POSTHOG_RUNBOOK_STATUS_PAGE_URL = 'http://env.example'
        $env:POSTHOG_HOST = 'https://eu.i.posthog.com'
        $config = Get-PostHogRunbookConfig
        $config.StatusPageUrl | Should -Be 'http://env.example'
        $config.Sources['StatusPageUrl'] | Should -Be 'Environment'
        $config.PostHogHost | Should -Be 'https://eu.i.posthog.com'
        $config.Region | Should -Be 'EU'
    }

    It 'takes a config file over the environment' {
        $env:POSTHOG_RUNBOOK_STATUS_PAGE_URL = 'http://env.example'
        $file = Write-ConfigFile @{ StatusPageUrl = 'http://file.example'; Deployment = 'from-file' }
        $config = Get-PostHogRunbookConfig -ConfigPath $file
        $config.StatusPageUrl | Should -Be 'http://file.example'
        $config.Sources['StatusPageUrl'] | Should -Be 'ConfigFile'
        $config.Deployment | Should -Be 'from-file'
        $config.ConfigPath | Should -Be $file
    }

    It 'finds the config file through POSTHOG_RUNBOOK_CONFIG, and -ConfigPath wins over it' {
        $env:POSTHOG_RUNBOOK_CONFIG = Write-ConfigFile @{ Deployment = 'from-env-file' } 'env.json'
        (Get-PostHogRunbookConfig).Deployment | Should -Be 'from-env-file'
        (Get-PostHogRunbookConfig -ConfigPath (Write-ConfigFile @{ Deployment = 'from-parameter-file' } 'param.json')).Deployment | Should -Be 'from-parameter-file'
    }

    It 'finds the user''s config file in the user config folder' {
        $env:XDG_CONFIG_HOME = Join-Path $TestDrive 'user-config'
        New-Item -ItemType Directory -Force (Join-Path $env:XDG_CONFIG_HOME 'PostHogRunbook') | Out-Null
        @{ Deployment = 'from-user-folder' } | ConvertTo-Json | Set-Content (Join-Path $env:XDG_CONFIG_HOME 'PostHogRunbook/config.json')
        $config = Get-PostHogRunbookConfig
        $config.Deployment | Should -Be 'from-user-folder'
        $config.ConfigPath | Should -BeLike "$($env:XDG_CONFIG_HOME)*"
    }

    It 'takes the session over a config file' {
        $file = Write-ConfigFile @{ StatusPageUrl = 'http://file.example' }
        Set-PostHogRunbookConfig -StatusPageUrl 'http://session.example'
        $config = Get-PostHogRunbookConfig -ConfigPath $file
        $config.StatusPageUrl | Should -Be 'http://session.example/'
        $config.Sources['StatusPageUrl'] | Should -Be 'Session'
    }

    It 'takes a parameter over the session' {
        Set-PostHogRunbookConfig -StatusPageUrl 'http://session.example' -Region EU
        # Get-PostHogStatus reads the page its parameter names, not the session's.
        { Get-PostHogStatus -StatusPageUrl 'http://127.0.0.1:9/' -TimeoutSec 2 -ErrorAction Stop } | Should -Throw -ErrorId 'StatusPageUnreachable,*' -ExpectedMessage '*127.0.0.1:9*'
        (Get-PostHogRunbookConfig).Region | Should -Be 'EU'
    }

    It 'forgets the session with -Clear' {
        Set-PostHogRunbookConfig -Deployment 'session-deployment'
        (Get-PostHogRunbookConfig).Deployment | Should -Be 'session-deployment'
        Set-PostHogRunbookConfig -Clear
        (Get-PostHogRunbookConfig).Deployment | Should -Be 'posthog-integration'
    }

    It 'changes nothing with -WhatIf' {
        Set-PostHogRunbookConfig -Deployment 'whatif-deployment' -WhatIf
        (Get-PostHogRunbookConfig).Deployment | Should -Be 'posthog-integration'
    }
}

Describe 'Bad configuration is a clear error' {
    BeforeEach {
        Set-PostHogRunbookConfig -Clear
        $env:POSTHOG_RUNBOOK_CONFIG = $null
        $env:POSTHOG_RUNBOOK_REGION = $null
        $env:POSTHOG_RUNBOOK_NOISE_FLOOR = $null
    }

    It 'refuses a config file that holds a key, without showing the key' {
        $file = Write-ConfigFile @{ ProjectApiKey = 'phc_ThisMustNeverBeShown1234567890' }
        $failure = { Get-PostHogStatus -ConfigPath $file } | Should -Throw -ErrorId 'ConfigFileHoldsSecret,*' -PassThru
        $failure.Exception.Message | Should -Not -Match 'ThisMustNeverBeShown'
        # The tool that diagnoses the profile still shows it, the refusal as a warning.
        $config = Get-PostHogRunbookConfig -ConfigPath $file -WarningVariable warnings 3>$null
        $config.Deployment | Should -Be 'posthog-integration'
        $warnings | Should -HaveCount 1
        "$warnings" | Should -BeLike 'ConfigFileHoldsSecret: *'
        "$warnings" | Should -Not -Match 'ThisMustNeverBeShown'
    }

    It 'names a missing config file (ConfigFileNotFound) and broken JSON (ConfigFileInvalid)' {
        { Get-PostHogStatus -ConfigPath (Join-Path $TestDrive 'missing.json') } | Should -Throw -ErrorId 'ConfigFileNotFound,*'
        $broken = Join-Path $TestDrive 'broken.json'
        '{ "Deployment": ' | Set-Content $broken
        { Invoke-PostHogTriage -ConfigPath $broken } | Should -Throw -ErrorId 'ConfigFileInvalid,*'
        Get-PostHogRunbookConfig -ConfigPath $broken -WarningVariable warnings 3>$null | Should -Not -BeNullOrEmpty
        "$warnings" | Should -BeLike 'ConfigFileInvalid: *'
    }

    It 'names a bad region (InvalidSetting) and thresholds that do not rise (InvalidThresholds)' {
        $env:POSTHOG_RUNBOOK_REGION = 'Mars'
        { Get-PostHogStatus -StatusPageUrl 'http://127.0.0.1:9/' } | Should -Throw -ErrorId 'InvalidSetting,*' -ExpectedMessage '*Mars*POSTHOG_RUNBOOK_REGION*'
        (Get-PostHogRunbookConfig -WarningVariable warnings 3>$null).Region | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike 'InvalidSetting: The setting Region is ''Mars'' in the environment variable POSTHOG_RUNBOOK_REGION*'
        $env:POSTHOG_RUNBOOK_REGION = $null
        $env:POSTHOG_RUNBOOK_NOISE_FLOOR = '0.9'
        { Invoke-PostHogTriage -Check StatusPage -StatusPageUrl 'http://127.0.0.1:9/' -TimeoutSec 1 } | Should -Throw -ErrorId 'InvalidThresholds,*'
    }

    It 'names a window that is not a Prometheus duration (InvalidSettingDuration), before any check runs' {
        $failure = { Invoke-PostHogTriage -Check StatusPage -StatusPageUrl 'http://127.0.0.1:9/' -TimeoutSec 1 -RecentWindow 'a minute' } |
            Should -Throw -ErrorId 'InvalidSettingDuration,*' -PassThru
        $failure.Exception.Message | Should -Match "RecentWindow \('a minute', from Parameter\)"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        { Invoke-PostHogTriage -Check StatusPage -StatusPageUrl 'http://127.0.0.1:9/' -TimeoutSec 1 -MetricsWindow '5' } | Should -Throw -ErrorId 'InvalidSettingDuration,*'
    }

    It 'names a kube context that the kubeconfig lacks (KubeContextNotFound)' {
        $kubeconfig = Join-Path $TestDrive 'kubeconfig'
        @'
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: only-one, context: { cluster: c, user: u } }]
current-context: only-one
'@ | Set-Content $kubeconfig
        (Get-PostHogRunbookConfig -KubeConfig $kubeconfig).Context | Should -Be 'only-one'
        (Get-PostHogRunbookConfig -KubeConfig $kubeconfig).Namespace | Should -Be 'default'
        $shown = Get-PostHogRunbookConfig -KubeConfig $kubeconfig -Context nope -WarningVariable warnings 3>$null
        $shown.Context | Should -Be 'nope'
        "$warnings" | Should -BeLike 'KubeContextNotFound: *only-one*'
    }
}

Describe 'Keys stay secret' {
    AfterEach { Set-PostHogRunbookConfig -Clear }

    It 'keeps a key in the session without ever showing it' {
        $key = 'phc_SessionKeyNeverShown0123456789abcdef'
        $shown = Set-PostHogRunbookConfig -ProjectApiKey (ConvertTo-SecureString $key -AsPlainText -Force) -PassThru -Verbose 4>&1 | Out-String
        $shown += Set-PostHogRunbookConfig -PersonalApiKey (ConvertTo-SecureString 'phx_AlsoNeverShown0123456789' -AsPlainText -Force) -WhatIf 6>&1 | Out-String
        $config = Get-PostHogRunbookConfig
        $config.HasProjectApiKey | Should -BeTrue
        $config.HasPersonalApiKey | Should -BeFalse -Because '-WhatIf set nothing'
        $shown += $config | Format-List | Out-String
        $shown += $config | ConvertTo-Json -Depth 4
        $shown | Should -Not -Match 'SessionKeyNeverShown'
        $shown | Should -Not -Match 'AlsoNeverShown'
    }
}
