using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PostHogRunbook.Lab;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>
    /// The runbook's Kubernetes operations through KubernetesClient against the in-process lab, each checked
    /// against the lab's state read back through the API; the same things KubectlFidelity.Tests.ps1 checks with kubectl.
    /// </summary>
    public class KubernetesClientFidelityTests
    {
        static readonly TimeSpan RolloutPatience = TimeSpan.FromSeconds(20);

        [Fact]
        public async Task Pods_by_label_are_the_integrations_and_the_billing_pod_is_never_touched()
        {
            await using var cluster = await InProcessCluster.StartAsync(pods: 4);

            var pods = await cluster.IntegrationPodsAsync();

            Assert.Equal(4, pods.Count);
            Assert.All(pods, p =>
            {
                Assert.StartsWith("posthog-integration-", p.Metadata.Name, StringComparison.Ordinal);
                Assert.Equal("posthog-integration", p.Metadata.Labels["app"]);
                Assert.True(p.Metadata.Labels.ContainsKey("pod-template-hash"));
                Assert.Equal("Running", p.Status.Phase);
                Assert.All(p.Status.ContainerStatuses, s => Assert.True(s.Ready));
            });
            var everything = await cluster.Client.CoreV1.ListNamespacedPodAsync(InProcessCluster.Namespace);
            Assert.Contains(everything.Items, p => p.Metadata.Labels["app"] == "billing");
            Assert.DoesNotContain(cluster.Context.Requests, r => r.Path.Contains("billing-worker", StringComparison.Ordinal));
            Assert.All(cluster.Context.Requests, r => Assert.Equal("kubernetes", r.Part));
        }

        [Fact]
        public async Task Logs_since_five_minutes_carry_the_scenarios_error_status_and_nothing_older()
        {
            await using var cluster = await InProcessCluster.StartAsync("us-outage");
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;
            var startedAt = DateTimeOffset.UtcNow;

            var log = await cluster.ReadLogAsync(pod, sinceSeconds: 300);

            var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.Contains(lines, l => l.Contains(" ERROR posthog request failed status=503 method=POST url=https://us.i.posthog.com/batch/ detail=\"transient error, please retry\"", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("status=401", StringComparison.Ordinal) || l.Contains("status=429", StringComparison.Ordinal));
            foreach (var line in lines)
            {
                var at = DateTimeOffset.Parse(line[..24], CultureInfo.InvariantCulture);
                Assert.True(at >= startedAt.AddSeconds(-301), $"older than five minutes: {line}");
            }
        }

        [Fact]
        public async Task Healthy_logs_hold_no_errors_but_do_hold_secrets_for_redaction()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;

            var log = await cluster.ReadLogAsync(pod);

            Assert.DoesNotContain(" ERROR ", log, StringComparison.Ordinal);
            Assert.Contains("api_key=" + LabKeys.Good, log, StringComparison.Ordinal);
            Assert.Contains("Authorization: Bearer " + LabKeys.Personal, log, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_pod_with_two_containers_needs_the_container_named_as_the_real_server_demands()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;

            var failure = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ReadLogAsync(pod, container: null));

            Assert.Equal(HttpStatusCode.BadRequest, failure.Response.StatusCode);
            Assert.Equal($"a container name must be specified for pod {pod}, choose one of: [integration metrics-sidecar]",
                InProcessCluster.StatusOf(failure).GetProperty("message").GetString());
        }

        [Theory]
        [InlineData("healthy", LabKeys.Good)]
        [InlineData("bad-key", LabKeys.Revoked)]
        public async Task The_secret_holds_the_key_the_scenario_says(string scenario, string key)
        {
            await using var cluster = await InProcessCluster.StartAsync(scenario);

            var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);

            Assert.Equal(key, Encoding.UTF8.GetString(secret.Data["api-key"]));
        }

        [Fact]
        public async Task Setting_one_env_var_by_strategic_merge_keeps_the_others_and_the_other_container_and_rolls_out()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var before = await cluster.ReadDeploymentAsync();

            var patched = await cluster.PatchDeploymentAsync(
                """{"spec":{"template":{"spec":{"containers":[{"name":"integration","env":[{"name":"POSTHOG_FALLBACK","value":"true"}]}]}}}}""");

            Assert.Equal(before.Metadata.Generation + 1, patched.Metadata.Generation);
            var containers = patched.Spec.Template.Spec.Containers;
            Assert.Equal(new[] { "integration", "metrics-sidecar" }, containers.Select(c => c.Name));
            var integration = containers[0];
            Assert.Equal(
                new[] { "POSTHOG_HOST=https://us.i.posthog.com", "POSTHOG_FALLBACK=true", "RATE_LIMIT_MODE=direct" },
                integration.Env.Select(e => e.Name + "=" + e.Value));
            Assert.Equal("posthog-secrets", Assert.Single(integration.EnvFrom).SecretRef.Name);
            Assert.Equal("registry.example/posthog-integration:1.4.2", integration.Image);
            Assert.Equal(before.Spec.Template.Spec.Containers[1].Env.Select(e => e.Name), containers[1].Env.Select(e => e.Name));

            var done = await RolloutCompleteAsync(cluster, patched.Metadata.Generation!.Value);
            Assert.Equal(3, done.Status.UpdatedReplicas);
            var pods = await cluster.IntegrationPodsAsync();
            Assert.Equal(3, pods.Count);
            Assert.All(pods, p => Assert.Contains(p.Spec.Containers[0].Env, e => e.Name == "POSTHOG_FALLBACK" && e.Value == "true"));
        }

        [Fact]
        public async Task Replacing_the_secret_with_a_stale_resource_version_is_a_409_conflict()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var secrets = cluster.Client.CoreV1;
            var original = await secrets.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);

            original.Data["api-key"] = Encoding.UTF8.GetBytes("phc_first");
            var replaced = await secrets.ReplaceNamespacedSecretAsync(original, "posthog-secrets", InProcessCluster.Namespace);
            Assert.NotEqual(original.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);

            original.Data["api-key"] = Encoding.UTF8.GetBytes("phc_second");
            var failure = await Assert.ThrowsAsync<HttpOperationException>(
                () => secrets.ReplaceNamespacedSecretAsync(original, "posthog-secrets", InProcessCluster.Namespace));

            Assert.Equal(HttpStatusCode.Conflict, failure.Response.StatusCode);
            var status = InProcessCluster.StatusOf(failure);
            Assert.Equal("Conflict", status.GetProperty("reason").GetString());
            Assert.Equal(
                "Operation cannot be fulfilled on secrets \"posthog-secrets\": the object has been modified; please apply your changes to the latest version and try again",
                status.GetProperty("message").GetString());
            var stored = await secrets.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);
            Assert.Equal("phc_first", Encoding.UTF8.GetString(stored.Data["api-key"]));
        }

        [Fact]
        public async Task The_restart_annotation_rolls_out_new_pods_that_carry_it()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var oldPods = (await cluster.IntegrationPodsAsync()).Select(p => p.Metadata.Name).ToList();
            var restartedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

            var patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"" + restartedAt + "\"}}}}}";

            var patched = await cluster.PatchDeploymentAsync(patch);

            Assert.Equal("integration", patched.Spec.Template.Metadata.Annotations["kubectl.kubernetes.io/default-container"]);
            var done = await RolloutCompleteAsync(cluster, patched.Metadata.Generation!.Value);
            Assert.Contains(done.Status.Conditions, c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable");
            Assert.Equal("2", done.Metadata.Annotations["deployment.kubernetes.io/revision"]);
            var pods = await cluster.IntegrationPodsAsync();
            Assert.Equal(3, pods.Count);
            Assert.All(pods, p =>
            {
                Assert.DoesNotContain(p.Metadata.Name, oldPods);
                Assert.Equal(restartedAt, p.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"]);
            });
            var replicaSets = await cluster.Client.AppsV1.ListNamespacedReplicaSetAsync(InProcessCluster.Namespace, labelSelector: InProcessCluster.Selector);
            Assert.Equal(2, replicaSets.Items.Count);
            Assert.Single(replicaSets.Items, rs => rs.Spec.Replicas == 3);
        }

        [Fact]
        public async Task A_stuck_rollout_keeps_the_old_pods_and_exceeds_its_progress_deadline()
        {
            await using var cluster = await InProcessCluster.StartAsync("rollout-stuck");

            // A short deadline keeps the test quick; the lab honours the deployment's own progressDeadlineSeconds.
            var patched = await cluster.PatchDeploymentAsync(
                """{"spec":{"progressDeadlineSeconds":2,"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-29T06:00:00Z"}}}}}""");

            var stuck = await InProcessCluster.EventuallyAsync(cluster.ReadDeploymentAsync,
                d => d.Status.Conditions?.Any(c => c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded") == true,
                TimeSpan.FromSeconds(10), "ProgressDeadlineExceeded");

            Assert.Equal(patched.Metadata.Generation, stuck.Status.ObservedGeneration);
            Assert.Equal(1, stuck.Status.UpdatedReplicas);
            Assert.Equal(3, stuck.Status.AvailableReplicas);
            var progressing = stuck.Status.Conditions.Single(c => c.Type == "Progressing");
            Assert.Equal("False", progressing.Status);
            Assert.EndsWith("has timed out progressing.", progressing.Message, StringComparison.Ordinal);
            var pods = await cluster.IntegrationPodsAsync();
            Assert.Equal(4, pods.Count);
            Assert.Single(pods, p => p.Status.ContainerStatuses[0].Ready == false);
        }

        [Fact]
        public async Task Read_only_refuses_every_write_with_rbacs_message_and_changes_nothing()
        {
            await using var cluster = await InProcessCluster.StartAsync("rbac-read-only");
            var before = await cluster.ReadDeploymentAsync();

            var failure = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.PatchDeploymentAsync(
                """{"spec":{"template":{"spec":{"containers":[{"name":"integration","env":[{"name":"POSTHOG_FALLBACK","value":"true"}]}]}}}}"""));

            Assert.Equal(HttpStatusCode.Forbidden, failure.Response.StatusCode);
            var status = InProcessCluster.StatusOf(failure);
            Assert.Equal("Forbidden", status.GetProperty("reason").GetString());
            Assert.Equal(403, status.GetProperty("code").GetInt32());
            Assert.Equal(
                "deployments.apps \"posthog-integration\" is forbidden: User \"lab-readonly\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"posthog\"",
                status.GetProperty("message").GetString());
            var secretFailure = await Assert.ThrowsAsync<HttpOperationException>(async () =>
            {
                var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);
                await cluster.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "posthog-secrets", InProcessCluster.Namespace);
            });
            Assert.Contains("cannot update resource \"secrets\" in API group \"\"", InProcessCluster.StatusOf(secretFailure).GetProperty("message").GetString(), StringComparison.Ordinal);
            var after = await cluster.ReadDeploymentAsync();
            Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        }

        [Fact]
        public async Task A_wrong_token_is_401_unauthorized()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            using var stranger = cluster.ClientWithToken("not-the-token");

            var failure = await Assert.ThrowsAsync<HttpOperationException>(() => stranger.CoreV1.ListNamespacedPodAsync(InProcessCluster.Namespace));

            Assert.Equal(HttpStatusCode.Unauthorized, failure.Response.StatusCode);
            Assert.Equal("Unauthorized", InProcessCluster.StatusOf(failure).GetProperty("reason").GetString());
        }

        [Fact]
        public async Task Crash_loop_pods_show_it_in_status_previous_logs_and_warning_events()
        {
            await using var cluster = await InProcessCluster.StartAsync("infra-down");

            var pods = await cluster.IntegrationPodsAsync();
            var deployment = await cluster.ReadDeploymentAsync();

            Assert.Null(deployment.Status.AvailableReplicas);
            Assert.Contains(deployment.Status.Conditions, c => c.Type == "Available" && c.Status == "False");
            Assert.All(pods, p =>
            {
                var main = p.Status.ContainerStatuses[0];
                Assert.Equal("CrashLoopBackOff", main.State.Waiting.Reason);
                Assert.True(main.RestartCount > 5);
                Assert.Equal(1, main.LastState.Terminated.ExitCode);
            });
            var pod = pods[0].Metadata.Name;
            var previous = await cluster.ReadLogAsync(pod, previous: true);
            Assert.Contains("panic: ", previous, StringComparison.Ordinal);
            var warnings = await cluster.Client.CoreV1.ListNamespacedEventAsync(InProcessCluster.Namespace,
                fieldSelector: $"involvedObject.name={pod},type=Warning");
            Assert.Contains(warnings.Items, e => e.Reason == "BackOff");
            Assert.All(warnings.Items, e => Assert.Equal(pod, e.InvolvedObject.Name));
        }

        [Fact]
        public async Task Oom_pods_report_the_kill_and_one_replica_stays_available()
        {
            await using var cluster = await InProcessCluster.StartAsync("oom");

            var pods = await cluster.IntegrationPodsAsync();
            var deployment = await cluster.ReadDeploymentAsync();

            Assert.Equal(1, deployment.Status.AvailableReplicas);
            var killed = pods.Where(p => p.Status.ContainerStatuses[0].LastState?.Terminated?.Reason == "OOMKilled").ToList();
            Assert.Equal(2, killed.Count);
            Assert.All(killed, p => Assert.Equal(137, p.Status.ContainerStatuses[0].LastState.Terminated.ExitCode));
        }

        [Fact]
        public async Task A_scenario_switch_rebuilds_pod_health_and_the_lab_key_but_keeps_a_rotated_key()
        {
            await using var cluster = await InProcessCluster.StartAsync();

            cluster.Context.SwitchScenario("infra-down");
            var crashing = await cluster.IntegrationPodsAsync();
            Assert.All(crashing, p => Assert.Equal("CrashLoopBackOff", p.Status.ContainerStatuses[0].State.Waiting?.Reason));
            Assert.Null((await cluster.ReadDeploymentAsync()).Status.ReadyReplicas);

            cluster.Context.SwitchScenario("bad-key");
            var secret = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);
            Assert.Equal(LabKeys.Revoked, Encoding.UTF8.GetString(secret.Data["api-key"]));
            Assert.All(await cluster.IntegrationPodsAsync(), p => Assert.True(p.Status.ContainerStatuses[0].Ready));

            secret.Data["api-key"] = Encoding.UTF8.GetBytes("phc_rotated");
            await cluster.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "posthog-secrets", InProcessCluster.Namespace);
            cluster.Context.SwitchScenario("healthy");
            var kept = await cluster.Client.CoreV1.ReadNamespacedSecretAsync("posthog-secrets", InProcessCluster.Namespace);
            Assert.Equal("phc_rotated", Encoding.UTF8.GetString(kept.Data["api-key"]));
        }

        static Task<V1Deployment> RolloutCompleteAsync(InProcessCluster cluster, long generation) =>
            InProcessCluster.EventuallyAsync(cluster.ReadDeploymentAsync,
                d => d.Status.ObservedGeneration >= generation
                     && d.Status.UpdatedReplicas == d.Spec.Replicas
                     && d.Status.Replicas == d.Spec.Replicas
                     && d.Status.AvailableReplicas == d.Spec.Replicas,
                RolloutPatience, "the rollout");
    }
}
