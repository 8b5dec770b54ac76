using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Tests.Configuration;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Engine.Tests.LabKubernetes;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Kubernetes
{
    /// <summary>
    /// In a pod: no kubeconfig, KUBERNETES_SERVICE_HOST set, the service account mount. The lab plays the pod (its
    /// state directory's serviceaccount/ holds token, ca.crt and namespace; its API server is the service host) and
    /// its RBAC names the account in every refusal, so these tests see the identity the module really used.
    /// </summary>
    public sealed class InClusterTests
    {
        const string ServiceAccountUser = "system:serviceaccount:posthog:posthog-runbook";

        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        /// <summary>The environment of a pod whose API server is the lab: no kubeconfig anywhere, the mount at the lab's folder.</summary>
        static TestWorld PodOf(RunningLab lab, string? mount = null)
        {
            var world = new TestWorld();
            var server = new Uri(lab.Endpoints.KubernetesUrl!);
            world.Variables[InClusterConfig.HostVariable] = server.Host;
            world.Variables[InClusterConfig.PortVariable] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            world.Variables[InClusterConfig.ServiceAccountPathVariable] = mount ?? Mount(lab);
            world.Variables["POSTHOG_RUNBOOK_POSTHOG_HOST"] = lab.Endpoints.PostHogUrl;
            world.Variables["POSTHOG_RUNBOOK_STATUS_PAGE_URL"] = lab.Endpoints.StatusPageUrl;
            world.Variables["POSTHOG_RUNBOOK_PROMETHEUS_URL"] = lab.Endpoints.DeadUrl;
            return world;
        }

        static string Mount(RunningLab lab) => Path.Combine(lab.Endpoints.StateDirectory, "serviceaccount");

        [Fact]
        public void Without_a_kubeconfig_and_with_KUBERNETES_SERVICE_HOST_the_profile_chooses_the_service_account()
        {
            using var world = new TestWorld();
            world.Variables[InClusterConfig.HostVariable] = "10.96.0.1";
            world.Variables[InClusterConfig.PortVariable] = "443";
            world.Variables["KUBECONFIG"] = string.Empty;

            var profile = world.Resolve();
            var value = profile.Get(RunbookSetting.KubeConfig);
            Assert.Equal("in-cluster://10.96.0.1:443/var/run/secrets/kubernetes.io/serviceaccount", value);
            Assert.Equal(SettingSource.InCluster, profile.SourceOf(RunbookSetting.KubeConfig));
            Assert.True(InClusterConfig.IsInCluster(value));

            // The mount can be pointed elsewhere; the server is named as kubectl names it.
            world.Variables[InClusterConfig.ServiceAccountPathVariable] = Path.Combine(world.Root, "sa");
            var facts = KubeConfigReader.Describe(world.Resolve().Get(RunbookSetting.KubeConfig)!, null);
            Assert.Equal(InClusterConfig.ContextName, facts.Context);
            Assert.Equal("https://10.96.0.1", facts.Server);
            Assert.Equal(new[] { Path.Combine(world.Root, "sa") }, facts.Files);
            Assert.Null(facts.Namespace);
        }

        [Fact]
        public void A_kubeconfig_from_anywhere_outranks_the_service_account_as_kubectl_does()
        {
            using var world = new TestWorld();
            world.Variables[InClusterConfig.HostVariable] = "10.96.0.1";
            world.Variables[InClusterConfig.PortVariable] = "443";

            world.Variables["KUBECONFIG"] = Path.Combine(world.Root, "named");
            Assert.Equal(SettingSource.Environment, world.Resolve().SourceOf(RunbookSetting.KubeConfig));
            world.Variables.Remove("KUBECONFIG");

            Assert.Equal(SettingSource.Parameter, world.Resolve(TestWorld.Parameters(("KubeConfig", Path.Combine(world.Root, "given")))).SourceOf(RunbookSetting.KubeConfig));

            var home = world.Write("home/.kube/config", "apiVersion: v1\n");
            Assert.Equal(home, world.Resolve().Get(RunbookSetting.KubeConfig));

            // Outside a pod, no kubeconfig is no kubeconfig.
            File.Delete(home);
            world.Variables.Remove(InClusterConfig.HostVariable);
            Assert.Null(world.Resolve().Get(RunbookSetting.KubeConfig));
        }

        [Fact]
        public void A_service_port_that_is_no_port_is_a_problem_of_the_profile_named_for_the_variable()
        {
            using var world = new TestWorld();
            world.Variables[InClusterConfig.HostVariable] = "10.96.0.1";
            world.Variables[InClusterConfig.PortVariable] = "https";

            var problem = Assert.Single(world.Resolve().Problems);
            Assert.Equal("InClusterConfigInvalid", problem.ErrorId);
            Assert.Contains("KUBERNETES_SERVICE_PORT is 'https'", problem.Message, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Triage_in_a_pod_reads_the_cluster_as_the_service_account_and_names_the_target_in_cluster()
        {
            await using var lab = await RunningLab.StartAsync();
            lab.Host.Context.Rbac.EnforceFiles(new[] { DeployManifests.TriageRole });
            using var world = PodOf(lab);
            var profile = world.Resolve();
            Assert.Empty(profile.Problems);

            using var services = RunbookServices.Create(Http);
            var result = Assert.Single(await new TriageEngine(services).RunAsync(new TriageRequest(profile, onlyChecks: new[] { TriageCheckName.Workload }), null, CancellationToken.None));
            Assert.Null(result.TargetFailure);
            var report = result.Report;
            Assert.Equal(InClusterConfig.ContextName, report.Target.Context);
            // The namespace is the service account's (the mount's namespace file): none was set.
            Assert.Equal("posthog", report.Target.Namespace);
            var workload = report.Checks.Single(c => c.Name == TriageCheckName.Workload);
            Assert.Equal(CheckStatus.Pass, workload.Status);

            // What the service account sent: the lab authenticated the mount's token (a kubeconfig user would be refused the same way).
            Assert.Contains(lab.Host.Context.Requests, r => r.Part == "kubernetes" && r.Path.EndsWith("/deployments/posthog-integration", StringComparison.Ordinal) && r.Status == 200);
        }

        [Fact]
        public async Task A_refusal_in_a_pod_names_the_service_account_and_the_remediate_role_lets_the_fix_through()
        {
            await using var lab = await RunningLab.StartAsync();
            lab.Host.Context.Rbac.EnforceFiles(new[] { DeployManifests.TriageRole });
            using var world = PodOf(lab);
            var profile = world.Resolve();

            using (var services = RunbookServices.Create(Http))
            {
                var remediator = new Remediator(services, profile);
                var plan = await remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
                Assert.Equal(InClusterConfig.ContextName, plan.Target.Context);
                var refused = await Assert.ThrowsAnyAsync<Exception>(() => remediator.ApplyAsync(plan, new RemediationOptions(Wait: false), null, CancellationToken.None));
                var error = refused as RunbookException ?? (refused as RemediationException)?.Error;
                Assert.NotNull(error);
                Assert.Equal("KubernetesForbidden", error!.ErrorId);
                Assert.Contains($"User \"{ServiceAccountUser}\" cannot patch resource \"deployments\"", error.Message, StringComparison.Ordinal);
                Assert.Contains("(context in-cluster)", error.Message, StringComparison.Ordinal);
            }

            lab.Host.Context.Rbac.EnforceFiles(new[] { DeployManifests.RemediateRole });
            using (var services = RunbookServices.Create(Http))
            {
                var remediator = new Remediator(services, profile);
                var plan = await remediator.PlanEnvAsync(RemediationAction.EnableFallback, Remediator.FallbackVariable, "true", CancellationToken.None);
                var applied = await remediator.ApplyAsync(plan, new RemediationOptions(Wait: false), null, CancellationToken.None);
                Assert.Equal(RemediationOutcome.Applied, applied.Outcome);
            }
        }

        [Fact]
        public async Task In_a_pod_the_default_actor_is_the_service_account_from_the_token_else_from_the_environment()
        {
            await using var lab = await RunningLab.StartAsync();
            using var world = PodOf(lab);

            // The lab's token is shaped as the API server's: its claims name the account.
            Assert.Equal(ServiceAccountUser, JournalEntryWriter.DefaultActor(world.Environment));
            Assert.Equal(ServiceAccountUser, InClusterConfig.UserOfToken(await File.ReadAllTextAsync(Path.Combine(Mount(lab), "token"))));

            // A token that says nothing: the downward API's name and the mount's namespace.
            var opaque = Directory.CreateDirectory(Path.Combine(world.Root, "opaque")).FullName;
            await File.WriteAllTextAsync(Path.Combine(opaque, "token"), "not-a-jwt");
            await File.WriteAllTextAsync(Path.Combine(opaque, "namespace"), "payments\n");
            world.Variables[InClusterConfig.ServiceAccountPathVariable] = opaque;
            Assert.Equal(Environment.UserName + "@" + Environment.MachineName.ToLowerInvariant(), JournalEntryWriter.DefaultActor(world.Environment));
            world.Variables[InClusterConfig.ServiceAccountNameVariable] = "runbook-bot";
            Assert.Equal("system:serviceaccount:payments:runbook-bot", JournalEntryWriter.DefaultActor(world.Environment));

            // Outside a pod: user@host, whatever files lie around.
            world.Variables.Remove(InClusterConfig.HostVariable);
            Assert.Equal(Environment.UserName + "@" + Environment.MachineName.ToLowerInvariant(), JournalEntryWriter.DefaultActor(world.Environment));
        }

        [Fact]
        public async Task The_journal_of_a_pod_names_the_service_account_as_who_wrote()
        {
            await using var lab = await RunningLab.StartAsync();
            using var world = PodOf(lab);
            var writer = new JournalEntryWriter(new Redactor(), TimeProvider.System, JournalEntryWriter.DefaultActor(world.Environment));
            Assert.Equal(ServiceAccountUser, writer.Actor);
        }

        [Theory]
        [InlineData("token", "ServiceAccountTokenUnreadable", "does not exist")]
        [InlineData("ca.crt", "ServiceAccountCaUnreadable", "does not exist")]
        public async Task A_mount_without_its_token_or_CA_is_a_stable_error_naming_the_file(string missing, string errorId, string words)
        {
            await using var lab = await RunningLab.StartAsync();
            var mount = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "phr-sa-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            try
            {
                foreach (var file in new[] { "token", "ca.crt", "namespace" }.Where(f => f != missing))
                {
                    File.Copy(Path.Combine(Mount(lab), file), Path.Combine(mount, file));
                }

                using var world = PodOf(lab, mount);
                var error = await OpenFailureAsync(world.Resolve());
                Assert.Equal(errorId, error.ErrorId);
                Assert.Contains(Path.Combine(mount, missing), error.Message, StringComparison.Ordinal);
                Assert.Contains(words, error.Message, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(mount, recursive: true);
            }
        }

        [Fact]
        public async Task A_CA_that_holds_no_certificate_and_an_empty_token_are_named_too()
        {
            await using var lab = await RunningLab.StartAsync();
            var mount = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "phr-sa-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            try
            {
                File.Copy(Path.Combine(Mount(lab), "token"), Path.Combine(mount, "token"));
                await File.WriteAllTextAsync(Path.Combine(mount, "ca.crt"), "not a certificate\n");
                using var world = PodOf(lab, mount);
                Assert.Equal("ServiceAccountCaUnreadable", (await OpenFailureAsync(world.Resolve())).ErrorId);

                File.Copy(Path.Combine(Mount(lab), "ca.crt"), Path.Combine(mount, "ca.crt"), overwrite: true);
                await File.WriteAllTextAsync(Path.Combine(mount, "token"), "\n");
                var empty = await OpenFailureAsync(world.Resolve());
                Assert.Equal("ServiceAccountTokenUnreadable", empty.ErrorId);
                Assert.Contains("is empty", empty.Message, StringComparison.Ordinal);
            }
            finally
            {
                Directory.Delete(mount, recursive: true);
            }
        }

        [Fact]
        public async Task In_a_pod_the_only_context_is_in_cluster_and_the_configuration_says_where_each_value_came_from()
        {
            await using var lab = await RunningLab.StartAsync();
            using var world = PodOf(lab);
            var profile = world.Resolve();
            Assert.Equal(new[] { InClusterConfig.ContextName }, KubeConfigReader.Contexts(profile.Get(RunbookSetting.KubeConfig)!));

            var shown = ConfigurationReport.Build(profile, new Redactor());
            Assert.Equal(InClusterConfig.ContextName, shown.Context);
            Assert.Equal("posthog", shown.Namespace);
            Assert.Equal(lab.Endpoints.KubernetesUrl, shown.KubeServer);
            Assert.Equal("InCluster", shown.Sources["KubeConfig"]);
            Assert.Equal("InCluster", shown.Sources["Context"]);
            Assert.Equal("InCluster", shown.Sources["Namespace"]);

            world.Variables["POSTHOG_RUNBOOK_CONTEXT"] = "prod";
            var error = await OpenFailureAsync(world.Resolve());
            Assert.Equal("KubeContextNotFound", error.ErrorId);
            Assert.Contains("the only context is the pod's service account ('in-cluster'", error.Message, StringComparison.Ordinal);
        }

        /// <summary>Why a remediation's first read (the gateway's open) fails for this profile.</summary>
        static async Task<RunbookException> OpenFailureAsync(RunbookProfile profile)
        {
            using var services = RunbookServices.Create(Http);
            return await Assert.ThrowsAsync<RunbookException>(() => new Remediator(services, profile).PlanRestartAsync(CancellationToken.None));
        }
    }
}
