namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// What a pod's service account mount holds (token, ca.crt, namespace), written to the state directory's
    /// serviceaccount/ folder for a second identity the lab accepts: the ServiceAccount deploy/'s CronJob runs as.
    /// An in-cluster client pointed at these files (and KUBERNETES_SERVICE_HOST/PORT at the lab) is that account,
    /// and RBAC's refusals name it as a real server would.
    /// </summary>
    internal static class ServiceAccountFiles
    {
        public const string Name = "posthog-runbook";

        public const string User = "system:serviceaccount:" + KubeconfigFile.DefaultNamespace + ":" + Name;

        public static string Write(string stateDirectory, string authorityPem, string token)
        {
            var directory = Directory.CreateDirectory(Path.Combine(stateDirectory, "serviceaccount")).FullName;
            File.WriteAllText(Path.Combine(directory, "token"), token);
            File.WriteAllText(Path.Combine(directory, "ca.crt"), authorityPem);
            File.WriteAllText(Path.Combine(directory, "namespace"), KubeconfigFile.DefaultNamespace);
            if (!OperatingSystem.IsWindows())
            {
                // A credential: owner only, like the kubeconfig.
                File.SetUnixFileMode(Path.Combine(directory, "token"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return directory;
        }
    }
}
