<#
    Starts and stops the lab (tests/PostHogRunbook.Lab) for Pester files and the demo.
    The lab is told to exit when its stdin closes, so a test run that dies leaves no lab behind.

    A Pester run starts one lab server (Start-PostHogLabServer: the lab process with --serve) and hands it to the
    test files in the environment; Start-PostHogLab then asks it for each lab instead of starting a process per lab.
    Every lab is still a world of its own (ports, certificates, state); they share one runtime, so a lab costs
    ~70 ms of CPU to start instead of ~1.2 s, and its first requests are not JIT-compiled again. Without a server
    (the demo, the bench, a file run alone) each lab is a process of its own, as before.
#>
Set-StrictMode -Version 3.0

$script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
# Where Invoke-PesterSuite.ps1 leaves the run's lab server for the test files.
$script:LabServerVariable = 'POSTHOGRUNBOOK_LAB_SERVER'

function Get-PostHogLabAssembly {
    if ($env:POSTHOGRUNBOOK_LAB_DLL) { return $env:POSTHOGRUNBOOK_LAB_DLL }
    $path = Join-Path $script:RepositoryRoot 'tests/PostHogRunbook.Lab/bin/Release/net10.0/PostHogRunbook.Lab.dll'
    if (-not (Test-Path $path)) { throw "The lab is not built at ${path}: run ./build.ps1 Build first." }
    $path
}

function New-PostHogLabStartInfo([string[]] $Arguments) {
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add((Get-PostHogLabAssembly))
    foreach ($argument in $Arguments) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start
}

function Start-PostHogLabServer {
    <#
    .SYNOPSIS
        Starts the lab process in --serve mode (many labs in one process) and returns Url and Process. It exits when
        its stdin closes: when Stop-PostHogLabServer closes it, or when this process dies.
    #>
    [CmdletBinding()]
    param([int] $StartTimeoutSec = 60)
    $process = [Diagnostics.Process]::Start((New-PostHogLabStartInfo '--serve', '--exit-on-stdin-eof'))
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromSeconds($StartTimeoutSec)) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill($true) }
        throw "The lab server did not print its address within $StartTimeoutSec s (exit: $($process.HasExited))."
    }
    [pscustomobject]@{ Url = ($line.Result | ConvertFrom-Json).labServer; Process = $process }
}

function Publish-PostHogLabServer {
    <# Hands the run's lab server to the test files (Invoke-PesterSuite.ps1): Start-PostHogLab uses it from then on. #>
    param($Server)
    [Environment]::SetEnvironmentVariable($script:LabServerVariable, $(if ($Server) { $Server.Url } else { $null }))
}

function Stop-PostHogLabServer {
    <# Stops a server Start-PostHogLabServer started, and with it every lab it still hosts. #>
    param($Server)
    if (-not $Server) { return }
    $process = $Server.Process
    if (-not $process.HasExited) {
        try { $process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
        if (-not $process.WaitForExit(15000)) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
    }
    $process.Dispose()
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
    $server = [Environment]::GetEnvironmentVariable($script:LabServerVariable)
    $http = if ($server) { [Net.Http.HttpClient]::new() }
    $starting = [Collections.Generic.List[object]]::new()
    try {
        # Every lab asked for first, then every endpoint line: the labs boot side by side, not one after another.
        foreach ($name in $Scenario) {
            $stateDirectory = Join-Path ([IO.Path]::GetTempPath()) ("posthog-lab-" + [guid]::NewGuid().ToString('n').Substring(0, 8))
            New-Item -ItemType Directory -Path $stateDirectory | Out-Null
            $arguments = [Collections.Generic.List[string]]::new()
            foreach ($argument in @('--scenario', $name, '--latency-ms', $LatencyMs, '--pods', $Pods,
                    '--log-bytes-per-pod', $LogBytesPerPod, '--state-dir', $stateDirectory)) {
                $arguments.Add([string] $argument)
            }
            foreach ($role in $RbacRole) { $arguments.Add('--rbac-role'); $arguments.Add((Resolve-Path -LiteralPath $role).Path) }
            if ($RbacUser) { $arguments.Add('--rbac-user'); $arguments.Add($RbacUser) }
            $entry = [pscustomobject]@{ Scenario = $name; StateDirectory = $stateDirectory; Process = $null; Line = $null; Response = $null }
            $starting.Add($entry)
            if ($server) {
                $body = [Net.Http.StringContent]::new((ConvertTo-Json -InputObject $arguments.ToArray() -Compress), [Text.Encoding]::UTF8, 'application/json')
                $entry.Response = $http.PostAsync("$server/labs", $body)
            }
            else {
                $arguments.Add('--exit-on-stdin-eof')
                $entry.Process = [Diagnostics.Process]::Start((New-PostHogLabStartInfo $arguments))
                $entry.Line = $entry.Process.StandardOutput.ReadLineAsync()
            }
        }

        $deadline = [DateTime]::UtcNow.AddSeconds($StartTimeoutSec)
        foreach ($entry in $starting) {
            $left = [TimeSpan]::FromMilliseconds([math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds))
            if ($entry.Response) {
                if (-not $entry.Response.Wait($left)) { throw "The lab server ($server) did not start the lab ($($entry.Scenario)) within $StartTimeoutSec s." }
                $answer = $entry.Response.Result
                $text = $answer.Content.ReadAsStringAsync().GetAwaiter().GetResult()
                if (-not $answer.IsSuccessStatusCode) { throw "The lab server ($server) refused the lab ($($entry.Scenario)): $([int] $answer.StatusCode) $text" }
                $entry.Line = [Threading.Tasks.Task]::FromResult($text)
            }
            elseif (-not $entry.Line.Wait($left) -or -not $entry.Line.Result) {
                throw "The lab ($($entry.Scenario)) did not print its endpoints within $StartTimeoutSec s (exit: $($entry.Process.HasExited))."
            }
        }
    }
    catch {
        foreach ($entry in $starting) {
            if ($entry.Process -and -not $entry.Process.HasExited) { $entry.Process.Kill($true) }
            if ($entry.Response -and $entry.Response.IsCompletedSuccessfully -and $entry.Response.Result.IsSuccessStatusCode) {
                $id = ($entry.Response.Result.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json).labId
                try { $null = $http.DeleteAsync("$server/labs/$id").GetAwaiter().GetResult() } catch { Write-Verbose "lab $id not stopped: $_" }
            }
            Remove-Item -Recurse -Force -ErrorAction Ignore $entry.StateDirectory
        }
        throw
    }
    finally { if ($http) { $http.Dispose() } }

    foreach ($entry in $starting) {
        $lab = $entry.Line.Result | ConvertFrom-Json
        $lab | Add-Member -NotePropertyName Process -NotePropertyValue $entry.Process
        $lab | Add-Member -NotePropertyName StateDirectory -NotePropertyValue $entry.StateDirectory
        # Hosted by the run's lab server: stopped by asking it (Stop-PostHogLab), not by a process of its own.
        $lab | Add-Member -NotePropertyName Server -NotePropertyValue $(if ($entry.Response) { $server } else { $null })
        if (-not $entry.Response) { $lab | Add-Member -NotePropertyName labId -NotePropertyValue $null }
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
            if ($one.Process -and -not $one.Process.HasExited) {
                try { $one.Process.StandardInput.Close() } catch { Write-Verbose "stdin already closed: $_" }
            }
            $stopping.Add($one)
        }
    }
    end {
        $hosted = @($stopping | Where-Object { $_.Server })
        if ($hosted) {
            $http = [Net.Http.HttpClient]::new()
            try {
                $deleting = @($hosted | ForEach-Object { $http.DeleteAsync("$($_.Server)/labs/$($_.labId)") })
                foreach ($delete in $deleting) {
                    try { $null = $delete.GetAwaiter().GetResult() } catch { Write-Warning "A lab was not stopped by its server (it ends with the run): $_" }
                }
            }
            finally { $http.Dispose() }
        }
        foreach ($one in $stopping) {
            $process = $one.Process
            if ($process -and -not $process.HasExited -and -not $process.WaitForExit(10000)) { $process.Kill($true); $process.WaitForExit(5000) | Out-Null }
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


# A fresh, non-interactive pwsh (this very pwsh: dotnet running the same pwsh.dll, or the pwsh executable) running a
# script with variables of its own (-Remove: patterns of this session's variables it must not inherit). -Command
# passes the script as a CI runner's command line does, else -EncodedCommand. Started, not awaited, so that a test can
# run several at once: Wait-FreshPwsh returns the exit code, output and errors.
function Start-FreshPwsh([string] $Script, [hashtable] $Environment = @{}, [string[]] $Remove = @(), [string] $WorkingDirectory, [switch] $Command) {
    $pwsh = (Get-Process -Id $PID).Path
    $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
    if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { $start.ArgumentList.Add([Reflection.Assembly]::GetEntryAssembly().Location) }
    $scriptArguments = if ($Command) { '-Command', $Script } else { '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script)) }
    foreach ($argument in @('-NoProfile', '-NonInteractive') + $scriptArguments) { $start.ArgumentList.Add($argument) }
    foreach ($name in @($start.Environment.Keys)) {
        if (@($Remove | Where-Object { $name -like $_ }).Count -gt 0) { $null = $start.Environment.Remove($name) }
    }
    foreach ($entry in $Environment.GetEnumerator()) { $start.Environment[$entry.Key] = [string] $entry.Value }
    if ($WorkingDirectory) { $start.WorkingDirectory = $WorkingDirectory }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
}

# Waits for a Start-FreshPwsh (a hang guard, not a timing: killed after -TimeoutSec) and returns what it did.
function Wait-FreshPwsh($Started, [int] $TimeoutSec = 180) {
    if (-not $Started.Process.WaitForExit($TimeoutSec * 1000)) { $Started.Process.Kill($true) }
    $Started.Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Started.Process.ExitCode; Output = $Started.Output.Result; Errors = $Started.Errors.Result }
}

Export-ModuleMember -Function New-LabApiClient, Get-LabApi, Start-PostHogLabServer, Publish-PostHogLabServer, Stop-PostHogLabServer, Start-PostHogLab, Stop-PostHogLab, Set-PostHogLabScenario, Set-PostHogLabLatency, Get-PostHogLabRequest, Clear-PostHogLabRequest, Set-PostHogLabRbac, Clear-PostHogLabRbac, Invoke-StoppedCommand, Start-FreshPwsh, Wait-FreshPwsh
