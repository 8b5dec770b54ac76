namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>What a setting's values must look like, whichever source they come from.</summary>
    public enum SettingKind
    {
        /// <summary>Any text that is not blank (a kube context, a label selector).</summary>
        Text,

        /// <summary>A key: never checked, never shown.</summary>
        Secret,

        /// <summary>An http(s) URL.</summary>
        Url,

        /// <summary>A PostHog host: an http(s) URL or a bare host name (https).</summary>
        Host,

        /// <summary>US, EU or All, in any case.</summary>
        Region,

        /// <summary>A whole number of seconds from 1 to 600, as the cmdlets' -TimeoutSec.</summary>
        Seconds,

        /// <summary>A ratio from 0 to 1.</summary>
        Ratio,

        /// <summary>A file path; from an environment variable, a list of them separated as in KUBECONFIG.</summary>
        PathList,

        /// <summary>A Kubernetes namespace: a DNS-1123 label.</summary>
        KubernetesNamespace,

        /// <summary>A Kubernetes object name: a DNS-1123 subdomain.</summary>
        KubernetesName,

        /// <summary>A key of a Secret's data.</summary>
        SecretDataKey,

        /// <summary>A Prometheus metric name (it is written into PromQL).</summary>
        MetricName,

        /// <summary>Where the incident journal lives: File or Kubernetes, in any case.</summary>
        JournalStore,
    }
}
