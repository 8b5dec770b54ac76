<#
    A world: one lab in one scenario whose /metrics the run's prometheus scrapes under a label of its own
    (world="<id>"), so that a triage with -MetricsSelector sees that lab's traffic and no other's.
    Start-PostHogWorld starts a batch of worlds at once (labs side by side, one wait for prometheus to have data
    for all of them); Stop-PostHogWorld forgets their targets and stops their labs.
#>
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1')
Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1')

function Start-PostHogWorld {
    <#
    .OUTPUTS
        One world per scenario, in order: Id, Scenario, Lab, Prometheus, Selector (for -MetricsSelector).
        Without prometheus the labs still start; .Prometheus.Available is $false and says why.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string[]] $Scenario,
        [Parameter(Mandatory)] $Prometheus,
        [int] $ReadyTimeoutSec = 60,
        # Return as soon as the labs are up; Wait-PostHogWorld before the first test that reads the metrics.
        [switch] $NoWait
    )
    $labs = @(Start-PostHogLab -Scenario $Scenario)
    $worlds = for ($i = 0; $i -lt $labs.Count; $i++) {
        $id = '{0}-{1}' -f $Scenario[$i], [guid]::NewGuid().ToString('n').Substring(0, 6)
        Add-LabPrometheusTarget $Prometheus -World $id -MetricsUrl "$($labs[$i].app)/metrics"
        [pscustomobject]@{ Id = $id; Scenario = $Scenario[$i]; Lab = $labs[$i]; Prometheus = $Prometheus; Selector = Get-LabPrometheusSelector $id }
    }
    if (-not $NoWait) {
        try { Wait-PostHogWorld $worlds -TimeoutSec $ReadyTimeoutSec }
        catch {
            Stop-PostHogWorld $worlds
            throw
        }
    }
    $worlds
}

function Wait-PostHogWorld {
    <# Returns once prometheus has data for the runbook's query from every world given (one wait for them all). #>
    param([Parameter(Mandatory, Position = 0)] [object[]] $World, [int] $TimeoutSec = 60)
    $World | Group-Object { $_.Prometheus.Url } | ForEach-Object {
        Wait-LabPrometheusTarget $_.Group[0].Prometheus -World $_.Group.Id -TimeoutSec $TimeoutSec
    }
}

function Stop-PostHogWorld {
    [CmdletBinding()]
    param([Parameter(ValueFromPipeline, Position = 0)] $World)
    begin { $labs = [Collections.Generic.List[object]]::new() }
    process {
        foreach ($one in @($World)) {
            if (-not $one) { continue }
            Remove-LabPrometheusTarget $one.Prometheus -World $one.Id
            $labs.Add($one.Lab)
        }
    }
    end { if ($labs.Count) { Stop-PostHogLab $labs } }
}

function Invoke-LabWorldQuery {
    <# A PromQL query about one world: {WORLD} in the text is replaced by that world's label matchers. #>
    param([Parameter(Mandatory)] $World, [Parameter(Mandatory)] [string] $Query)
    Invoke-LabPrometheusQuery $World.Prometheus ($Query -replace '\{WORLD\}', ('{' + $World.Selector + '}'))
}

Export-ModuleMember -Function Start-PostHogWorld, Wait-PostHogWorld, Stop-PostHogWorld, Invoke-LabWorldQuery
