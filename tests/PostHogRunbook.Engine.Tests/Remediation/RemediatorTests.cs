using System.Security;
using System.Text;
using k8s;
using k8s.Models;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Lab;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Remediation
{
    /// <summary>
    /// The remediation primitives against the in-process lab, through the real KubernetesClient: exactly the write
    /// the runbook means, nothing else touched, the rollout awaited with kubectl's logic, and the failures named.
    /// </summary>
    public sealed class RemediatorTests
    {
        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        sealed class World : IAsyncDisposable
        {
            public World(RunningLab lab, RunbookServices services, RunbookProfile profile, IKubernetes client)
            {
                Lab = lab;
                Services = services;
                Profile = profile;
                Client = client;
            }

            public RunningLab Lab { get; }

            public RunbookServices Services { get; }

            public RunbookProfile Profile { get; }

            public IKubernetes Client { get; }

            public Remediator Remediator => new(Services, Profile);

            public Task<V1Deployment> DeploymentAsync() => Client.AppsV1.ReadNamespacedDeploymentAsync("posthog-integration", "posthog");

            public Task<V1Secret> SecretAsync(string name = "posthog-secrets") => Client.CoreV1.ReadNamespacedSecretAsync(name, "posthog");

            public List<RequestRecord> KubernetesWrites()
                => Lab.Host.Context.Requests.Where(r => r.Part == "kubernetes" && r.Method is "PATCH" or "PUT" or "POST" or "DELETE").ToList();

            public async ValueTask DisposeAsync()
            {
                Client.Dispose();
                Services.Dispose();
                await Lab.DisposeAsync();
            }
        }

        static async Task<World> StartAsync(string scenario)
        {
            var lab = await RunningLab.StartAsync(scenario);
            var settings = new Dictionary<string, string?>
            {
                ["KubeConfig"] = lab.Endpoints.KubeconfigPath,
                ["PostHogHost"] = lab.Endpoints.PostHogUrl,
                ["TimeoutSec"] = "10",
                ["StatusPageUrl"] = lab.Endpoints.StatusPageUrl,
            };
            var profile = RunbookProfile.Resolve(settings, null);
            var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(lab.Endpoints.KubeconfigPath));
            return new World(lab, RunbookServices.Create(Http), profile, client);
        }

        static SecureString Secure(string text)
        {
            var secure = new SecureString();
            foreach (var c in text)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        static string EnvOf(V1Deployment deployment, string container, string name)
            => deployment.Spec.Template.Spec.Containers.Single(c => c.Name == container).Env.Single(e => e.Name == name).Value;

        [Fact]
        public async Task Fallback_sets_only_POSTHOG_FALLBACK_in_the_integration_container_and_waits_for_the_rollout()
        {
            await using var world = await StartAsync("us-outage");
            var before = await world.DeploymentAsync();

            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            Assert.Equal(("integration", "false", "true", false), (plan.Container, plan.Before, plan.After, plan.AlreadyInState));
            Assert.Empty(world.KubernetesWrites());

            var result = await world.Remediator.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 60), null, CancellationToken.None);

            Assert.Equal(RemediationOutcome.Applied, result.Outcome);
            Assert.Equal(RolloutState.Complete, result.Rollout!.State);
            Assert.Equal(result.Rollout.DesiredReplicas, result.Rollout.AvailableReplicas);
            Assert.Equal(0, result.Rollout.OldReplicas);
            Assert.Equal(VerificationOutcome.Verified, result.Verification);
            Assert.Contains("POSTHOG_FALLBACK=false", result.Undo, StringComparison.Ordinal);

            // The whole pod template, before and after: one value differs, nothing else (sidecar, envFrom, annotations).
            var after = await world.DeploymentAsync();
            var expected = JObject.Parse(KubernetesJson.Serialize(before.Spec.Template));
            expected.SelectToken("spec.containers[?(@.name=='integration')].env[?(@.name=='POSTHOG_FALLBACK')].value")!.Replace("true");
            Assert.True(JToken.DeepEquals(expected, JObject.Parse(KubernetesJson.Serialize(after.Spec.Template))), KubernetesJson.Serialize(after.Spec.Template));
            Assert.Single(world.KubernetesWrites());
        }

        [Fact]
        public async Task A_second_run_writes_nothing_and_says_so()
        {
            await using var world = await StartAsync("us-outage");
            var first = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            await world.Remediator.ApplyAsync(first, new RemediationOptions(Wait: false), null, CancellationToken.None);
            world.Lab.Host.Context.ClearRequests();

            var second = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            var result = await world.Remediator.ApplyAsync(second, new RemediationOptions(), null, CancellationToken.None);

            Assert.True(second.AlreadyInState);
            Assert.Equal(RemediationOutcome.AlreadyInState, result.Outcome);
            Assert.Null(result.Undo);
            Assert.Empty(world.KubernetesWrites());
        }

        [Fact]
        public async Task Queueing_sets_RATE_LIMIT_MODE_and_undo_restores_the_previous_value()
        {
            await using var world = await StartAsync("rate-limited");
            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.QueueRequests, Remediator.RateLimitVariable, "queue", CancellationToken.None);
            await world.Remediator.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 60), null, CancellationToken.None);
            Assert.Equal("queue", EnvOf(await world.DeploymentAsync(), "integration", "RATE_LIMIT_MODE"));

            var undo = await world.Remediator.PlanEnvAsync(RemediationAction.QueueRequests, Remediator.RateLimitVariable, plan.Before, CancellationToken.None);
            await world.Remediator.ApplyAsync(undo, new RemediationOptions(Wait: false), null, CancellationToken.None);

            Assert.Equal("direct", EnvOf(await world.DeploymentAsync(), "integration", "RATE_LIMIT_MODE"));
        }

        [Fact]
        public async Task Removing_a_variable_that_was_absent_before_is_the_undo_of_adding_it()
        {
            await using var world = await StartAsync("healthy");
            var add = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, "POSTHOG_EXTRA", "1", CancellationToken.None);
            Assert.Null(add.Before);
            await world.Remediator.ApplyAsync(add, new RemediationOptions(Wait: false), null, CancellationToken.None);

            var remove = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, "POSTHOG_EXTRA", null, CancellationToken.None);
            await world.Remediator.ApplyAsync(remove, new RemediationOptions(Wait: false), null, CancellationToken.None);

            var env = (await world.DeploymentAsync()).Spec.Template.Spec.Containers.Single(c => c.Name == "integration").Env;
            Assert.DoesNotContain(env, e => e.Name == "POSTHOG_EXTRA");
            Assert.Contains(env, e => e.Name == "POSTHOG_FALLBACK");
        }

        [Fact]
        public async Task A_key_rotation_backs_up_the_secret_replaces_the_key_restarts_and_probes_again()
        {
            await using var world = await StartAsync("bad-key");
            var plan = await world.Remediator.PlanKeyRotationAsync(Secure(LabKeys.Good), CancellationToken.None);
            Assert.DoesNotContain(LabKeys.Good, plan.ShouldProcessAction, StringComparison.Ordinal);

            var result = await world.Remediator.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 60), null, CancellationToken.None);

            Assert.Equal(RemediationOutcome.Applied, result.Outcome);
            Assert.Equal(VerificationOutcome.Verified, result.Verification);
            Assert.Equal(LabKeys.Good, Encoding.UTF8.GetString((await world.SecretAsync()).Data["api-key"]));
            var backup = await world.SecretAsync("posthog-secrets-backup");
            Assert.Equal("posthog-secrets", backup.Metadata.Labels[Remediator.BackupOfLabel]);
            var saved = Assert.Single(backup.Data);
            Assert.StartsWith("api-key.", saved.Key, StringComparison.Ordinal);
            Assert.Equal(LabKeys.Revoked, Encoding.UTF8.GetString(saved.Value));
            Assert.NotNull((await world.DeploymentAsync()).Spec.Template.Metadata.Annotations[Remediator.RestartedAtAnnotation]);
            Assert.Contains(world.KubernetesWrites(), w => w.Method == "PUT" && w.Path.EndsWith("/secrets/posthog-secrets", StringComparison.Ordinal));

            // Undo: the backup's value back in place.
            var restore = await world.Remediator.PlanKeyRestoreAsync("posthog-secrets-backup", saved.Key, CancellationToken.None);
            await world.Remediator.ApplyAsync(restore, new RemediationOptions(Wait: false), null, CancellationToken.None);
            Assert.Equal(LabKeys.Revoked, Encoding.UTF8.GetString((await world.SecretAsync()).Data["api-key"]));
        }

        [Fact]
        public async Task A_key_PostHog_rejects_writes_nothing()
        {
            await using var world = await StartAsync("bad-key");

            var failure = await Assert.ThrowsAsync<RunbookException>(() => world.Remediator.PlanKeyRotationAsync(Secure("phc_SomeOtherKeyThatPostHogDoesNotKnow0123456789"), CancellationToken.None));

            Assert.Equal("ApiKeyRejected", failure.ErrorId);
            Assert.DoesNotContain("phc_SomeOtherKeyThatPostHogDoesNotKnow0123456789", failure.Message, StringComparison.Ordinal);
            Assert.Empty(world.KubernetesWrites());
        }

        // IfUnchanged (a plan read before the lock was held): the plan's read is the precondition of its patch, so a
        // deployment another writer changed in between (kubectl by hand, a writer without the lock) refuses the patch,
        // and nothing of the plan's is written over theirs. Read again, the change goes on top of theirs.
        [Fact]
        public async Task A_deployment_changed_since_the_plan_read_it_is_DeploymentChanged_and_nothing_is_written()
        {
            await using var world = await StartAsync("us-outage");
            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            var theirs = """{"spec":{"template":{"spec":{"containers":[{"name":"integration","env":[{"name":"POSTHOG_DEBUG","value":"1"}]}]}}}}""";
            await world.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(theirs, V1Patch.PatchType.StrategicMergePatch), "posthog-integration", "posthog");

            var failure = await Assert.ThrowsAsync<RunbookException>(() => world.Remediator.ApplyAsync(plan, new RemediationOptions(IfUnchanged: true), null, CancellationToken.None));

            Assert.Equal(Remediator.DeploymentChangedErrorId, failure.ErrorId);
            Assert.Contains("nothing was written", failure.Message, StringComparison.Ordinal);
            var now = await world.DeploymentAsync();
            Assert.Equal("false", EnvOf(now, "integration", "POSTHOG_FALLBACK"));
            Assert.Equal("1", EnvOf(now, "integration", "POSTHOG_DEBUG"));

            // Read again, the same change goes through, on top of theirs.
            var replanned = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            var result = await world.Remediator.ApplyAsync(replanned, new RemediationOptions(), null, CancellationToken.None);
            Assert.Equal(RemediationOutcome.Applied, result.Outcome);
            now = await world.DeploymentAsync();
            Assert.Equal("true", EnvOf(now, "integration", "POSTHOG_FALLBACK"));
            Assert.Equal("1", EnvOf(now, "integration", "POSTHOG_DEBUG"));
        }

        // Without IfUnchanged (a plan read under the lock) the patch is kubectl's: a deployment whose resourceVersion
        // moved since the read (its status moves all through an outage) still takes the change, on top of the rest.
        [Fact]
        public async Task A_plan_read_under_the_lock_is_applied_however_the_deployment_moved_since()
        {
            await using var world = await StartAsync("us-outage");
            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
            var theirs = """{"metadata":{"annotations":{"team":"sre"}}}""";
            await world.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(theirs, V1Patch.PatchType.StrategicMergePatch), "posthog-integration", "posthog");

            var result = await world.Remediator.ApplyAsync(plan, new RemediationOptions(Wait: false), null, CancellationToken.None);

            Assert.Equal(RemediationOutcome.Applied, result.Outcome);
            var now = await world.DeploymentAsync();
            Assert.Equal("true", EnvOf(now, "integration", "POSTHOG_FALLBACK"));
            Assert.Equal("sre", now.Metadata.Annotations["team"]);
        }

        // A restart is conditional on the plan's read too; the restart after a key rotation is not (the secret was
        // written already: refusing the restart then would leave the new key unused).
        [Fact]
        public async Task A_restart_planned_on_a_deployment_changed_since_is_DeploymentChanged()
        {
            await using var world = await StartAsync("us-outage");
            static string? RestartedAt(V1Deployment d) => d.Spec.Template.Metadata?.Annotations?.TryGetValue("kubectl.kubernetes.io/restartedAt", out var at) == true ? at : null;
            var before = RestartedAt(await world.DeploymentAsync());
            var plan = await world.Remediator.PlanRestartAsync(CancellationToken.None);
            var theirs = """{"metadata":{"annotations":{"team":"sre"}}}""";
            await world.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(theirs, V1Patch.PatchType.StrategicMergePatch), "posthog-integration", "posthog");

            var failure = await Assert.ThrowsAsync<RunbookException>(() => world.Remediator.ApplyAsync(plan, new RemediationOptions(Wait: false, IfUnchanged: true), null, CancellationToken.None));

            Assert.Equal(Remediator.DeploymentChangedErrorId, failure.ErrorId);
            Assert.Equal(before, RestartedAt(await world.DeploymentAsync()));
            Assert.Contains(world.KubernetesWrites(), w => w.Method == "PATCH" && w.Status == 409);
        }

        [Fact]
        public async Task A_secret_changed_since_it_was_read_is_a_conflict_never_an_overwrite()
        {
            await using var world = await StartAsync("bad-key");
            var plan = await world.Remediator.PlanKeyRotationAsync(Secure(LabKeys.Good), CancellationToken.None);
            var theirs = await world.SecretAsync();
            theirs.Data["api-key"] = Encoding.UTF8.GetBytes("phc_SomeoneElsesKey0123456789012345678901234");
            await world.Client.CoreV1.ReplaceNamespacedSecretAsync(theirs, "posthog-secrets", "posthog");

            var failure = await Assert.ThrowsAsync<RunbookException>(() => world.Remediator.ApplyAsync(plan, new RemediationOptions(), null, CancellationToken.None));

            Assert.Equal("SecretConflict", failure.ErrorId);
            Assert.Equal("phc_SomeoneElsesKey0123456789012345678901234", Encoding.UTF8.GetString((await world.SecretAsync()).Data["api-key"]));
            Assert.DoesNotContain(world.KubernetesWrites(), w => w.Method == "PATCH");
        }

        [Fact]
        public async Task A_read_only_role_is_refused_with_the_verb_and_resource_named()
        {
            await using var world = await StartAsync("rbac-read-only");
            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);

            var failure = await Assert.ThrowsAsync<RunbookException>(() => world.Remediator.ApplyAsync(plan, new RemediationOptions(), null, CancellationToken.None));

            Assert.Equal("KubernetesForbidden", failure.ErrorId);
            Assert.Contains("'patch' on 'deployments'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("namespace posthog", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_stuck_rollout_is_RolloutTimedOut_with_the_replica_counts_and_the_undo()
        {
            await using var world = await StartAsync("rollout-stuck");
            var plan = await world.Remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);

            var failure = await Assert.ThrowsAsync<RemediationException>(() => world.Remediator.ApplyAsync(plan, new RemediationOptions(RolloutTimeoutSec: 4), null, CancellationToken.None));

            Assert.Equal("RolloutTimedOut", failure.Error.ErrorId);
            Assert.Equal(RolloutState.TimedOut, failure.Change.Rollout!.State);
            Assert.Contains("POSTHOG_FALLBACK=false", failure.Error.Message, StringComparison.Ordinal);
            Assert.Matches(@"\d+/3 updated", failure.Error.Message);
        }

        [Fact]
        public async Task An_unknown_deployment_is_DeploymentNotFound()
        {
            await using var world = await StartAsync("healthy");
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?> { ["KubeConfig"] = world.Lab.Endpoints.KubeconfigPath, ["Deployment"] = "nosuch" }, null);

            var failure = await Assert.ThrowsAsync<RunbookException>(() => new Remediator(world.Services, profile).PlanRestartAsync(CancellationToken.None));

            Assert.Equal("DeploymentNotFound", failure.ErrorId);
        }

        [Fact]
        public void The_container_is_the_one_that_uses_PostHog_and_two_candidates_are_ambiguous()
        {
            V1Container Container(string name, params string[] env) => new() { Name = name, Env = env.Select(e => new V1EnvVar { Name = e, Value = "x" }).ToList() };
            V1Deployment With(params V1Container[] containers) => new() { Metadata = new V1ObjectMeta { Name = "d" }, Spec = new V1DeploymentSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = containers } } } };

            Assert.Equal("app", Remediator.IntegrationContainer(With(Container("sidecar", "SCRAPE"), Container("app", "POSTHOG_HOST")), null, "posthog-secrets").Name);
            var ambiguous = Assert.Throws<RunbookException>(() => Remediator.IntegrationContainer(With(Container("a", "POSTHOG_HOST"), Container("b", "POSTHOG_FALLBACK")), null, "posthog-secrets"));
            Assert.Equal("ContainerAmbiguous", ambiguous.ErrorId);
            Assert.Contains("a, b", ambiguous.Message, StringComparison.Ordinal);
            Assert.Equal("b", Remediator.IntegrationContainer(With(Container("a", "POSTHOG_HOST"), Container("b", "POSTHOG_FALLBACK")), "b", "posthog-secrets").Name);
            Assert.Equal("ContainerNotFound", Assert.Throws<RunbookException>(() => Remediator.IntegrationContainer(With(Container("a")), "zzz", "s")).ErrorId);
        }
    }
}
