# The runbook's own kubectl commands, run by the real kubectl (through bash, as an SRE types them) against the
# lab's Kubernetes API. After each command the lab's state is read back through the API itself (bearer token,
# the kubeconfig's CA), so a command that "succeeds" without doing what the runbook means is caught.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'LabHarness.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Prometheus.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'LabWorlds.psm1') -Force

    # Every lab this file needs, started at once, each scraped by the run's prometheus under its own label; the
    # prometheus Describes wait for their data, the kubectl ones need none and run meanwhile. Each Describe has its own.
    $script:prometheus = Use-LabPrometheus
    $names = 'kubectl-healthy', 'kubectl-failing', 'kubectl-stuck', 'kubectl-read-only', 'metrics-rate-limited', 'metrics-healthy'
    $started = @(Start-PostHogWorld -Scenario healthy, us-outage, rollout-stuck, rbac-read-only, rate-limited, healthy -Prometheus $prometheus -NoWait)
    $script:worlds = @{}
    for ($i = 0; $i -lt $names.Count; $i++) { $worlds[$names[$i]] = $started[$i] }

    $script:HasKubectl = [bool] (Get-Command kubectl -CommandType Application -ErrorAction Ignore)
    $script:SavedKubeconfig = $env:KUBECONFIG
    $script:SavedCacheDir = $env:KUBECACHEDIR
    $script:CacheDir = Join-Path ([IO.Path]::GetTempPath()) ('kubectl-cache-' + [guid]::NewGuid().ToString('n').Substring(0, 8))

    function Use-LabKubeconfig($Lab) {
        # The runbook's commands carry no --kubeconfig: point this session (and the bash it starts) at the lab.
        $env:KUBECONFIG = $Lab.kubeconfig
        $env:KUBECACHEDIR = $script:CacheDir
    }

    function Invoke-Runbook([string] $Command) {
        # Exactly the runbook's command line, through bash (pipes included); stdout and stderr together.
        $output = & bash -c "$Command 2>&1"
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = (@($output) -join "`n") }
    }

    function Get-Deployment($Client) { Get-LabApi $Client '/apis/apps/v1/namespaces/posthog/deployments/posthog-integration' }

    function Get-IntegrationPods($Client) {
        @((Get-LabApi $Client '/api/v1/namespaces/posthog/pods?labelSelector=app%3Dposthog-integration').items)
    }

    function Get-EnvOf($Deployment, [string] $Container) {
        $c = $Deployment.spec.template.spec.containers | Where-Object name -eq $Container
        @($c.env | ForEach-Object { "$($_.name)=$($_.value)" })
    }

    function Wait-Until([scriptblock] $Condition, [int] $Seconds, [string] $What) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "$What did not happen within $Seconds s" }
            Start-Sleep -Milliseconds 200
        }
    }

    function Skip-WithoutKubectl {
        if (-not $script:HasKubectl) { Set-ItResult -Skipped -Because 'kubectl is not on PATH: the fidelity tests need the real kubectl' }
    }
}

AfterAll {
    Stop-PostHogWorld $started
    Stop-LabPrometheus $prometheus
    $env:KUBECONFIG = $script:SavedKubeconfig
    $env:KUBECACHEDIR = $script:SavedCacheDir
    Remove-Item -Recurse -Force -ErrorAction Ignore $script:CacheDir
}

Describe 'The runbook''s kubectl commands in a healthy world, in the runbook''s order' {
    BeforeAll {
        $script:lab = $worlds['kubectl-healthy'].Lab
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'kubectl get pods -l app=posthog-integration lists the integration''s pods, Running, and nothing else' {
        $result = Invoke-Runbook 'kubectl get pods -l app=posthog-integration'

        $result.ExitCode | Should -Be 0
        $rows = @($result.Output -split "`n" | Select-Object -Skip 1 | Where-Object { $_ })
        $rows | ForEach-Object { ($_ -split '\s+')[1..2] -join ' ' } | Should -Be @('2/2 Running', '2/2 Running', '2/2 Running')
        $names = $rows | ForEach-Object { ($_ -split '\s+')[0] }
        $names | Should -Be @(Get-IntegrationPods $api | ForEach-Object { $_.metadata.name } | Sort-Object)
        $result.Output | Should -Match '^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE'
    }

    It 'kubectl logs -l ... --since=5m | grep -i error finds no error when PostHog is fine, and never reads the billing pod' {
        $result = Invoke-Runbook 'kubectl logs -l app=posthog-integration --since=5m | grep -i error'

        $result.Output | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 1
        $logReads = @(Get-PostHogLabRequest $lab -Part kubernetes | Where-Object path -like '*/log')
        $logReads.Count | Should -Be 3
        $logReads | ForEach-Object { $_.query } | Should -Match 'container=integration&sinceSeconds=300&tailLines=10'
        Get-PostHogLabRequest $lab -Part kubernetes | Where-Object path -like '*billing-worker*' | Should -BeNullOrEmpty
    }

    It 'kubectl get secret ... -o jsonpath=''{.data.api-key}'' decodes to the deployment''s key' {
        $result = Invoke-Runbook "kubectl get secret posthog-secrets -o jsonpath='{.data.api-key}'"

        $result.ExitCode | Should -Be 0
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($result.Output)) | Should -BeExactly $lab.projectApiKey
        $stored = (Get-LabApi $api '/api/v1/namespaces/posthog/secrets/posthog-secrets').data.'api-key'
        $result.Output | Should -BeExactly $stored
    }

    It 'kubectl set env ... POSTHOG_FALLBACK=true sets it and clobbers nothing' {
        $before = Get-Deployment $api

        $result = Invoke-Runbook 'kubectl set env deployment/posthog-integration POSTHOG_FALLBACK=true'

        $result.ExitCode | Should -Be 0
        $result.Output | Should -BeExactly 'deployment.apps/posthog-integration env updated'
        $after = Get-Deployment $api
        $after.metadata.generation | Should -Be ($before.metadata.generation + 1)
        Get-EnvOf $after integration | Should -Be @('POSTHOG_HOST=https://us.i.posthog.com', 'POSTHOG_FALLBACK=true', 'RATE_LIMIT_MODE=direct')
        ($after.spec.template.spec.containers | Where-Object name -eq integration).envFrom[0].secretRef.name | Should -Be 'posthog-secrets'
        # Without -c, set env touches every container: the sidecar keeps its own variable and image, and gains this one.
        $after.spec.template.spec.containers.name | Should -Be @('integration', 'metrics-sidecar')
        Get-EnvOf $after metrics-sidecar | Should -Be @('SCRAPE_TARGET=http://localhost:8080/metrics', 'POSTHOG_FALLBACK=true')
        ($after.spec.template.spec.containers | Where-Object name -eq metrics-sidecar).image | Should -Be 'registry.example/metrics-sidecar:0.9.1'
    }

    It 'kubectl set env ... RATE_LIMIT_MODE=queue keeps the fallback just set' {
        $result = Invoke-Runbook 'kubectl set env deployment/posthog-integration RATE_LIMIT_MODE=queue'

        $result.ExitCode | Should -Be 0
        Get-EnvOf (Get-Deployment $api) integration | Should -Be @('POSTHOG_HOST=https://us.i.posthog.com', 'POSTHOG_FALLBACK=true', 'RATE_LIMIT_MODE=queue')
    }

    It 'kubectl create secret ... --dry-run=client -o yaml | kubectl apply -f - replaces the key' {
        $result = Invoke-Runbook 'kubectl create secret generic posthog-secrets --from-literal=api-key=NEW --dry-run=client -o yaml | kubectl apply -f -'

        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'secret/posthog-secrets configured'
        $secret = Get-LabApi $api '/api/v1/namespaces/posthog/secrets/posthog-secrets'
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($secret.data.'api-key')) | Should -BeExactly 'NEW'
        $secret.metadata.annotations.'kubectl.kubernetes.io/last-applied-configuration' | Should -Match '"api-key":"TkVX"'
        $patch = Get-PostHogLabRequest $lab -Part kubernetes | Where-Object { $_.method -eq 'PATCH' -and $_.path -like '*/secrets/posthog-secrets' }
        $patch.query | Should -Be 'fieldManager=kubectl-client-side-apply&fieldValidation=Strict'
    }

    It 'kubectl rollout restart ... puts restartedAt on the pod template' {
        $before = Get-Deployment $api

        $result = Invoke-Runbook 'kubectl rollout restart deployment/posthog-integration'

        $result.ExitCode | Should -Be 0
        $result.Output | Should -BeExactly 'deployment.apps/posthog-integration restarted'
        $after = Get-Deployment $api
        $after.metadata.generation | Should -Be ($before.metadata.generation + 1)
        [DateTimeOffset]::Parse($after.spec.template.metadata.annotations.'kubectl.kubernetes.io/restartedAt') |
            Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-1))
        $after.spec.template.metadata.annotations.'kubectl.kubernetes.io/default-container' | Should -Be 'integration'
    }

    It 'kubectl rollout status ... --timeout=30s waits for the rollout and exits 0' {
        $result = Invoke-Runbook 'kubectl rollout status deployment/posthog-integration --timeout=30s'

        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'deployment "posthog-integration" successfully rolled out'
        $deployment = Get-Deployment $api
        $deployment.status.observedGeneration | Should -Be $deployment.metadata.generation
        $deployment.status.updatedReplicas | Should -Be 3
        $deployment.status.availableReplicas | Should -Be 3
        $restartedAt = $deployment.spec.template.metadata.annotations.'kubectl.kubernetes.io/restartedAt'
        $pods = Get-IntegrationPods $api
        $pods.Count | Should -Be 3
        $pods | ForEach-Object { $_.metadata.annotations.'kubectl.kubernetes.io/restartedAt' } | Should -Be @($restartedAt, $restartedAt, $restartedAt)
        $pods | ForEach-Object { ($_.spec.containers[0].env | Where-Object name -eq RATE_LIMIT_MODE).value } | Should -Be @('queue', 'queue', 'queue')
    }

    It 'kubectl get events shows what the rollouts did, as the API has it' {
        $result = Invoke-Runbook 'kubectl get events'

        $result.ExitCode | Should -Be 0
        $lines = @($result.Output -split "`n" | Where-Object { $_ })
        $lines[0] | Should -Match '^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE'
        $events = @((Get-LabApi $api '/api/v1/namespaces/posthog/events').items)
        ($lines.Count - 1) | Should -Be $events.Count
        $result.Output | Should -Match 'ScalingReplicaSet\s+deployment/posthog-integration\s+Scaled up replica set posthog-integration-\w+ from 0 to 1'
        $result.Output | Should -Match 'Killing\s+pod/posthog-integration-'
    }
}

Describe 'The runbook''s read commands in failing worlds' {
    BeforeAll {
        $script:lab = $worlds['kubectl-failing'].Lab
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'kubectl logs -l ... --since=5m | grep -i error shows the 503s, each a line the pods really logged' {
        $result = Invoke-Runbook 'kubectl logs -l app=posthog-integration --since=5m | grep -i error'

        $result.ExitCode | Should -Be 0
        $lines = @($result.Output -split "`n" | Where-Object { $_ })
        $lines.Count | Should -BeGreaterThan 0
        $lines | Should -Match '^\S+Z ERROR posthog request failed status=503 method=POST url=https://us\.i\.posthog\.com/batch/ detail="transient error, please retry"$'
        $logged = foreach ($pod in Get-IntegrationPods $api) {
            (Get-LabApi $api "/api/v1/namespaces/posthog/pods/$($pod.metadata.name)/log?container=integration&sinceSeconds=300") -split "`n"
        }
        $lines | ForEach-Object { $logged | Should -Contain $_ }
    }

    It 'kubectl get secret ... decodes to the revoked key in the bad-key world' {
        Set-PostHogLabScenario $lab bad-key

        $result = Invoke-Runbook "kubectl get secret posthog-secrets -o jsonpath='{.data.api-key}' | base64 -d"

        $result.Output | Should -BeExactly $lab.revokedProjectApiKey
        (Get-LabApi $api '/api/v1/namespaces/posthog/secrets/posthog-secrets').data.'api-key' |
            Should -BeExactly ([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($lab.revokedProjectApiKey)))
    }

    It 'kubectl get pods shows CrashLoopBackOff and restarts when the integration crash-loops' {
        Set-PostHogLabScenario $lab infra-down

        $result = Invoke-Runbook 'kubectl get pods -l app=posthog-integration'

        $rows = @($result.Output -split "`n" | Select-Object -Skip 1 | Where-Object { $_ })
        $rows.Count | Should -Be 3
        $rows | Should -Match '^posthog-integration-\S+\s+1/2\s+CrashLoopBackOff\s+7 \(\d+s ago\)'
        Get-IntegrationPods $api | ForEach-Object {
            $_.status.containerStatuses[0].state.waiting.reason | Should -Be 'CrashLoopBackOff'
            $_.status.containerStatuses[0].lastState.terminated.exitCode | Should -Be 1
        }
        $pod = ($rows[0] -split '\s+')[0]
        (Invoke-Runbook "kubectl logs $pod --previous").Output | Should -Match '(?m)^panic: '
        (Invoke-Runbook 'kubectl get events --field-selector type=Warning').Output | Should -Match "BackOff\s+pod/$pod\s+Back-off restarting failed container integration"
    }

    It 'kubectl get pods shows the OOM kill''s aftermath in the oom world' {
        Set-PostHogLabScenario $lab oom

        $result = Invoke-Runbook 'kubectl get pods -l app=posthog-integration -o jsonpath=''{range .items[*]}{.status.containerStatuses[0].lastState.terminated.reason}{" "}{end}'''

        @($result.Output -split ' ' | Where-Object { $_ }) | Should -Be @('OOMKilled', 'OOMKilled')
        (Get-Deployment $api).status.availableReplicas | Should -Be 1
    }
}

Describe 'A rollout that never progresses' {
    BeforeAll {
        $script:lab = $worlds['kubectl-stuck'].Lab
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'kubectl rollout status with a short --timeout gives up and says it timed out' {
        (Invoke-Runbook 'kubectl rollout restart deployment/posthog-integration').ExitCode | Should -Be 0

        $result = Invoke-Runbook 'kubectl rollout status deployment/posthog-integration --timeout=3s'

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match '1 out of 3 new replicas have been updated'
        $result.Output | Should -Match 'error: timed out waiting for the condition'
    }

    It 'kubectl rollout status with a longer --timeout reports the exceeded progress deadline' {
        $result = Invoke-Runbook 'kubectl rollout status deployment/posthog-integration --timeout=30s'

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -Match 'error: deployment "posthog-integration" exceeded its progress deadline'
        $deployment = Get-Deployment $api
        ($deployment.status.conditions | Where-Object type -eq Progressing).reason | Should -Be 'ProgressDeadlineExceeded'
        $deployment.status.observedGeneration | Should -Be $deployment.metadata.generation
        $deployment.status.updatedReplicas | Should -Be 1
        $deployment.status.availableReplicas | Should -Be 3
        (Get-IntegrationPods $api).Count | Should -Be 4
    }
}

Describe 'A read-only RBAC role' {
    BeforeAll {
        $script:lab = $worlds['kubectl-read-only'].Lab
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'kubectl set env fails with the Forbidden message naming the verb and the resource, and changes nothing' {
        $before = Get-Deployment $api

        $result = Invoke-Runbook 'kubectl set env deployment/posthog-integration POSTHOG_FALLBACK=true'

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -BeExactly 'error: failed to patch env update to pod template: deployments.apps "posthog-integration" is forbidden: User "lab-readonly" cannot patch resource "deployments" in API group "apps" in the namespace "posthog"'
        (Get-Deployment $api).metadata.resourceVersion | Should -Be $before.metadata.resourceVersion
        Get-PostHogLabRequest $lab -Part kubernetes | Where-Object method -eq PATCH | ForEach-Object status | Should -Be 403
    }

    It 'the reads still work: get pods, the secret, the events' {
        (Invoke-Runbook 'kubectl get pods -l app=posthog-integration').ExitCode | Should -Be 0
        (Invoke-Runbook "kubectl get secret posthog-secrets -o jsonpath='{.data.api-key}'").ExitCode | Should -Be 0
        (Invoke-Runbook 'kubectl get events').ExitCode | Should -Be 0
    }
}

Describe 'The deploy/ manifests and the shared journal''s objects, with the real kubectl' {
    BeforeAll {
        $script:lab = Start-PostHogLab -Scenario healthy
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
        $script:Deploy = (Resolve-Path (Join-Path $PSScriptRoot '../../deploy')).Path
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
        Stop-PostHogLab $script:lab
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'kubectl apply --dry-run=client -f deploy/ accepts every manifest against the lab''s discovery and writes nothing' {
        Clear-PostHogLabRequest $lab

        $result = Invoke-Runbook "kubectl apply --dry-run=client -f '$Deploy'"

        $result.ExitCode | Should -Be 0 -Because $result.Output
        $lines = @($result.Output -split "`n" | Where-Object { $_ })
        $lines | Should -Match '^\S+/\S+ (created|configured|unchanged) \(dry run\)$'
        $lines | Should -Contain 'role.rbac.authorization.k8s.io/posthog-runbook-triage created (dry run)'
        $lines | Should -Contain 'role.rbac.authorization.k8s.io/posthog-runbook-remediate created (dry run)'
        Get-PostHogLabRequest $lab -Writes | Should -BeNullOrEmpty
        (Get-PostHogLabRequest $lab -Part kubernetes -Verb get | Where-Object resource -eq roles).name | Sort-Object |
            Should -Be @('posthog-runbook-remediate', 'posthog-runbook-triage')
    }

    It 'kubectl apply --dry-run=server -f deploy/ passes the server''s validation of the Roles, and stores nothing' {
        $result = Invoke-Runbook "kubectl apply --dry-run=server -f '$Deploy'"

        $result.ExitCode | Should -Be 0 -Because $result.Output
        @($result.Output -split "`n" | Where-Object { $_ }) | Should -Match '^\S+/\S+ (created|configured|unchanged) \(server dry run\)$'
        @((Get-LabApi $api '/apis/rbac.authorization.k8s.io/v1/namespaces/posthog/roles').items) | Should -BeNullOrEmpty
    }

    It 'kubectl create configmap writes a journal entry that kubectl get reads back' {
        $result = Invoke-Runbook 'kubectl create configmap inc-20261129-0756 --from-literal=entry-1=opened --from-literal=entry-2="fallback enabled"'

        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -BeExactly 'configmap/inc-20261129-0756 created'
        (Invoke-Runbook "kubectl get configmap inc-20261129-0756 -o jsonpath='{.data.entry-2}'").Output | Should -BeExactly 'fallback enabled'
        $stored = Get-LabApi $api '/api/v1/namespaces/posthog/configmaps/inc-20261129-0756'
        $stored.data.'entry-1' | Should -BeExactly 'opened'
        (Get-PostHogLabRequest $lab -Writes | Where-Object resource -eq configmaps).status | Should -Be 201
    }

    It 'kubectl create configmap with more than 1 MiB of data is refused with the server''s 422 and writes nothing' {
        $file = Join-Path $TestDrive 'journal.txt'
        [IO.File]::WriteAllText($file, [string]::new('a', 1048577))

        $result = Invoke-Runbook "kubectl create configmap inc-big --from-file=journal='$file'"

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -BeExactly 'error: failed to create configmap: ConfigMap "inc-big" is invalid: []: Too long: may not be more than 1048576 bytes'
        (Get-PostHogLabRequest $lab -Writes | Where-Object { $_.resource -eq 'configmaps' -and $_.status -eq 422 }) | Should -Not -BeNullOrEmpty
        { Get-LabApi $api '/api/v1/namespaces/posthog/configmaps/inc-big' } | Should -Throw '*404*'
    }

    It 'kubectl create -f of a Lease, then kubectl get leases shows its holder' {
        $lease = Join-Path $TestDrive 'lease.yaml'
        Set-Content -LiteralPath $lease -Value @(
            'apiVersion: coordination.k8s.io/v1', 'kind: Lease', 'metadata:', '  name: posthog-runbook-posthog-integration',
            'spec:', '  holderIdentity: sre@laptop', '  leaseDurationSeconds: 60', '  acquireTime: "2026-11-29T07:56:31.123456Z"')

        $created = Invoke-Runbook "kubectl create -f '$lease'"
        $listed = Invoke-Runbook 'kubectl get leases'

        $created.Output | Should -BeExactly 'lease.coordination.k8s.io/posthog-runbook-posthog-integration created'
        $listed.ExitCode | Should -Be 0
        $lines = @($listed.Output -split "`n" | Where-Object { $_ })
        $lines[0] | Should -Match '^NAME\s+HOLDER\s+AGE$'
        $lines[1] | Should -Match '^posthog-runbook-posthog-integration\s+sre@laptop\s+\d+s$'
        # Raw JSON: ConvertFrom-Json would turn the MicroTime into a DateTime.
        $api.GetStringAsync('/apis/coordination.k8s.io/v1/namespaces/posthog/leases/posthog-runbook-posthog-integration').GetAwaiter().GetResult() |
            Should -Match '"acquireTime":"2026-11-29T07:56:31\.123456Z"'
    }

    It 'kubectl create secret generic makes a backup Secret beside the integration''s (protobuf on the wire)' {
        $result = Invoke-Runbook 'kubectl create secret generic posthog-secrets-backup --from-literal=api-key=phc_previous'

        $result.Output | Should -BeExactly 'secret/posthog-secrets-backup created'
        $stored = Get-LabApi $api '/api/v1/namespaces/posthog/secrets/posthog-secrets-backup'
        $stored.type | Should -Be 'Opaque'
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($stored.data.'api-key')) | Should -BeExactly 'phc_previous'
    }
}

Describe 'The deploy/ Roles, enforced by the lab, on the runbook''s kubectl commands' {
    BeforeAll {
        $script:Deploy = (Resolve-Path (Join-Path $PSScriptRoot '../../deploy')).Path
        $script:lab = Start-PostHogLab -Scenario healthy -RbacRole (Join-Path $Deploy 'role-triage.yaml')
        Use-LabKubeconfig $lab
        $script:api = New-LabApiClient $lab
    }

    AfterAll {
        if ($script:api) { $script:api.Dispose() }
        Stop-PostHogLab $script:lab
    }

    BeforeEach { Skip-WithoutKubectl }

    It 'under the triage Role (--rbac-role) the reads work and kubectl set env is refused, naming the user, verb and resource' {
        (Invoke-Runbook 'kubectl get pods -l app=posthog-integration').ExitCode | Should -Be 0
        (Invoke-Runbook 'kubectl logs -l app=posthog-integration --since=5m').ExitCode | Should -Be 0
        (Invoke-Runbook "kubectl get secret posthog-secrets -o jsonpath='{.data.api-key}'").ExitCode | Should -Be 0
        (Invoke-Runbook 'kubectl get events').ExitCode | Should -Be 0
        $before = Get-LabApi $api '/apis/apps/v1/namespaces/posthog/deployments/posthog-integration'

        $result = Invoke-Runbook 'kubectl set env deployment/posthog-integration POSTHOG_FALLBACK=true'

        $result.ExitCode | Should -Not -Be 0
        $result.Output | Should -BeExactly 'error: failed to patch env update to pod template: deployments.apps "posthog-integration" is forbidden: User "lab-user" cannot patch resource "deployments" in API group "apps" in the namespace "posthog"'
        (Get-LabApi $api '/apis/apps/v1/namespaces/posthog/deployments/posthog-integration').metadata.resourceVersion | Should -Be $before.metadata.resourceVersion
        (Invoke-Runbook 'kubectl get secrets').Output | Should -BeExactly 'Error from server (Forbidden): secrets is forbidden: User "lab-user" cannot list resource "secrets" in API group "" in the namespace "posthog"'
    }

    It 'switched to the remediate Role at run time, set env, rollout restart and rollout status all go through' {
        $enforced = Set-PostHogLabRbac $lab -Path (Join-Path $Deploy 'role-remediate.yaml') -User 'system:serviceaccount:posthog:posthog-runbook'
        $enforced.roles.name | Should -Be 'posthog-runbook-remediate'
        Clear-PostHogLabRequest $lab

        (Invoke-Runbook 'kubectl set env deployment/posthog-integration POSTHOG_FALLBACK=true').Output | Should -BeExactly 'deployment.apps/posthog-integration env updated'
        (Invoke-Runbook 'kubectl rollout restart deployment/posthog-integration').ExitCode | Should -Be 0
        $status = Invoke-Runbook 'kubectl rollout status deployment/posthog-integration --timeout=60s'

        $status.ExitCode | Should -Be 0 -Because $status.Output
        $status.Output | Should -Match 'deployment "posthog-integration" successfully rolled out'
        $writes = @(Get-PostHogLabRequest $lab -Writes)
        $writes | ForEach-Object { "$($_.verb) $($_.resource)/$($_.name) $($_.status)" } |
            Should -Be @('patch deployments/posthog-integration 200', 'patch deployments/posthog-integration 200')
        # rollout status lists and watches the one deployment by field selector, which resourceNames allows.
        (Get-PostHogLabRequest $lab -Verb list, watch | Where-Object resource -eq deployments).name | Sort-Object -Unique | Should -Be 'posthog-integration'
        (Invoke-Runbook 'kubectl get deployments').Output |
            Should -BeExactly 'Error from server (Forbidden): deployments.apps is forbidden: User "system:serviceaccount:posthog:posthog-runbook" cannot list resource "deployments" in API group "apps" in the namespace "posthog"'
    }

    It 'back to allow-all (DELETE /_lab/rbac), everything is allowed again' {
        Clear-PostHogLabRbac $lab

        (Invoke-Runbook 'kubectl get secrets').ExitCode | Should -Be 0
        (Invoke-Runbook 'kubectl get deployments').ExitCode | Should -Be 0
    }
}

Describe 'Debian''s prometheus scraping the lab''s app' {
    BeforeAll {
        $script:world = $worlds['metrics-rate-limited']
        Wait-PostHogWorld $world
    }

    It 'answers the runbook''s error-rate query by status' {
        if (-not $prometheus.Available) { Set-ItResult -Skipped -Because $prometheus.Reason; return }

        $result = Invoke-LabWorldQuery $world 'sum by (status) (rate(posthog_errors_total{WORLD}[5m]))'

        ($result | Where-Object { $_.metric.status -eq '429' }).value[1] -as [double] | Should -BeGreaterThan 0
        ($result | Where-Object { $_.metric.status -eq '503' }).value[1] -as [double] | Should -Be 0
    }
}

Describe 'Debian''s prometheus scraping a healthy lab' {
    BeforeAll {
        $script:world = $worlds['metrics-healthy']
        Wait-PostHogWorld $world
    }

    It 'sees every error series, all at a zero rate, and requests flowing' {
        if (-not $prometheus.Available) { Set-ItResult -Skipped -Because $prometheus.Reason; return }

        $errors = @(Invoke-LabWorldQuery $world 'sum by (status) (rate(posthog_errors_total{WORLD}[5m]))')
        $errors.Count | Should -BeGreaterOrEqual 4
        foreach ($series in $errors) { $series.value[1] -as [double] | Should -Be 0 -Because "status $($series.metric.status) has no errors when healthy" }
        (Invoke-LabWorldQuery $world 'sum(rate(posthog_requests_total{WORLD}[5m]))')[0].value[1] -as [double] | Should -BeGreaterThan 0
    }
}
