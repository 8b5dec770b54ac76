using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Tests.Kubernetes;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Configuration
{
    /// <summary>Issue 8 item 8 (Get-PostHogRunbookConfig's view): always shown, every value, problems as warnings, kubeconfig sources named.</summary>
    public sealed class ConfigurationReportTests : IDisposable
    {
        readonly TestWorld world = new();

        public void Dispose() => world.Dispose();

        [Fact]
        public void Shows_every_setting_thresholds_and_metrics_included()
        {
            world.Variables["POSTHOG_RUNBOOK_NOISE_FLOOR"] = "0.02";
            world.Variables["POSTHOG_RUNBOOK_ERROR_METRIC"] = "integration_posthog_errors_total";

            var report = ConfigurationReport.Build(world.Resolve(), new Redactor());

            Assert.Equal(0.02, report.NoiseFloor);
            Assert.Equal(0.05, report.DegradedRatio);
            Assert.Equal(0.5, report.OutageRatio);
            Assert.Equal("integration_posthog_errors_total", report.ErrorMetric);
            Assert.Equal("posthog_requests_total", report.RequestMetric);
            Assert.Equal(10, report.TimeoutSec);
            Assert.Equal("Environment", report.Sources["NoiseFloor"]);
            Assert.Empty(report.Warnings);
        }

        [Fact]
        public void Values_taken_from_the_kubeconfig_say_so_in_Sources()
        {
            var kubeconfig = world.Write("kubeconfig", KubeConfigText.With(new[] { "lab", "prod" }, @namespace: "posthog"));

            var report = ConfigurationReport.Build(world.Resolve(TestWorld.Parameters(("KubeConfig", kubeconfig))), new Redactor());

            Assert.Equal("lab", report.Context);
            Assert.Equal("posthog", report.Namespace);
            Assert.Equal("https://127.0.0.1:6443", report.KubeServer);
            Assert.Equal("KubeConfig", report.Sources["Context"]);
            Assert.Equal("KubeConfig", report.Sources["Namespace"]);
            Assert.Equal("KubeConfig", report.Sources["KubeServer"]);
            Assert.Equal("Parameter", report.Sources["KubeConfig"]);
        }

        [Fact]
        public void A_context_given_is_its_own_source_and_a_namespace_the_context_lacks_is_the_default()
        {
            var kubeconfig = world.Write("kubeconfig", KubeConfigText.With(new[] { "lab", "prod" }));

            var report = ConfigurationReport.Build(world.Resolve(TestWorld.Parameters(("KubeConfig", kubeconfig), ("Context", "prod"))), new Redactor());

            Assert.Equal("prod", report.Context);
            Assert.Equal("Parameter", report.Sources["Context"]);
            Assert.Equal("default", report.Namespace);
            Assert.Equal("Default", report.Sources["Namespace"]);
        }

        [Fact]
        public void A_broken_kubeconfig_is_a_warning_and_the_profile_is_still_shown()
        {
            var kubeconfig = world.Write("kubeconfig", string.Empty);

            var report = ConfigurationReport.Build(world.Resolve(TestWorld.Parameters(("KubeConfig", kubeconfig), ("Context", "prod"))), new Redactor());

            Assert.Equal("prod", report.Context);
            Assert.Equal(kubeconfig, report.KubeConfig);
            Assert.Null(report.KubeServer);
            Assert.Equal("posthog-integration", report.Deployment);
            Assert.StartsWith("KubeConfigInvalid: ", Assert.Single(report.Warnings), StringComparison.Ordinal);
        }

        [Fact]
        public void A_context_the_kubeconfig_lacks_is_a_warning_naming_the_ones_it_has()
        {
            var kubeconfig = world.Write("kubeconfig", KubeConfigText.With(new[] { "only-one" }));

            var report = ConfigurationReport.Build(world.Resolve(TestWorld.Parameters(("KubeConfig", kubeconfig), ("Context", "nope"))), new Redactor());

            Assert.Equal("nope", report.Context);
            Assert.Contains("KubeContextNotFound: ", Assert.Single(report.Warnings), StringComparison.Ordinal);
            Assert.Contains("only-one", report.Warnings[0], StringComparison.Ordinal);
        }

        [Fact]
        public void Invalid_values_are_warnings_with_their_id_and_leave_their_typed_value_empty()
        {
            world.Variables["POSTHOG_RUNBOOK_TIMEOUT_SEC"] = "abc";
            world.Variables["POSTHOG_RUNBOOK_REGION"] = "Mars";
            var file = world.Write("runbook.json", "{ \"TimeoutSecs\": 5 }");

            var report = ConfigurationReport.Build(world.Resolve(configPath: file), new Redactor());

            Assert.Null(report.TimeoutSec);
            Assert.Null(report.Region);
            Assert.Equal(3, report.Warnings.Count);
            Assert.Contains(report.Warnings, w => w.StartsWith("InvalidSetting: The setting TimeoutSec is 'abc' in the environment variable POSTHOG_RUNBOOK_TIMEOUT_SEC", StringComparison.Ordinal));
            Assert.Contains(report.Warnings, w => w.StartsWith("InvalidSetting: The setting Region is 'Mars'", StringComparison.Ordinal));
            Assert.Contains(report.Warnings, w => w.Contains("did you mean TimeoutSec?", StringComparison.Ordinal));
        }

        [Fact]
        public void Thresholds_that_do_not_rise_are_a_warning()
        {
            world.Variables["POSTHOG_RUNBOOK_NOISE_FLOOR"] = "0.9";

            var report = ConfigurationReport.Build(world.Resolve(), new Redactor());

            Assert.StartsWith("InvalidThresholds: ", Assert.Single(report.Warnings), StringComparison.Ordinal);
            Assert.Equal(0.9, report.NoiseFloor);
        }

        [Fact]
        public void Credentials_in_URLs_are_not_shown()
        {
            var report = ConfigurationReport.Build(world.Resolve(TestWorld.Parameters(
                ("PrometheusUrl", "http://monitor:hunter2hunter2@prometheus.internal:9090/"),
                ("HealthUrl", "https://integration.internal/health?token=s3cr3tvalue"),
                ("StatusPageUrl", "https://status.example/?api_key=abcd1234"))), new Redactor());

            var shown = string.Join(" ", report.PrometheusUrl, report.HealthUrl, report.StatusPageUrl);
            Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3tvalue", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("abcd1234", shown, StringComparison.Ordinal);
            Assert.Equal("http://[REDACTED]@prometheus.internal:9090/", report.PrometheusUrl);
            Assert.Equal("https://integration.internal/health?token=[REDACTED]", report.HealthUrl);
        }
    }
}
