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

        /// <summary>
        /// A token shaped as the API server's (a JWT whose claims name the account: sub, kubernetes.io's namespace and
        /// serviceaccount), so that a client can tell who it is from the token as in a real pod. The lab accepts it by
        /// value; the signature is random bytes, never checked by anyone.
        /// </summary>
        public static string NewToken()
        {
            var issuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var header = new System.Text.Json.Nodes.JsonObject { ["alg"] = "RS256", ["kid"] = "lab" };
            var claims = new System.Text.Json.Nodes.JsonObject
            {
                ["aud"] = new System.Text.Json.Nodes.JsonArray("https://kubernetes.default.svc.cluster.local"),
                ["exp"] = issuedAt + 3600,
                ["iat"] = issuedAt,
                ["iss"] = "https://kubernetes.default.svc.cluster.local",
                ["jti"] = Guid.NewGuid().ToString(),
                ["kubernetes.io"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["namespace"] = KubeconfigFile.DefaultNamespace,
                    ["serviceaccount"] = new System.Text.Json.Nodes.JsonObject { ["name"] = Name, ["uid"] = Guid.NewGuid().ToString() },
                },
                ["nbf"] = issuedAt,
                ["sub"] = User,
            };
            return Base64Url(System.Text.Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString())) + "."
                + Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        }

        static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

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
