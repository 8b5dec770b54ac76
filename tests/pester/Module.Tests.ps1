# The package as the PowerShell Gallery and an SRE's session see it: manifest, publish/install, reload,
# load isolation, the parameter surface and the help.
BeforeDiscovery {
    $manifestData = Import-PowerShellDataFile $env:POSTHOGRUNBOOK_MODULE
    $script:cmdletNames = @($manifestData.CmdletsToExport)
}

BeforeAll {
    $script:manifestPath = $env:POSTHOGRUNBOOK_MODULE
    $script:moduleBase = Split-Path $manifestPath
    # This very pwsh, started fresh: dotnet running the same pwsh.dll (or the pwsh executable), from any folder.
    $script:pwsh = (Get-Process -Id $PID).Path
    $script:pwshArguments = @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location })
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force

    # Starts a script in a brand-new pwsh (in WorkingDirectory when given, with this session's environment) and
    # returns at once: several fresh sessions can start side by side. Receive-FreshPwsh waits for one.
    function Start-FreshPwsh([string] $Script, [string] $WorkingDirectory) {
        $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
        foreach ($argument in @($pwshArguments) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) { $start.ArgumentList.Add($argument) }
        $start.WorkingDirectory = if ($WorkingDirectory) { $WorkingDirectory } else { (Get-Location -PSProvider FileSystem).ProviderPath }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $process = [Diagnostics.Process]::Start($start)
        [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    }

    # The fresh session's output lines (then its error lines); throws on a non-zero exit.
    function Receive-FreshPwsh($Session) {
        # A hang guard, not a timing.
        if (-not $Session.Process.WaitForExit(180000)) { $Session.Process.Kill($true) }
        $Session.Process.WaitForExit()
        $output = @(($Session.Output.Result + $Session.Errors.Result) -split "\r?\n" | Where-Object { $_ -ne '' })
        if ($Session.Process.ExitCode -ne 0) { throw "fresh pwsh exited $($Session.Process.ExitCode)`n$($output -join "`n")" }
        $output
    }

    function Invoke-FreshPwsh([string] $Script, [string] $WorkingDirectory) { Receive-FreshPwsh (Start-FreshPwsh $Script $WorkingDirectory) }

    function Get-NuGetPackageRoot {
        (Split-Path (Split-Path (Split-Path (Split-Path $env:POSTHOGRUNBOOK_PESTER))))
    }
}

Describe 'The packaged manifest' {
    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $info.Name | Should -Be 'PostHogRunbook'
        $info.PowerShellVersion | Should -Be ([version] '7.4')
        $info.CompatiblePSEditions | Should -Be @('Core')
    }

    It 'carries the version of Directory.Build.props' {
        [xml] $props = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props')
        $expected = @($props.Project.PropertyGroup.ModuleVersion | Where-Object { $_ })[0]
        (Import-PowerShellDataFile $manifestPath).ModuleVersion | Should -Be $expected
        Split-Path -Leaf $moduleBase | Should -Be $expected
    }

    It 'exports explicit lists and nothing else' {
        $data = Import-PowerShellDataFile $manifestPath
        $data.CmdletsToExport | Should -Not -Contain '*'
        @($data.FunctionsToExport).Count | Should -Be 0
        @($data.AliasesToExport).Count | Should -Be 0
        @($data.VariablesToExport).Count | Should -Be 0
        $data.FormatsToProcess | Should -Be @('PostHogRunbook.Format.ps1xml')
    }

    It 'has the Gallery metadata' {
        $psData = (Import-PowerShellDataFile $manifestPath).PrivateData.PSData
        foreach ($tag in 'PSEdition_Core', 'Linux', 'MacOS', 'Windows', 'PostHog', 'SRE', 'Kubernetes') { $psData.Tags | Should -Contain $tag }
        $psData.ProjectUri | Should -Match '^https://'
        $psData.LicenseUri | Should -Match '^https://'
        $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $moduleBase 'LICENSE') | Should -BeTrue
    }

    It 'ships the engine and KubernetesClient only under Dependencies, and no Newtonsoft or SMA' {
        $rootDlls = @(Get-ChildItem $moduleBase -Filter *.dll | ForEach-Object Name | Sort-Object)
        $rootDlls | Should -Be @('PostHogRunbook.dll', 'PostHogRunbook.Model.dll')
        $dependencies = @(Get-ChildItem (Join-Path $moduleBase 'Dependencies') -Filter *.dll | ForEach-Object Name | Sort-Object)
        $dependencies | Should -Be @('Fractions.dll', 'KubernetesClient.dll', 'Polly.Core.dll', 'PostHogRunbook.Engine.dll', 'YamlDotNet.dll')
        Get-ChildItem $moduleBase -Recurse -Filter 'Newtonsoft*' | Should -BeNullOrEmpty
        Get-ChildItem $moduleBase -Recurse -Filter 'System.Management.Automation*' | Should -BeNullOrEmpty
    }

    It 'publishes to a local repository, installs from it, and imports the installed copy in a fresh pwsh' {
        $work = Join-Path ([IO.Path]::GetTempPath()) ("phr-gallery-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
        $repository = Join-Path $work 'repo'
        New-Item -ItemType Directory -Path $repository | Out-Null
        # A private home: Install-PSResource's CurrentUser module path and its repository list both live under
        # it, so the real user's modules and repositories are never touched. dotnet still finds its tools.
        $saved = @{ HOME = $env:HOME; NUGET_PACKAGES = $env:NUGET_PACKAGES; DOTNET_CLI_HOME = $env:DOTNET_CLI_HOME }
        $env:NUGET_PACKAGES = Get-NuGetPackageRoot
        $env:DOTNET_CLI_HOME = if ($env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME } else { $env:HOME }
        $env:HOME = Join-Path $work 'home'
        New-Item -ItemType Directory -Path $env:HOME | Out-Null
        try {
            # Run inside the work folder: publishing writes a NuGet settings file relative to the current folder.
            $output = Invoke-FreshPwsh -WorkingDirectory $work @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name LocalTest -Uri '$repository' -Trusted
Publish-PSResource -Path '$moduleBase' -Repository LocalTest
Install-PSResource -Name PostHogRunbook -Repository LocalTest -Scope CurrentUser -TrustRepository
(Get-ChildItem '$repository' -Filter *.nupkg).Name
"@
            ($output | Where-Object { $_ -like '*.nupkg' }) | Should -Match '^PostHogRunbook\.\d+\.\d+\.\d+\.nupkg$'
            $installed = Get-ChildItem (Join-Path $work 'home') -Recurse -Force -Filter PostHogRunbook.psd1 | Select-Object -First 1
            $installed | Should -Not -BeNullOrEmpty
            Test-Path (Join-Path $installed.DirectoryName 'Dependencies/KubernetesClient.dll') | Should -BeTrue
            $commands = Invoke-FreshPwsh -WorkingDirectory $work @"
Import-Module PostHogRunbook -ErrorAction Stop
(Get-Module PostHogRunbook).ModuleBase
Get-Command -Module PostHogRunbook | ForEach-Object Name
"@
            $commands[0] | Should -BeLike "$work*"
            $commands | Should -Contain 'Get-PostHogStatus'
        }
        finally {
            foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
            Remove-Item -Recurse -Force -ErrorAction Ignore $work
        }
    }
}

Describe 'Loading beside other modules' {
    BeforeAll {
        $script:lab = Start-PostHogLab -Scenario healthy
        $otherYaml = Join-Path (Get-NuGetPackageRoot) 'yamldotnet/13.1.1/lib/netstandard2.1/YamlDotNet.dll'
        $kubeconfig = $lab.kubeconfig
        # Three fresh sessions, side by side; each It reads its own.
        $script:besideYaml = Start-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$otherYaml'
Import-Module '$manifestPath'
`$config = Get-PostHogRunbookConfig -KubeConfig '$kubeconfig'
'context=' + `$config.Context
'server=' + `$config.KubeServer
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { 'yaml=' + `$_.GetName().Version + '@' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"@
        $script:loadContexts = Start-FreshPwsh @"
Import-Module '$manifestPath'
Get-PostHogRunbookConfig | Out-Null
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'PostHogRunbook.Engine', 'KubernetesClient', 'PostHogRunbook.Model', 'PostHogRunbook' } |
    ForEach-Object { `$_.GetName().Name + '@' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"@
        $script:reimport = Start-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifestPath'
(Get-PostHogStatus -StatusPageUrl '$($lab.statusPage)').State
Remove-Module PostHogRunbook
Import-Module '$manifestPath'
(Get-PostHogStatus -StatusPageUrl '$($lab.statusPageV2)').State
(Get-Module PostHogRunbook).Name
"@
    }
    AfterAll {
        # Every session ends before its lab does, whatever the tests did with them.
        foreach ($session in $besideYaml, $loadContexts, $reimport) { if ($session) { try { Receive-FreshPwsh $session | Out-Null } catch { Write-Verbose "$_" } } }
        Stop-PostHogLab $script:lab
    }

    It 'works when another YamlDotNet version is already loaded in the session' {
        Test-Path $otherYaml | Should -BeTrue -Because 'the build restores YamlDotNet 13.1.1 as a test tool'
        $output = Receive-FreshPwsh $besideYaml
        $output | Should -Contain 'context=lab'
        ($output | Where-Object { $_ -like 'server=*' }) | Should -Be "server=$($lab.kubernetes)"
        $yaml = @($output | Where-Object { $_ -like 'yaml=*' })
        $yaml.Count | Should -Be 2 -Because 'the session''s YamlDotNet and the module''s own live side by side'
        $yaml | Where-Object { $_ -like 'yaml=13.*' } | Should -Not -BeNullOrEmpty
        $yaml | Where-Object { $_ -like '*@PostHogRunbook' } | Should -Not -BeNullOrEmpty
    }

    It 'loads the engine and KubernetesClient into its own load context, and the model into the default one' {
        $output = Receive-FreshPwsh $loadContexts
        $output | Should -Contain 'PostHogRunbook.Engine@PostHogRunbook'
        $output | Should -Contain 'PostHogRunbook.Model@Default'
        $output | Should -Contain 'PostHogRunbook@Default'
    }

    It 'imports, removes and imports again in one session, and still works' {
        $output = Receive-FreshPwsh $reimport
        $output | Should -Be @('Operational', 'Operational', 'PostHogRunbook')
    }
}

Describe 'The parameter surface of <_>' -ForEach $cmdletNames {
    BeforeAll {
        Import-Module $manifestPath -Force
        $script:command = Get-Command $_ -Module PostHogRunbook
    }

    It 'is a cmdlet that declares its output type' {
        $command.CommandType | Should -Be 'Cmdlet'
        $command.OutputType.Count | Should -BeGreaterThan 0
        $command.OutputType.Type.Namespace | Should -Be 'PostHogRunbook.Model'
    }

    It 'supports ShouldProcess when its verb changes something' {
        if ($command.Verb -in 'Set', 'Update', 'Restart', 'Resolve', 'New', 'Send', 'Remove', 'Undo', 'Export', 'Copy') {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        else {
            $command.Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
    }

    It 'takes keys only as SecureString' {
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -like '*ApiKey') {
            $parameter.ParameterType | Should -Be ([securestring])
        }
    }

    It 'exposes no KubernetesClient type' {
        foreach ($parameter in $command.Parameters.Values) { $parameter.ParameterType.Assembly.GetName().Name | Should -Not -Be 'KubernetesClient' }
    }
}

Describe 'The help of <_>' -ForEach $cmdletNames {
    BeforeAll {
        Import-Module $manifestPath -Force
        $script:help = Get-Help $_ -Full
        $script:common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $script:parameters = (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$($_)*[<CommonParameters>]*"
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 80
    }

    It 'describes every parameter' {
        foreach ($name in $parameters) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $name
            ($entry.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'shows switches as switches in SYNTAX, and -WhatIf/-Confirm where it supports them' {
        $syntax = ($help.Syntax | Out-String -Width 2000) -replace '\s+', ' '
        $syntax | Should -Not -Match '<SwitchParameter>'
        $syntax | Should -Not -Match '<System\.' -Because 'types are shown by their short names, as pwsh''s own help does'
        $command = Get-Command $_
        foreach ($switch in $command.Parameters.Values | Where-Object { $_.SwitchParameter -and $_.Name -notin $common }) {
            $syntax | Should -Match "-$($switch.Name)[\] ]" -Because "-$($switch.Name) is a switch"
        }
        if ($command.Parameters.ContainsKey('WhatIf')) {
            $syntax | Should -Match '\[-WhatIf\] \[-Confirm\]'
            ($help.Parameters.Parameter | Where-Object Name -eq 'WhatIf').Description.Text | Should -Not -BeNullOrEmpty
        }
        else {
            $syntax | Should -Not -Match 'WhatIf'
        }
    }

    It 'has at least two examples that name the cmdlet' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) { $example.Code | Should -Match ([regex]::Escape($_)) }
    }
}

Describe 'about_PostHogRunbook' {
    It 'explains the runbook and the decision tree' {
        Import-Module $manifestPath -Force
        $about = Get-Help about_PostHogRunbook | Out-String
        $about | Should -Match 'DECISION TREE'
        $about | Should -Match 'PostHogOutage'
        $about | Should -Match 'P1'
    }

    It 'and the manifest describe what ships: every exported cmdlet, and nothing unbuilt as if it were there' {
        Import-Module $manifestPath -Force
        $about = Get-Help about_PostHogRunbook | Out-String -Width 200
        $manifest = Import-PowerShellDataFile $manifestPath
        $exported = @($manifest.CmdletsToExport)
        foreach ($name in $exported) { $about | Should -Match ([regex]::Escape($name)) }
        # A not-built-yet section is there only while something is unbuilt; a command named outside it must ship.
        $notYet = $about.IndexOf('WHAT IS NOT BUILT YET')
        foreach ($mention in [regex]::Matches($about, '\b[A-Z][a-z]+-PostHog\w+')) {
            if ($mention.Value -notin $exported) {
                $notYet | Should -BeGreaterThan 0 -Because "$($mention.Value) is not exported, so only a not-built-yet section may name it"
                $mention.Index | Should -BeGreaterThan $notYet -Because "$($mention.Value) is not exported, so only the not-built-yet section may name it"
                $mention.Index | Should -BeLessThan $about.IndexOf('THE STATUS PAGE')
            }
        }
        foreach ($text in $manifest.Description, $manifest.PrivateData.PSData.ReleaseNotes) {
            foreach ($mention in [regex]::Matches($text, '\b[A-Z][a-z]+-PostHog\w+')) { $exported | Should -Contain $mention.Value }
        }
    }
}
