namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>Where a resolved value came from, in order of precedence.</summary>
    public enum SettingSource
    {
        Parameter,
        Session,
        ConfigFile,
        Environment,

        /// <summary>Read from the kubeconfig (its current-context, that context's namespace): only Context and Namespace.</summary>
        KubeConfig,

        /// <summary>The pod's service account (no kubeconfig, KUBERNETES_SERVICE_HOST set): KubeConfig, and the Context and Namespace it gives.</summary>
        InCluster,

        Default,
        Unset,
    }
}
