<#
    Starts and stops the lab (tests/PostHogRunbook.Lab) for Pester files and the demo.
    The lab is told to exit when its stdin closes, so a test run that dies leaves no lab behind.
#>
Set-StrictMode -Version 3.0

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-PostHogLabAssembly {
    if ($env:POSTHOGRUNBOOK_LAB_DLL) { return $env:POSTHOGRUNBOOK_LAB_DLL }
    $path = Join-Path $script:RepositoryRoot 'tests/PostHogRunbook.Lab/bin/Release/net10.0/PostHogRunbook.Lab.dll'
    if (-not (Test-Path $path)) { throw "The lab is not built at ${path}: run ./build.ps1 Build first." }
    $path
}

function Start-PostHogLab {
    <#
    .SYNOPSIS
        Starts the lab with a scenario and returns its endpoints (the lab's JSON line) plus the process. With several
        scenarios, starts one lab per scenario, all at once, and returns them in the same order once every one is up.
    #>
    [CmdletBinding()]
    param(
        [string[]] $Scenario = 'healthy',
        [int] $LatencyMs = 0,
        [int] $Pods = 3,
        [long] $LogBytesPerPod = 0,
        # Role manifests the lab's Kubernetes API enforces from the start (--rbac-role), for RbacUser (else lab-user).
        [string[]] $RbacRole = @(),
        [string] $RbacUser,
        [int] $StartTimeoutSec = 60
    )
    $assembly = Get-PostHogLabAssembly
    $starting = [Collections.Generic.List[object]]::new()
    try {
        # Every process first, then every endpoint line: the labs boot side by side, not one after another.
        foreach ($name in $Scenario) {
            $stateDirectory = Join-Path ([IO.Path]::GetTempPath()) ("posthog-lab-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
            New-Item -ItemType Directory -Path $stateDirectory | Out-Null
            $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
            foreach ($argument in @($assembly, '--scenario', $name, '--latency-ms', $LatencyMs, '--pods', $Pods,
                    '--log-bytes-per-pod', $LogBytesPerPod, '--state-dir', $stateDirectory, '--exit-on-stdin-eof')) {
                $start.ArgumentList.Add([string] $argument)
            }
            foreach ($role in $RbacRole) { $start.ArgumentList.Add('--rbac-role'); $start.ArgumentList.Add((Resolve-Path -LiteralPath $role).Path) }
            if ($RbacUser) { $start.ArgumentList.Add('--rbac-user'); $start.ArgumentList.Add($RbacUser) }
            $start.UseShellExecute = $false
            $start.RedirectStandardInput = $true
            $start.RedirectStandardOutput = $true
            $entry = [pscustomobject]@{ Scenario = $name; StateDirectory = $stateDirectory; Process = $null; Line = $null }
            $starting.Add($entry)
            $entry.Process = [Diagnostics.Process]::Start($start)
            $entry.Line = $entry.Process.StandardOutput.ReadLineAsync()
        }

        $deadline = [DateTime]::UtcNow.AddSeconds($StartTimeoutSec)
        foreach ($entry in $starting) {
            $left = [math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            if (-not $entry.Line.Wait([TimeSpan]::FromMilliseconds($left)) -or -not $entry.Line.Result) {
                throw "The lab ($($entry.Scenario)) did not print its endpoints within $StartTimeoutSec s (exit: $($entry.Process.HasExited))."
            }
        }
    }
    catch {
        foreach ($entry in $starting) {
            if ($entry.Process -and -not $entry.Process.HasExited) { $entry.Process.Kill($true) }
            Remove-Item -Recurse -Force -ErrorAction Ignore $entry.StateDirectory
        }
        throw
    }

    foreach ($entry in $starting) {
        $lab = $entry.Line.Result | ConvertFrom-Json
        $lab | Add-Member -NotePropertyName Process -NotePropertyValue $entry.Process
        $lab | Add-Member -NotePropertyName StateDirectory -NotePropertyValue $entry.StateDirectory
        $lab
    }
}

function Stop-PostHogLab {
    <# Stops labs (by their process, never by name): every one is told at once, then each is waited for. #>
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline, Position = 0)] $Lab)
    begin { $stopping = [Collections.Generic.List[object]]::new() }
    process {
        foreach ($one in @($Lab)) {
            if (-not $one) { continue }
            if (-not $one.Process.HasExited) {
                try { $one.Process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
            }
            $stopping.Add($one)
        }
    }
    end {
        foreach ($one in $stopping) {
            $process = $one.Process
            if (-not $process.HasExited -and -not $process.WaitForExit(10000)) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
            Remove-Item -Recurse -Force -ErrorAction Ignore $one.StateDirectory
        }
    }
}

function Set-PostHogLabScenario {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [string] $Scenario)
    Invoke-RestMethod -Method Put -Uri "$($Lab.control)/_lab/scenario/$Scenario" | Out-Null
}

function Set-PostHogLabLatency {
    param([Parameter(Mandatory)] $Lab, [Parameter(Mandatory)] [int] $Milliseconds)
    Invoke-RestMethod -Method Put -Uri "$($Lab.control)/_lab/latency/$Milliseconds" | Out-Null
}

function Get-PostHogLabRequest {
    <#
    .SYNOPSIS
        The lab's record of requests: method, path, query, status, and for Kubernetes requests the verb, apiGroup,
        resource ("pods/log"), namespace and name RBAC saw. -Writes: only the Kubernetes requests that asked to
        change the cluster (create, update, patch, delete, deletecollection; dry runs left out), refused ones included.
    #>
    param([Parameter(Mandatory)] $Lab, [string] $Part, [string[]] $Verb, [switch] $Writes)
    $query = @()
    if ($Part) { $query += "part=$Part" }
    if ($Verb) { $query += 'verb=' + ($Verb -join ',') }
    if ($Writes) { $query += 'writes=true' }
    $uri = "$($Lab.control)/_lab/requests" + $(if ($query) { '?' + ($query -join '&') } else { '' })
    # Invoke-RestMethod emits a JSON array as one object: unroll it into records.
    @((Invoke-RestMethod -Uri $uri) | ForEach-Object { $_ })
}

function Set-PostHogLabRbac {
    <#
    .SYNOPSIS
        From the next request on, the lab's Kubernetes API enforces exactly the Roles in these manifests (files, or
        YAML/JSON text) for User (else lab-user): PUT /_lab/rbac. Returns what the lab now enforces.
    #>
    param([Parameter(Mandatory)] $Lab, [string[]] $Path, [string] $Yaml, [string] $User)
    $body = if ($Path) { ($Path | ForEach-Object { Get-Content -Raw -LiteralPath $_ }) -join "`n---`n" } else { $Yaml }
    $uri = "$($Lab.control)/_lab/rbac" + $(if ($User) { '?user=' + [uri]::EscapeDataString($User) } else { '' })
    Invoke-RestMethod -Method Put -Uri $uri -Body $body -ContentType 'application/yaml'
}

function Clear-PostHogLabRbac {
    <# .SYNOPSIS Back to allowing everything: DELETE /_lab/rbac. #>
    param([Parameter(Mandatory)] $Lab)
    Invoke-RestMethod -Method Delete -Uri "$($Lab.control)/_lab/rbac" | Out-Null
}

function Clear-PostHogLabRequest {
    param([Parameter(Mandatory)] $Lab)
    Invoke-RestMethod -Method Delete -Uri "$($Lab.control)/_lab/requests" | Out-Null
}

function Invoke-StoppedCommand {
    <#
    .SYNOPSIS
        Ctrl+C, as a test can press it: runs Script in its own runspace with the module imported, stops it after
        a few seconds, and reports whether the stop came back, the final state, and what the lab recorded for
        Part afterwards (a request the client abandoned is recorded as 499).
    #>
    param(
        [Parameter(Mandatory)] $Lab,
        [Parameter(Mandatory)] [string] $Script,
        [Parameter(Mandatory)] [string] $Part,
        [int] $RunSeconds = 3
    )
    Clear-PostHogLabRequest $Lab
    $shell = [powershell]::Create()
    try {
        # One script, not a batch of statements: stopping a batch and disposing it races its error stream.
        $null = $shell.AddScript("param(`$module, `$lab) Import-Module `$module; $Script").AddArgument($env:POSTHOGRUNBOOK_MODULE).AddArgument($Lab)
        $running = $shell.BeginInvoke()
        # Time to import the module and send the requests; the lab never answers them.
        Start-Sleep -Seconds $RunSeconds
        $stopping = $shell.BeginStop($null, $null)
        # A hang guard, not a timing assertion: a command that ignored its token would wait for its long timeout.
        $returned = $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(20))
        if ($returned) { $shell.EndStop($stopping) }
        $threw = $false
        try { $null = $shell.EndInvoke($running) } catch { $threw = $true }
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Get-PostHogLabRequest $Lab -Part $Part) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        [pscustomobject]@{
            StopReturned = $returned
            State        = $shell.InvocationStateInfo.State
            Threw        = $threw
            LabStatuses  = @((Get-PostHogLabRequest $Lab -Part $Part).status)
        }
    }
    finally { $shell.Dispose() }
}

# The lab's state read back through its own API (not through the module under test).
function New-LabApiClient($Lab) {
    <# An HttpClient for the lab's Kubernetes API: trusting only the kubeconfig's CA, with its bearer token, to read state back. #>
    $text = Get-Content -Raw -LiteralPath $Lab.kubeconfig
    $caPem = [Text.Encoding]::ASCII.GetString([Convert]::FromBase64String([regex]::Match($text, 'certificate-authority-data:\s*(\S+)').Groups[1].Value))
    $token = [regex]::Match($text, '(?m)^\s*token:\s*(\S+)').Groups[1].Value
    $policy = [Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
    $policy.TrustMode = [Security.Cryptography.X509Certificates.X509ChainTrustMode]::CustomRootTrust
    $policy.RevocationMode = [Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
    $policy.CustomTrustStore.Add([Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPem($caPem)) | Out-Null
    $handler = [Net.Http.SocketsHttpHandler]::new()
    $handler.SslOptions.CertificateChainPolicy = $policy
    $client = [Net.Http.HttpClient]::new($handler)
    $client.BaseAddress = [uri] $Lab.kubernetes
    $client.DefaultRequestHeaders.Authorization = [Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)
    $client
}

function Get-LabApi($Client, [string] $Path) {
    $response = $Client.GetAsync($Path).GetAwaiter().GetResult()
    $body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    if (-not $response.IsSuccessStatusCode) { throw "GET $Path answered $([int] $response.StatusCode): $body" }
    if ($response.Content.Headers.ContentType.MediaType -eq 'application/json') { $body | ConvertFrom-Json -Depth 64 } else { $body }
}


Export-ModuleMember -Function New-LabApiClient, Get-LabApi, Start-PostHogLab, Stop-PostHogLab, Set-PostHogLabScenario, Set-PostHogLabLatency, Get-PostHogLabRequest, Clear-PostHogLabRequest, Set-PostHogLabRbac, Clear-PostHogLabRbac, Invoke-StoppedCommand
