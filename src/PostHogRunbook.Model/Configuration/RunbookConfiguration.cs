using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>
    /// The runbook profile in force, with where each value came from. Keys are never shown: only whether one is set.
    /// Output of Get-PostHogRunbookConfig.
    /// </summary>
    public sealed class RunbookConfiguration
    {
        public RunbookConfiguration(
            string? postHogHost,
            PostHogRegion? region,
            bool hasProjectApiKey,
            bool hasPersonalApiKey,
            string? statusPageUrl,
            string? healthUrl,
            string? prometheusUrl,
            string? kubeConfig,
            string? context,
            string? @namespace,
            string? deployment,
            string? selector,
            string? secretName,
            string? secretKey,
            int? timeoutSec,
            string? errorMetric,
            string? requestMetric,
            double? noiseFloor,
            double? degradedRatio,
            double? outageRatio,
            string? kubeServer,
            string? configPath,
            IReadOnlyDictionary<string, string> sources,
            IReadOnlyList<string> warnings,
            string? journalPath = null,
            JournalStore? journalStore = null)
        {
            PostHogHost = postHogHost;
            Region = region;
            HasProjectApiKey = hasProjectApiKey;
            HasPersonalApiKey = hasPersonalApiKey;
            StatusPageUrl = statusPageUrl;
            HealthUrl = healthUrl;
            PrometheusUrl = prometheusUrl;
            KubeConfig = kubeConfig;
            Context = context;
            Namespace = @namespace;
            Deployment = deployment;
            Selector = selector;
            SecretName = secretName;
            SecretKey = secretKey;
            TimeoutSec = timeoutSec;
            ErrorMetric = errorMetric;
            RequestMetric = requestMetric;
            NoiseFloor = noiseFloor;
            DegradedRatio = degradedRatio;
            OutageRatio = outageRatio;
            KubeServer = kubeServer;
            ConfigPath = configPath;
            Sources = sources;
            Warnings = warnings;
            JournalPath = journalPath;
            JournalStore = journalStore;
        }

        public string? PostHogHost { get; }

        /// <summary>The region in force: -Region, else the PostHog host's, else All; null when the setting is invalid (see Warnings).</summary>
        public PostHogRegion? Region { get; }

        public bool HasProjectApiKey { get; }

        public bool HasPersonalApiKey { get; }

        public string? StatusPageUrl { get; }

        public string? HealthUrl { get; }

        public string? PrometheusUrl { get; }

        public string? KubeConfig { get; }

        /// <summary>The kube context in force: the setting, else the kubeconfig's current-context.</summary>
        public string? Context { get; }

        /// <summary>The namespace in force: the setting, else the context's, else "default".</summary>
        public string? Namespace { get; }

        public string? Deployment { get; }

        public string? Selector { get; }

        public string? SecretName { get; }

        public string? SecretKey { get; }

        /// <summary>Seconds each check may take; null when the setting is invalid (see Warnings).</summary>
        public int? TimeoutSec { get; }

        /// <summary>The Prometheus counter of the integration's PostHog errors.</summary>
        public string? ErrorMetric { get; }

        /// <summary>The Prometheus counter of all its PostHog requests (for the error ratio).</summary>
        public string? RequestMetric { get; }

        /// <summary>Below this error ratio, errors are noise.</summary>
        public double? NoiseFloor { get; }

        /// <summary>At or above this error ratio: P2.</summary>
        public double? DegradedRatio { get; }

        /// <summary>At or above this error ratio: P1.</summary>
        public double? OutageRatio { get; }

        /// <summary>The API server of the context in force, read from the kubeconfig; null without one.</summary>
        public string? KubeServer { get; }

        /// <summary>The config file that was read, if any.</summary>
        public string? ConfigPath { get; }

        /// <summary>The incident journal's folder in force: JournalPath, else PostHogRunbook/incidents in the user's data folder.</summary>
        public string? JournalPath { get; }

        /// <summary>Where incidents are kept: File (JournalPath) or Kubernetes (ConfigMaps in Namespace); null when the setting is invalid (see Warnings).</summary>
        public JournalStore? JournalStore { get; }

        /// <summary>
        /// Setting name to where its value came from: Parameter, Session, ConfigFile, Environment, KubeConfig (the
        /// context, namespace and server read from the kubeconfig), Default, Unset.
        /// </summary>
        public IReadOnlyDictionary<string, string> Sources { get; }

        /// <summary>What is wrong with the profile (an invalid value, an unreadable kubeconfig, an ignored key), each starting with its error id.</summary>
        public IReadOnlyList<string> Warnings { get; }
    }
}
