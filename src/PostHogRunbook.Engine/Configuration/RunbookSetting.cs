using System;
using System.Collections.Generic;
using System.Linq;

namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>One setting of the runbook profile: its name (= the cmdlet parameter), environment names, default.</summary>
    public sealed class RunbookSetting
    {
        RunbookSetting(string name, SettingKind kind, string? defaultValue, bool isSecret, params string[] environmentNames)
        {
            Name = name;
            Kind = kind;
            DefaultValue = defaultValue;
            IsSecret = isSecret;
            EnvironmentNames = environmentNames.Length > 0 ? environmentNames : new[] { "POSTHOG_RUNBOOK_" + ToSnake(name) };
        }

        public string Name { get; }

        /// <summary>What its values must look like: every source is checked against the same rule (SettingValidation).</summary>
        public SettingKind Kind { get; }

        public string? DefaultValue { get; }

        /// <summary>Secrets come from parameters, the session or the environment, never from a config file.</summary>
        public bool IsSecret { get; }

        public IReadOnlyList<string> EnvironmentNames { get; }

        public static readonly RunbookSetting PostHogHost = new(nameof(PostHogHost), SettingKind.Host, null, false, "POSTHOG_RUNBOOK_POSTHOG_HOST", "POSTHOG_HOST");
        public static readonly RunbookSetting Region = new(nameof(Region), SettingKind.Region, null, false);
        public static readonly RunbookSetting ProjectApiKey = new(nameof(ProjectApiKey), SettingKind.Secret, null, true, "POSTHOG_RUNBOOK_PROJECT_API_KEY", "POSTHOG_PROJECT_API_KEY");
        public static readonly RunbookSetting PersonalApiKey = new(nameof(PersonalApiKey), SettingKind.Secret, null, true, "POSTHOG_RUNBOOK_PERSONAL_API_KEY", "POSTHOG_PERSONAL_API_KEY");
        public static readonly RunbookSetting StatusPageUrl = new(nameof(StatusPageUrl), SettingKind.Url, "https://www.posthogstatus.com", false);
        public static readonly RunbookSetting HealthUrl = new(nameof(HealthUrl), SettingKind.Url, null, false);
        public static readonly RunbookSetting PrometheusUrl = new(nameof(PrometheusUrl), SettingKind.Url, "http://localhost:9090", false);
        public static readonly RunbookSetting KubeConfig = new(nameof(KubeConfig), SettingKind.PathList, null, false, "POSTHOG_RUNBOOK_KUBECONFIG", "KUBECONFIG");
        public static readonly RunbookSetting Context = new(nameof(Context), SettingKind.Text, null, false);
        public static readonly RunbookSetting Namespace = new(nameof(Namespace), SettingKind.KubernetesNamespace, null, false);
        public static readonly RunbookSetting Deployment = new(nameof(Deployment), SettingKind.KubernetesName, "posthog-integration", false);
        public static readonly RunbookSetting Container = new(nameof(Container), SettingKind.KubernetesName, null, false);
        public static readonly RunbookSetting Selector = new(nameof(Selector), SettingKind.Text, "app=posthog-integration", false);
        public static readonly RunbookSetting SecretName = new(nameof(SecretName), SettingKind.KubernetesName, "posthog-secrets", false);
        public static readonly RunbookSetting SecretKey = new(nameof(SecretKey), SettingKind.SecretDataKey, "api-key", false);
        public static readonly RunbookSetting TimeoutSec = new(nameof(TimeoutSec), SettingKind.Seconds, "10", false);
        public static readonly RunbookSetting ErrorMetric = new(nameof(ErrorMetric), SettingKind.MetricName, "posthog_errors_total", false);
        public static readonly RunbookSetting RequestMetric = new(nameof(RequestMetric), SettingKind.MetricName, "posthog_requests_total", false);
        public static readonly RunbookSetting NoiseFloor = new(nameof(NoiseFloor), SettingKind.Ratio, "0.01", false);
        public static readonly RunbookSetting DegradedRatio = new(nameof(DegradedRatio), SettingKind.Ratio, "0.05", false);
        public static readonly RunbookSetting OutageRatio = new(nameof(OutageRatio), SettingKind.Ratio, "0.50", false);

        /// <summary>The incident journal's folder; unset means PostHogRunbook/incidents in the user's data folder.</summary>
        public static readonly RunbookSetting JournalPath = new(nameof(JournalPath), SettingKind.Text, null, false, "POSTHOG_RUNBOOK_JOURNAL");

        /// <summary>Where the incident journal lives: File (JournalPath) or Kubernetes (ConfigMaps in the integration's namespace).</summary>
        public static readonly RunbookSetting JournalStore = new(nameof(JournalStore), SettingKind.JournalStore, nameof(Model.JournalStore.File), false);

        /// <summary>PromQL label matchers added to both metrics, e.g. namespace="posthog": one Prometheus, many deployments.</summary>
        public static readonly RunbookSetting MetricsSelector = new(nameof(MetricsSelector), SettingKind.Text, null, false);

        /// <summary>The metrics' window, a Prometheus duration: rate() and increase() over it.</summary>
        public static readonly RunbookSetting MetricsWindow = new(nameof(MetricsWindow), SettingKind.Text, "5m", false);

        /// <summary>What "now" means: errors in this last stretch of the metrics and of the logs are errors now.</summary>
        public static readonly RunbookSetting RecentWindow = new(nameof(RecentWindow), SettingKind.Text, "1m", false);

        /// <summary>The user's own redaction rules: regular expressions, one per line; every match is masked wherever the module writes.</summary>
        public static readonly RunbookSetting RedactPatterns = new(nameof(RedactPatterns), SettingKind.Text, null, false);

        /// <summary>Slack's incoming webhook: the URL is the credential.</summary>
        public static readonly RunbookSetting SlackWebhookUrl = new(nameof(SlackWebhookUrl), SettingKind.Secret, null, true, "POSTHOG_RUNBOOK_SLACK_WEBHOOK_URL", "SLACK_WEBHOOK_URL");

        /// <summary>The PagerDuty service's Events API v2 integration key.</summary>
        public static readonly RunbookSetting PagerDutyRoutingKey = new(nameof(PagerDutyRoutingKey), SettingKind.Secret, null, true, "POSTHOG_RUNBOOK_PAGERDUTY_ROUTING_KEY", "PAGERDUTY_ROUTING_KEY");

        /// <summary>Our status page's API key (Statuspage: Authorization: OAuth key).</summary>
        public static readonly RunbookSetting StatusPageApiKey = new(nameof(StatusPageApiKey), SettingKind.Secret, null, true, "POSTHOG_RUNBOOK_STATUSPAGE_API_KEY", "STATUSPAGE_API_KEY");

        public static readonly RunbookSetting PagerDutyEventsUrl = new(nameof(PagerDutyEventsUrl), SettingKind.Url, "https://events.pagerduty.com", false);
        public static readonly RunbookSetting StatusPageApiUrl = new(nameof(StatusPageApiUrl), SettingKind.Url, "https://api.statuspage.io", false);
        public static readonly RunbookSetting StatusPagePageId = new(nameof(StatusPagePageId), SettingKind.Text, null, false);
        public static readonly RunbookSetting StatusPageComponentId = new(nameof(StatusPageComponentId), SettingKind.Text, null, false);

        public static readonly IReadOnlyList<RunbookSetting> All = new[]
        {
            PostHogHost, Region, ProjectApiKey, PersonalApiKey, StatusPageUrl, HealthUrl, PrometheusUrl, KubeConfig, Context,
            Namespace, Deployment, Container, Selector, SecretName, SecretKey, TimeoutSec, ErrorMetric, RequestMetric, NoiseFloor, DegradedRatio, OutageRatio, JournalPath, JournalStore,
            MetricsSelector, MetricsWindow, RecentWindow, RedactPatterns, SlackWebhookUrl, PagerDutyRoutingKey, StatusPageApiKey, PagerDutyEventsUrl, StatusPageApiUrl,
            StatusPagePageId, StatusPageComponentId,
        };

        public static RunbookSetting? Find(string name)
            => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

        static string ToSnake(string name)
        {
            var builder = new System.Text.StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToUpperInvariant(name[i]));
            }

            return builder.ToString();
        }
    }
}
