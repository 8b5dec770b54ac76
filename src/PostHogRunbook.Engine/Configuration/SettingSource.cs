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

        Default,
        Unset,
    }
}
