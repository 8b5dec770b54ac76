namespace PostHogRunbook.Model
{
    /// <summary>
    /// What a triage looked at: enough for the next cmdlet in the pipeline to act on the same integration
    /// without repeating parameters. Holds no key.
    /// </summary>
    public sealed class TriageTarget
    {
        public TriageTarget(
            string? kubeConfig,
            string? context,
            string? @namespace,
            string? deployment,
            string? selector,
            string? secretName,
            string? secretKey,
            string? postHogHost,
            PostHogRegion region,
            string? statusPageUrl,
            string? healthUrl,
            string? prometheusUrl)
        {
            KubeConfig = kubeConfig;
            Context = context;
            Namespace = @namespace;
            Deployment = deployment;
            Selector = selector;
            SecretName = secretName;
            SecretKey = secretKey;
            PostHogHost = postHogHost;
            Region = region;
            StatusPageUrl = statusPageUrl;
            HealthUrl = healthUrl;
            PrometheusUrl = prometheusUrl;
        }

        public string? KubeConfig { get; }

        public string? Context { get; }

        public string? Namespace { get; }

        public string? Deployment { get; }

        public string? Selector { get; }

        public string? SecretName { get; }

        public string? SecretKey { get; }

        public string? PostHogHost { get; }

        public PostHogRegion Region { get; }

        public string? StatusPageUrl { get; }

        public string? HealthUrl { get; }

        public string? PrometheusUrl { get; }

        public override string ToString() => string.IsNullOrEmpty(Context) ? $"{Namespace}/{Deployment}" : $"{Context}/{Namespace}/{Deployment}";
    }
}
