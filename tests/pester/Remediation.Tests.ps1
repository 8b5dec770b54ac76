# After the verdict: Invoke-PostHogTriage | Resolve-PostHogIncident and the primitives, against the lab, as an SRE
# (or a CI job) runs them. The lab's state is read back through its own API, and its request record proves what
# was, and was not, written.
BeforeAll {
    Import-Module $env:POSTHOGRUNBOOK_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Set-PostHogRunbookConfig -Clear
    $env:POSTHOG_RUNBOOK_CONFIG = $null

    # A lab, its API client, and a journal folder of its own.
    function Start-RemediationWorld([string] $Scenario, [string[]] $RbacRole = @()) {
        $lab = Start-PostHogLab -Scenario $Scenario -RbacRole $RbacRole
        [pscustomobject]@{ Lab = $lab; Api = (New-LabApiClient $lab); Journal = (Join-Path $TestDrive "journal-$Scenario-$([guid]::NewGuid().ToString('n').Substring(0, 6))") }
    }

    function Stop-RemediationWorld($World) {
        if ($World) { $World.Api.Dispose(); Stop-PostHogLab $World.Lab }
    }

    # The triage as an SRE runs it; no Prometheus here: the probe, /health and the logs carry the verdict.
    function Invoke-WorldTriage($World) {
        Invoke-PostHogTriage -StatusPageUrl $World.Lab.statusPage -HealthUrl "$($World.Lab.app)/health" -PostHogHost $World.Lab.posthog -Region US `
            -KubeConfig $World.Lab.kubeconfig -PrometheusUrl $World.Lab.deadUrl -TimeoutSec 10
    }

    function Get-LabDeployment($World) { Get-LabApi $World.Api '/apis/apps/v1/namespaces/posthog/deployments/posthog-integration' }

    function Get-LabSecretValue($World, [string] $Name = 'posthog-secrets') {
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((Get-LabApi $World.Api "/api/v1/namespaces/posthog/secrets/$Name").data.'api-key'))
    }

    function Get-Env($Deployment, [string] $Name, [string] $Container = 'integration') {
        (($Deployment.spec.template.spec.containers | Where-Object name -eq $Container).env | Where-Object name -eq $Name).value
    }

    # Writes the lab's Kubernetes API received (its request record), reads excluded, and the remediation lock's own
    # Lease writes too (their tests read them on their own): what changed the workload, its secrets and the journal.
    function Get-KubernetesWrites($World) {
        @(Get-PostHogLabRequest $World.Lab -Part kubernetes | Where-Object { $_.method -in 'PATCH', 'PUT', 'POST', 'DELETE' -and $_.resource -ne 'leases' })
    }

    function Secure([string] $Text) { ConvertTo-SecureString $Text -AsPlainText -Force }
}

Describe 'Resolve-PostHogIncident in a PostHog outage' {
    BeforeAll {
        $world = Start-RemediationWorld 'us-outage'
        $report = Invoke-WorldTriage $world
        $before = Get-LabDeployment $world
    }
    AfterAll { Stop-RemediationWorld $world }

    It 'starts from the verdict the runbook acts on' {
        $report.RecommendedAction | Should -Be 'EnableFallback' -Because ($report.DecisionPath -join ' | ')
    }

    It 'with -WhatIf shows the plan and writes nothing, in the cluster or in the journal' {
        Clear-PostHogLabRequest $world.Lab
        # What if: goes to the host; the same plan is in the verbose stream, which a test can read.
        $output = $report | Resolve-PostHogIncident -JournalPath $world.Journal -WhatIf -Verbose 4>&1 | Out-String
        $output | Should -Match 'POSTHOG_FALLBACK = true in container integration \(now false\)'
        Get-KubernetesWrites $world | Should -BeNullOrEmpty
        Test-Path (Join-Path $world.Journal '*.jsonl') | Should -BeFalse
    }

    It 'sets POSTHOG_FALLBACK=true in the integration container and nothing else, waits, and mitigates' {
        Clear-PostHogLabRequest $world.Lab
        $incident = $report | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false
        $incident | Should -BeOfType ([PostHogRunbook.Model.PostHogIncident])
        $incident.Status | Should -Be 'Mitigated'
        $incident.Category | Should -Be 'PostHogOutage'
        $action = $incident.Actions | Select-Object -Last 1
        $action.Action | Should -Be 'EnableFallback'
        $action.Outcome | Should -Be 'Applied'
        $action.Before | Should -Be 'false'
        $action.After | Should -Be 'true'
        $incident.Timeline.Kind | Should -Contain 'Verification'

        $after = Get-LabDeployment $world
        Get-Env $after 'POSTHOG_FALLBACK' | Should -Be 'true'
        # The whole pod template, before and after: the one value differs, nothing else (sidecar, envFrom, annotations).
        $expected = $before.spec.template | ConvertTo-Json -Depth 32 | ConvertFrom-Json -Depth 32
        (($expected.spec.containers | Where-Object name -eq 'integration').env | Where-Object name -eq 'POSTHOG_FALLBACK').value = 'true'
        ($after.spec.template | ConvertTo-Json -Depth 32 -Compress) | Should -Be ($expected | ConvertTo-Json -Depth 32 -Compress)
        $after.status.updatedReplicas | Should -Be $after.spec.replicas
        $after.status.availableReplicas | Should -Be $after.spec.replicas
        @(Get-KubernetesWrites $world).Count | Should -Be 1
    }

    It 'writes nothing the second time, and says so' {
        Clear-PostHogLabRequest $world.Lab
        $incident = $report | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false
        ($incident.Actions | Select-Object -Last 1).Outcome | Should -Be 'AlreadyInState'
        $incident.Status | Should -Be 'Mitigated'
        @(Get-PostHogIncident -JournalPath $world.Journal).Count | Should -Be 1 -Because 'the open incident of the target is continued'
        Get-KubernetesWrites $world | Should -BeNullOrEmpty
    }

    It 'undoes the change exactly, and journals the undo' {
        $id = (Get-PostHogIncident -JournalPath $world.Journal).Id
        $undone = @(Undo-PostHogRemediation -IncidentId $id -JournalPath $world.Journal -Confirm:$false)
        $undone.Count | Should -Be 1
        $undone[0].After | Should -Be 'false'
        Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'false'
        (Get-PostHogIncident -Id $id -JournalPath $world.Journal).Actions.Kind | Should -Contain 'Undo'
        @(Undo-PostHogRemediation -IncidentId $id -JournalPath $world.Journal -Confirm:$false) | Should -BeNullOrEmpty -Because 'nothing is left to take back'
    }
}

Describe 'The primitives on their own' {
    BeforeAll {
        $world = Start-RemediationWorld 'rate-limited'
    }
    AfterAll { Stop-RemediationWorld $world }

    It 'Set-PostHogRateLimitMode queue sets RATE_LIMIT_MODE and returns the result with its rollout' {
        $result = Set-PostHogRateLimitMode -Mode queue -KubeConfig $world.Lab.kubeconfig -JournalPath $world.Journal -Confirm:$false
        $result | Should -BeOfType ([PostHogRunbook.Model.RemediationResult])
        $result.Outcome | Should -Be 'Applied'
        $result.Container | Should -Be 'integration'
        $result.Before | Should -Be 'direct'
        $result.Rollout.State | Should -Be 'Complete'
        $result.Verification | Should -Be 'Verified'
        $result.Undo | Should -Match 'RATE_LIMIT_MODE=direct'
        Get-Env (Get-LabDeployment $world) 'RATE_LIMIT_MODE' | Should -Be 'queue'
        ($result | Out-String -Width 120) | Should -Match 'direct -> queue'
    }

    It 'takes its target from a piped triage report' {
        $report = Invoke-WorldTriage $world
        $result = $report | Set-PostHogFallback -Enabled $true -NoWait -JournalPath $world.Journal -Confirm:$false
        $result.Target.Context | Should -Be $report.Target.Context
        $result.Rollout.State | Should -Be 'NotWaited'
        Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'true'
    }

    It 'refuses a container that does not exist with ContainerNotFound' {
        { Set-PostHogFallback -Enabled $false -Container nosuch -KubeConfig $world.Lab.kubeconfig -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ContainerNotFound,*'
    }

    It 'names a missing deployment DeploymentNotFound' {
        { Restart-PostHogIntegration -Deployment nosuch -KubeConfig $world.Lab.kubeconfig -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'DeploymentNotFound,*'
    }

    It 'Restart-PostHogIntegration sets the restartedAt annotation and keeps the others' {
        $annotations = (Get-LabDeployment $world).spec.template.metadata.annotations
        $result = Restart-PostHogIntegration -KubeConfig $world.Lab.kubeconfig -RolloutTimeoutSec 60 -Confirm:$false
        $result.Rollout.State | Should -Be 'Complete'
        $after = (Get-LabDeployment $world).spec.template.metadata.annotations
        $after.'kubectl.kubernetes.io/restartedAt' | Should -Not -BeNullOrEmpty
        foreach ($name in $annotations.PSObject.Properties.Name) { $after.$name | Should -Be $annotations.$name }
    }
}

Describe 'Resolve-PostHogIncident with a rejected key' {
    BeforeAll {
        $world = Start-RemediationWorld 'bad-key'
        $report = Invoke-WorldTriage $world
    }
    AfterAll { Stop-RemediationWorld $world }

    It 'asks for the new key when none is given (NewApiKeyRequired)' {
        $report.RecommendedAction | Should -Be 'RotateApiKey' -Because ($report.DecisionPath -join ' | ')
        $report | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures | Out-Null
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NewApiKeyRequired,*'
        $failures[0].Exception.Message | Should -Match '-NewApiKey'
    }

    It 'writes nothing when PostHog rejects the new key (ApiKeyRejected)' {
        Clear-PostHogLabRequest $world.Lab
        $report | Resolve-PostHogIncident -NewApiKey (Secure 'phc_NotAKeyPostHogKnows0123456789012345678901') -JournalPath $world.Journal -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures | Out-Null
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ApiKeyRejected,*'
        Get-KubernetesWrites $world | Should -BeNullOrEmpty
        Get-LabSecretValue $world | Should -Be $world.Lab.revokedProjectApiKey
    }

    It 'rotates the key through a backup, restarts, mitigates; undo brings the old key back' {
        Clear-PostHogLabRequest $world.Lab
        $incident = $report | Resolve-PostHogIncident -NewApiKey (Secure $world.Lab.projectApiKey) -JournalPath $world.Journal -Confirm:$false
        $incident.Status | Should -Be 'Mitigated'
        Get-LabSecretValue $world | Should -Be $world.Lab.projectApiKey
        $writes = Get-KubernetesWrites $world
        $writes.method | Should -Be @('POST', 'PUT', 'PATCH') -Because 'backup created, secret replaced, rollout restarted, in that order'
        $action = $incident.Actions | Where-Object Action -eq 'RotateApiKey' | Select-Object -Last 1
        $action.Undo | Should -Match 'backup secret posthog-secrets-backup key api-key\.\d{8}-\d{6}'
        # No key in clear in the journal or the output.
        Get-Content -Raw (Join-Path $world.Journal '*.jsonl') | Should -Not -Match ([regex]::Escape($world.Lab.projectApiKey))
        ($incident | Format-List | Out-String) | Should -Not -Match ([regex]::Escape($world.Lab.projectApiKey))

        Undo-PostHogRemediation -IncidentId $incident.Id -JournalPath $world.Journal -NoWait -Confirm:$false | Out-Null
        Get-LabSecretValue $world | Should -Be $world.Lab.revokedProjectApiKey
    }
}

Describe 'Remediation refused or stuck' {
    It 'turns a read-only role''s refusal into KubernetesForbidden, and journals it' {
        $world = Start-RemediationWorld 'rbac-read-only'
        try {
            # The read-only role cannot write: the triage reads, the fix is refused.
            Set-PostHogLabScenario $world.Lab us-outage
            $report = Invoke-WorldTriage $world
            Set-PostHogLabScenario $world.Lab rbac-read-only
            $incident = $report | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'KubernetesForbidden,*'
            $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            # The remediation lock is the first write: the role's refusal comes there, before any patch.
            $failures[0].Exception.Message | Should -Match "'create' on 'leases'"
            @(Get-KubernetesWrites $world | Where-Object resource -eq 'deployments') | Should -BeNullOrEmpty
            $incident.Status | Should -Be 'Investigating'
            ($incident.Actions | Select-Object -Last 1).ErrorId | Should -Be 'KubernetesForbidden'
        }
        finally { Stop-RemediationWorld $world }
    }

    It 'gives RolloutTimedOut within the timeout for a rollout that never progresses' {
        $world = Start-RemediationWorld 'rollout-stuck'
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            Set-PostHogFallback -Enabled $true -KubeConfig $world.Lab.kubeconfig -RolloutTimeoutSec 5 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures -OutVariable results | Out-Null
            $clock.Stop()
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'RolloutTimedOut,*'
            $failures[0].Exception.Message | Should -Match '\d+/3 updated'
            $failures[0].Exception.Message | Should -Match 'POSTHOG_FALLBACK=false'
            $results[0].Rollout.State | Should -Be 'TimedOut'
            # A hang guard, not a timing assertion: the wait is bounded by -RolloutTimeoutSec, not the default 300 s.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 120
        }
        finally { Stop-RemediationWorld $world }
    }
}

Describe 'Under the documented Roles (deploy/)' {
    BeforeAll {
        $deploy = Join-Path $PSScriptRoot '../../deploy'
        $world = Start-RemediationWorld 'us-outage' -RbacRole (Join-Path $deploy 'role-triage.yaml')
    }
    AfterAll { Stop-RemediationWorld $world }

    It 'triages under the triage-only Role, and that Role refuses the fix with KubernetesForbidden' {
        $report = Invoke-WorldTriage $world
        $report.RecommendedAction | Should -Be 'EnableFallback' -Because ($report.DecisionPath -join ' | ')
        # No Prometheus in this world (ErrorRate reads a dead port); every Kubernetes read is granted.
        ($report.Checks | Where-Object { $_.Status -eq 'Unavailable' -and $_.Name -ne 'ErrorRate' }).Name | Should -BeNullOrEmpty -Because 'the triage Role grants every read the triage makes'
        $incident = $report | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'KubernetesForbidden,*'
        # The triage Role may not take the remediation lock, the first write: refused there, before any patch.
        $failures[0].Exception.Message | Should -Match "'create' on 'leases'"
        ($incident.Actions | Select-Object -Last 1).ErrorId | Should -Be 'KubernetesForbidden'
        Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'false'
    }

    It 'runs the whole pipeline under the remediate Role: triage, fix, verify, undo' {
        Set-PostHogLabRbac $world.Lab -Path (Join-Path $deploy 'role-remediate.yaml')
        $incident = Invoke-WorldTriage $world | Resolve-PostHogIncident -JournalPath $world.Journal -Confirm:$false
        $incident.Status | Should -Be 'Mitigated'
        Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'true'
        Undo-PostHogRemediation -IncidentId $incident.Id -JournalPath $world.Journal -Confirm:$false | Out-Null
        Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'false'
    }

    It 'rotates the key under the remediate Role, its backup Secret included' {
        Set-PostHogLabScenario $world.Lab bad-key
        $report = Invoke-WorldTriage $world
        $report.RecommendedAction | Should -Be 'RotateApiKey' -Because ($report.DecisionPath -join ' | ')
        $incident = $report | Resolve-PostHogIncident -NewApiKey (Secure $world.Lab.projectApiKey) -JournalPath $world.Journal -Confirm:$false
        $incident.Status | Should -Be 'Mitigated'
        Get-LabSecretValue $world | Should -Be $world.Lab.projectApiKey
    }
}

Describe 'The remediation lock (a Lease per deployment)' {
    BeforeAll {
        function Get-LabLease($World) {
            $response = $World.Api.GetAsync('/apis/coordination.k8s.io/v1/namespaces/posthog/leases/posthog-runbook-posthog-integration').GetAwaiter().GetResult()
            if ($response.StatusCode -eq [Net.HttpStatusCode]::NotFound) { return $null }
            $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json -Depth 16
        }
    }

    It 'lets one of two concurrent Set-PostHogFallback processes write, refuses the other with RemediationInProgress, and patches once' {
        # The first writer's rollout never progresses, so it holds the lock for its whole -RolloutTimeoutSec.
        $world = Start-RemediationWorld 'rollout-stuck'
        $first = $null
        try {
            $script = "Import-Module '$env:POSTHOGRUNBOOK_MODULE'; Set-PostHogFallback -Enabled `$true -KubeConfig '$($world.Lab.kubeconfig)' -RolloutTimeoutSec 12 -Confirm:`$false -JournalPath '$($world.Journal)' -ErrorAction SilentlyContinue | Out-Null"
            $start = [Diagnostics.ProcessStartInfo]::new((Get-Process -Id $PID).Path)
            foreach ($argument in @(if ((Split-Path -Leaf $start.FileName) -like 'dotnet*') { [Reflection.Assembly]::GetEntryAssembly().Location }) + @('-NoProfile', '-NonInteractive', '-Command', $script)) { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true
            $first = [Diagnostics.Process]::Start($start)
            $firstOutput = $first.StandardOutput.ReadToEndAsync(); $firstErrors = $first.StandardError.ReadToEndAsync()

            # The second writer starts once the first holds the lease (a wait for a state, not a timing).
            $waited = [Diagnostics.Stopwatch]::StartNew()
            while (-not (Get-LabLease $world) -and -not $first.HasExited -and $waited.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 100 }
            $lease = Get-LabLease $world
            # (Its output is read only after it ends: reading .Result here would wait for that.)
            $lease | Should -Not -BeNullOrEmpty -Because 'the first writer takes the lease before it writes'

            $second = Set-PostHogFallback -Enabled $true -KubeConfig $world.Lab.kubeconfig -Confirm:$false -JournalPath $world.Journal -ErrorAction SilentlyContinue -ErrorVariable refused
            $refused.Count | Should -BeGreaterThan 0 -Because "the second writer must be refused, not: $($second | Out-String) $(Get-PostHogLabRequest $world.Lab -Writes | ForEach-Object { "$($_.verb) $($_.resource) $($_.status)" })"
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'RemediationInProgress,*'
            $refused[0].Exception.Message | Should -Match ([regex]::Escape($lease.spec.holderIdentity))
            $refused[0].Exception.Message | Should -Match 'posthog-runbook-posthog-integration'

            if (-not $first.WaitForExit(120000)) { $first.Kill($true) }   # a hang guard
            $first.WaitForExit()
            $patches = @(Get-KubernetesWrites $world | Where-Object { $_.method -eq 'PATCH' -and $_.resource -eq 'deployments' })
            $patches.Count | Should -Be 1 -Because "$($firstOutput.Result)$($firstErrors.Result)"
            Get-Env (Get-LabDeployment $world) 'POSTHOG_FALLBACK' | Should -Be 'true'
            # Released after, even though the rollout timed out.
            Get-LabLease $world | Should -BeNullOrEmpty
        }
        finally {
            if ($first -and -not $first.HasExited) { $first.Kill($true) }
            Stop-RemediationWorld $world
        }
    }

    It 'with -Confirm:$false takes the lock while it reads the plan, and patches on that one read (its resourceVersion the precondition)' {
        $world = Start-RemediationWorld 'us-outage'
        try {
            Clear-PostHogLabRequest $world.Lab
            $result = Set-PostHogFallback -Enabled $true -KubeConfig $world.Lab.kubeconfig -JournalPath $world.Journal -Confirm:$false
            $result.Outcome | Should -Be 'Applied'
            $requests = @(Get-PostHogLabRequest $world.Lab -Part kubernetes | Where-Object { $_.resource -in 'deployments', 'leases' })
            $seen = @($requests | ForEach-Object { "$($_.verb) $($_.resource)" })
            # The lease and the plan's read go out together; no second read of the deployment under the lock.
            @($seen | Where-Object { $_ -eq 'get deployments' }).Count | Should -Be 1 -Because ($seen -join ', ')
            ($seen | Sort-Object -Unique) | Should -Be @('create leases', 'delete leases', 'get deployments', 'patch deployments', 'watch deployments') -Because ($seen -join ', ')
            ($seen | Select-Object -Last 1) | Should -Be 'delete leases'
            Get-LabLease $world | Should -BeNullOrEmpty
        }
        finally { Stop-RemediationWorld $world }
    }

    It 'with -WhatIf takes no lock at all' {
        $world = Start-RemediationWorld 'us-outage'
        try {
            Clear-PostHogLabRequest $world.Lab
            Set-PostHogFallback -Enabled $true -KubeConfig $world.Lab.kubeconfig -JournalPath $world.Journal -Confirm:$false -WhatIf | Out-Null
            @(Get-PostHogLabRequest $world.Lab -Part kubernetes | Where-Object resource -eq 'leases') | Should -BeNullOrEmpty
            Get-LabLease $world | Should -BeNullOrEmpty
        }
        finally { Stop-RemediationWorld $world }
    }

    It 'takes over an expired lease, warns, journals the takeover in the open incident, and releases it' {
        $world = Start-RemediationWorld 'us-outage'
        try {
            $incident = Invoke-WorldTriage $world | New-PostHogIncident -JournalPath $world.Journal
            $old = [DateTime]::UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'")
            $body = @{ apiVersion = 'coordination.k8s.io/v1'; kind = 'Lease'; metadata = @{ name = 'posthog-runbook-posthog-integration'; namespace = 'posthog' }
                spec = @{ holderIdentity = 'gone@old-laptop'; leaseDurationSeconds = 60; acquireTime = $old; renewTime = $old } } | ConvertTo-Json -Depth 8
            $content = [Net.Http.StringContent]::new($body, [Text.Encoding]::UTF8, 'application/json')
            $created = $world.Api.PostAsync('/apis/coordination.k8s.io/v1/namespaces/posthog/leases', $content).GetAwaiter().GetResult()
            [int] $created.StatusCode | Should -Be 201

            $result = Set-PostHogFallback -Enabled $true -KubeConfig $world.Lab.kubeconfig -IncidentId $incident.Id -JournalPath $world.Journal -Confirm:$false -WarningVariable warned 3>$null
            $result.Outcome | Should -Be 'Applied'
            ($warned -join "`n") | Should -Match 'gone@old-laptop'
            $journaled = Get-PostHogIncident -Id $incident.Id -JournalPath $world.Journal
            ($journaled.Timeline.Message -join "`n") | Should -Match 'gone@old-laptop'
            Get-LabLease $world | Should -BeNullOrEmpty
        }
        finally { Stop-RemediationWorld $world }
    }
}
