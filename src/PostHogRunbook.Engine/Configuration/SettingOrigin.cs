namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>Where one value came from, precisely enough to fix it: the parameter, the variable, the file.</summary>
    public sealed record SettingOrigin(SettingSource Source, string? Detail)
    {
        public static readonly SettingOrigin Default = new(SettingSource.Default, null);

        public static readonly SettingOrigin Unset = new(SettingSource.Unset, null);

        /// <summary>No kubeconfig and KUBERNETES_SERVICE_HOST set: the pod's service account.</summary>
        public static readonly SettingOrigin InCluster = new(SettingSource.InCluster, "KUBERNETES_SERVICE_HOST");

        public static SettingOrigin Parameter(string name) => new(SettingSource.Parameter, name);

        public static SettingOrigin Session(string name) => new(SettingSource.Session, name);

        public static SettingOrigin ConfigFile(string path) => new(SettingSource.ConfigFile, path);

        public static SettingOrigin EnvironmentVariable(string name) => new(SettingSource.Environment, name);

        /// <summary>For messages: "the environment variable POSTHOG_RUNBOOK_TIMEOUT_SEC", "the config file '/etc/x.json'".</summary>
        public string Describe() => Source switch
        {
            SettingSource.Parameter => $"the -{Detail} parameter",
            SettingSource.Session => $"the session (Set-PostHogRunbookConfig -{Detail})",
            SettingSource.ConfigFile => $"the config file '{Detail}'",
            SettingSource.Environment => $"the environment variable {Detail}",
            SettingSource.Default => "the runbook's default",
            SettingSource.InCluster => "the pod's service account (no kubeconfig, KUBERNETES_SERVICE_HOST set)",
            _ => "nowhere",
        };

        /// <summary>What to do about a bad value from here.</summary>
        public string Remedy(string setting) => Source switch
        {
            SettingSource.Parameter => $"Pass a valid -{setting}.",
            SettingSource.Session => $"Run Set-PostHogRunbookConfig -{setting} with a valid value, or Set-PostHogRunbookConfig -Clear.",
            SettingSource.ConfigFile => $"Fix or remove \"{setting}\" in {Detail}.",
            SettingSource.Environment => $"Fix or unset {Detail}.",
            SettingSource.InCluster => $"Fix KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT, or pass -{setting}.",
            _ => $"Set a valid {setting}.",
        };
    }
}
