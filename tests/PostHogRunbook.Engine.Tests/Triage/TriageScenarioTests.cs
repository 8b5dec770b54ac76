using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Triage
{
    /// <summary>
    /// The fast tier of the scenario matrix: the engine end to end against the in-process lab, one lab scenario per
    /// case, every check but ErrorRate (the real Prometheus is Pester's: tests/pester/InvokePostHogTriage.Tests.ps1
    /// runs the same matrix with metrics). The verdict comes from the probe, /health, the workload and the logs.
    /// </summary>
    public class TriageScenarioTests
    {
        static readonly HttpClient Http = RunbookServices.CreateHttpClient();

        static readonly TriageCheckName[] AllButMetrics =
        {
            TriageCheckName.StatusPage, TriageCheckName.PostHogApi, TriageCheckName.AppHealth, TriageCheckName.Workload, TriageCheckName.ErrorLogs,
        };

        [Theory]
        [InlineData("healthy", TriageCategory.Healthy, RemediationAction.None)]
        [InlineData("us-outage", TriageCategory.PostHogOutage, RemediationAction.EnableFallback)]
        [InlineData("eu-outage", TriageCategory.Healthy, RemediationAction.None)]
        [InlineData("maintenance", TriageCategory.PostHogOutage, RemediationAction.EnableFallback)]
        [InlineData("bad-key", TriageCategory.Authentication, RemediationAction.RotateApiKey)]
        [InlineData("rate-limited", TriageCategory.RateLimited, RemediationAction.QueueRequests)]
        [InlineData("rate-limit-outage", TriageCategory.PostHogOutage, RemediationAction.EnableFallback)]
        [InlineData("server-errors", TriageCategory.PostHogServerErrors, RemediationAction.EnableFallback)]
        [InlineData("infra-down", TriageCategory.InternalInfrastructure, RemediationAction.RestartIntegration)]
        [InlineData("oom", TriageCategory.InternalInfrastructure, RemediationAction.RestartIntegration)]
        [InlineData("novel-values", TriageCategory.PostHogOutage, RemediationAction.Monitor)]
        public async Task Each_scenario_reaches_its_verdict_through_the_engine(string scenario, TriageCategory category, RemediationAction action)
        {
            await using var lab = await RunningLab.StartAsync(scenario);
            var profile = RunbookProfile.Resolve(
                new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
                {
                    [RunbookSetting.StatusPageUrl.Name] = lab.Endpoints.StatusPageUrl,
                    [RunbookSetting.HealthUrl.Name] = lab.Endpoints.AppUrl + "/health",
                    [RunbookSetting.PostHogHost.Name] = lab.Endpoints.PostHogUrl,
                    [RunbookSetting.KubeConfig.Name] = lab.Endpoints.KubeconfigPath,
                    [RunbookSetting.Region.Name] = "US",
                    [RunbookSetting.TimeoutSec.Name] = "20",
                },
                null);
            using var services = RunbookServices.Create(Http);

            var report = Assert.Single(await new TriageEngine(services).RunAsync(new TriageRequest(profile, onlyChecks: AllButMetrics), null, CancellationToken.None)).Report;

            var path = string.Join(" | ", report.DecisionPath);
            Assert.True((category, action) == (report.Category, report.RecommendedAction), $"{scenario}: {report.Category}/{report.RecommendedAction}, expected {category}/{action}: {path}");
            Assert.Equal(DecisionQuestion.Severity, report.DecisionSteps[^1].Question);
            Assert.Equal(report.Severity.ToString(), report.DecisionSteps[^1].Value);
            Assert.Equal("lab", report.Target.Context);
            Assert.DoesNotContain(lab.Endpoints.ProjectApiKey, path, StringComparison.Ordinal);
        }
    }
}
