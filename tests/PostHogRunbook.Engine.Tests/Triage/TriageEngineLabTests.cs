using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Triage
{
    /// <summary>
    /// The triage engine end to end against the in-process lab: the Kubernetes checks share one kubeconfig read
    /// and one client per context, opened by whichever check asks first while the others await it.
    /// </summary>
    public class TriageEngineLabTests
    {
        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        [Fact]
        public async Task Every_check_of_two_contexts_of_one_kubeconfig_answers_from_the_lab()
        {
            await using var lab = await RunningLab.StartAsync("healthy");
            var kubeconfig = WithSecondContext(lab.Endpoints.KubeconfigPath!, "lab-again");

            var reports = await RunAsync(lab, kubeconfig, new[] { "lab", "lab-again" });

            Assert.Equal(new[] { "lab", "lab-again" }, reports.Select(r => r.Target.Context));
            Assert.All(reports, report =>
            {
                Assert.Equal("posthog", report.Target.Namespace);
                Assert.All(report.Checks.Where(c => c.Name != TriageCheckName.ErrorRate), c => Assert.Equal(CheckStatus.Pass, c.Status));
                // The probe used the key from the deployment's secret: the gateway served the check that needed it.
                Assert.Equal(ApiKeySource.DeploymentSecret, Assert.IsType<ApiProbeEvidence>(Check(report, TriageCheckName.PostHogApi).Evidence).KeySource);
                Assert.Equal(3, Assert.IsType<WorkloadEvidence>(Check(report, TriageCheckName.Workload).Evidence).Pods.Count);
            });
        }

        [Fact]
        public async Task An_unknown_context_fails_its_own_kubernetes_checks_and_no_other()
        {
            await using var lab = await RunningLab.StartAsync("healthy");

            var reports = await RunAsync(lab, lab.Endpoints.KubeconfigPath!, new[] { "lab", "prod-us" });

            var good = reports.Single(r => r.Target.Context == "lab");
            var unknown = reports.Single(r => r.Target.Context == "prod-us");
            Assert.Equal(CheckStatus.Pass, Check(good, TriageCheckName.Workload).Status);
            foreach (var name in new[] { TriageCheckName.Workload, TriageCheckName.ErrorLogs })
            {
                Assert.Equal(CheckStatus.Unavailable, Check(unknown, name).Status);
                Assert.Equal("KubeContextNotFound", Check(unknown, name).ErrorId);
            }

            // Without the secret the probe falls back to the configured key, and says why.
            Assert.Equal(ApiKeySource.Configured, Assert.IsType<ApiProbeEvidence>(Check(unknown, TriageCheckName.PostHogApi).Evidence).KeySource);
            Assert.Equal(CheckStatus.Pass, Check(unknown, TriageCheckName.StatusPage).Status);
        }

        [Fact]
        public async Task A_missing_kubeconfig_is_named_by_every_kubernetes_check()
        {
            await using var lab = await RunningLab.StartAsync("healthy");

            var reports = await RunAsync(lab, Path.Combine(lab.Endpoints.StateDirectory, "no-such-kubeconfig"), Array.Empty<string>());

            var report = Assert.Single(reports);
            Assert.Equal("KubeConfigNotFound", Check(report, TriageCheckName.Workload).ErrorId);
            Assert.Equal("KubeConfigNotFound", Check(report, TriageCheckName.ErrorLogs).ErrorId);
            Assert.Equal(CheckStatus.Pass, Check(report, TriageCheckName.AppHealth).Status);
        }

        [Fact]
        public async Task Checks_that_need_no_cluster_never_open_one()
        {
            await using var lab = await RunningLab.StartAsync("healthy");

            // No PostHog host configured: only the deployment could name it, and no chosen check reads the deployment.
            var reports = await RunAsync(lab, lab.Endpoints.KubeconfigPath!, Array.Empty<string>(), new[] { TriageCheckName.StatusPage, TriageCheckName.AppHealth }, withHost: false);

            var report = Assert.Single(reports);
            Assert.Equal(CheckStatus.Pass, Check(report, TriageCheckName.StatusPage).Status);
            Assert.Equal(CheckStatus.Skipped, Check(report, TriageCheckName.Workload).Status);
            Assert.Null(report.Target.PostHogHost);
            Assert.DoesNotContain(lab.Host.Context.Requests, r => r.Part == "kubernetes");
        }

        [Fact]
        public async Task A_broken_kubeconfig_is_no_failure_of_a_triage_whose_checks_need_no_cluster()
        {
            await using var lab = await RunningLab.StartAsync("healthy");
            var missing = Path.Combine(lab.Endpoints.StateDirectory, "no-such-kubeconfig");

            // The engine opens the cluster before the checks start only when a chosen check reads it.
            var withoutCluster = Assert.Single(await RunResultsAsync(lab, missing, Array.Empty<string>(), new[] { TriageCheckName.StatusPage, TriageCheckName.AppHealth }, withHost: true));
            var withCluster = Assert.Single(await RunResultsAsync(lab, missing, Array.Empty<string>(), new[] { TriageCheckName.StatusPage, TriageCheckName.Workload }, withHost: true));

            Assert.Null(withoutCluster.TargetFailure);
            Assert.Equal(CheckStatus.Pass, Check(withoutCluster.Report, TriageCheckName.StatusPage).Status);
            Assert.Equal("KubeConfigNotFound", withCluster.TargetFailure?.ErrorId);
            Assert.Equal("KubeConfigNotFound", Check(withCluster.Report, TriageCheckName.Workload).ErrorId);
        }

        static async Task<IReadOnlyList<TriageReport>> RunAsync(RunningLab lab, string kubeconfig, IReadOnlyList<string> contexts, IReadOnlyCollection<TriageCheckName>? onlyChecks = null, bool withHost = true)
        {
            return (await RunResultsAsync(lab, kubeconfig, contexts, onlyChecks, withHost)).Select(r => r.Report).ToList();
        }

        static async Task<IReadOnlyList<TriageResult>> RunResultsAsync(RunningLab lab, string kubeconfig, IReadOnlyList<string> contexts, IReadOnlyCollection<TriageCheckName>? onlyChecks, bool withHost)
        {
            var profile = RunbookProfile.Resolve(
                new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                {
                    [RunbookSetting.StatusPageUrl.Name] = lab.Endpoints.StatusPageUrl,
                    [RunbookSetting.HealthUrl.Name] = lab.Endpoints.AppUrl + "/health",
                    [RunbookSetting.PostHogHost.Name] = withHost ? lab.Endpoints.PostHogUrl : null,
                    [RunbookSetting.ProjectApiKey.Name] = lab.Endpoints.ProjectApiKey,
                    [RunbookSetting.PrometheusUrl.Name] = lab.Endpoints.DeadUrl,
                    [RunbookSetting.KubeConfig.Name] = kubeconfig,
                    [RunbookSetting.Region.Name] = "US",
                    [RunbookSetting.TimeoutSec.Name] = "20",
                },
                null);
            using var services = RunbookServices.Create(Http);
            return await new TriageEngine(services).RunAsync(new TriageRequest(profile, contexts, onlyChecks), null, CancellationToken.None);
        }

        static TriageCheck Check(TriageReport report, TriageCheckName name) => report.Checks.Single(c => c.Name == name);

        /// <summary>A copy of the lab's kubeconfig with a second context on the same cluster, user and namespace.</summary>
        static string WithSecondContext(string kubeconfig, string name)
        {
            var text = File.ReadAllText(kubeconfig);
            var marker = "contexts:\n";
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at >= 0, "the lab's kubeconfig has a contexts list");
            var copy = text.Insert(at + marker.Length, $"- name: {name}\n  context:\n    cluster: posthog-lab\n    user: lab-user\n    namespace: posthog\n");
            var path = kubeconfig + "." + name;
            File.WriteAllText(path, copy);
            return path;
        }
    }
}
