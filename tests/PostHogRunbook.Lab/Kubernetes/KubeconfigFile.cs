using System.Text;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The kubeconfig that reaches the lab: the CA as certificate-authority-data, a bearer token, and context
    /// "lab" whose default namespace is posthog, so the runbook's commands run as written (no -n).
    /// </summary>
    internal static class KubeconfigFile
    {
        public const string ContextName = "lab";
        public const string ClusterName = "posthog-lab";
        public const string UserName = "lab-user";
        public const string DefaultNamespace = "posthog";

        public static string Write(string directory, string serverUrl, string authorityPem, string token)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "kubeconfig");
            var authority = Convert.ToBase64String(Encoding.ASCII.GetBytes(authorityPem));
            var text = $$"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: {{ClusterName}}
                  cluster:
                    server: {{serverUrl}}
                    certificate-authority-data: {{authority}}
                users:
                - name: {{UserName}}
                  user:
                    token: {{token}}
                contexts:
                - name: {{ContextName}}
                  context:
                    cluster: {{ClusterName}}
                    user: {{UserName}}
                    namespace: {{DefaultNamespace}}
                current-context: {{ContextName}}
                preferences: {}

                """;
            File.WriteAllText(path, text);
            if (!OperatingSystem.IsWindows())
            {
                // It holds a credential: owner only, as kubectl itself writes kubeconfigs.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            return path;
        }
    }
}
