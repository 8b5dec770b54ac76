using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// The pod's service account, as kubectl and client-go use it when nothing names a kubeconfig and
    /// KUBERNETES_SERVICE_HOST is set: the API server at KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT, the bearer
    /// token, CA and namespace from the service account mount.
    /// </summary>
    /// <remarks>
    /// KubernetesClient's <c>KubernetesClientConfiguration.InClusterConfig</c> reads a fixed folder (its
    /// <c>ServiceAccountPath</c> is internal), so the same files are read here from a folder that can be pointed elsewhere
    /// (<see cref="ServiceAccountPathVariable"/>: a test's lab, a non-standard mount), and the configuration is built from
    /// them as InClusterConfig builds it: KubernetesClient's own <see cref="TokenFileAuth"/> re-reads the token file once
    /// it is a minute old, as client-go's file token source does, so a token the kubelet rotates is picked up by a
    /// long-running command.
    /// The profile carries the choice as its KubeConfig value, <c>in-cluster://host:port/mount-folder</c>
    /// (<see cref="Detect"/>); <see cref="KubeConfigReader"/> and <see cref="KubernetesGateway"/> recognise it, so every
    /// command that opens a target gets the in-cluster path without knowing of it.
    /// </remarks>
    public static class InClusterConfig
    {
        /// <summary>The context name an in-cluster target reads as, in reports, the journal and messages.</summary>
        public const string ContextName = "in-cluster";

        /// <summary>Where the kubelet mounts the pod's service account.</summary>
        public const string DefaultServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

        /// <summary>Points the in-cluster configuration at another service account folder (token, ca.crt, namespace).</summary>
        public const string ServiceAccountPathVariable = "POSTHOG_RUNBOOK_SERVICEACCOUNT_PATH";

        /// <summary>The service account's name, when the token's claims do not say it (set from the downward API's spec.serviceAccountName).</summary>
        public const string ServiceAccountNameVariable = "POSTHOG_RUNBOOK_SERVICE_ACCOUNT";

        public const string HostVariable = "KUBERNETES_SERVICE_HOST";

        public const string PortVariable = "KUBERNETES_SERVICE_PORT";

        const string Scheme = "in-cluster";
        const string Prefix = Scheme + "://";
        const string ServiceAccountUserPrefix = "system:serviceaccount:";

        /// <summary>
        /// The profile's KubeConfig value in a pod (KUBERNETES_SERVICE_HOST set; the caller has found no kubeconfig):
        /// <c>in-cluster://host:port/folder</c>; null outside a pod. A port that is not one is InClusterConfigInvalid.
        /// </summary>
        public static string? Detect(RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(environment);
            var host = environment.Variable(HostVariable)?.Trim();
            if (string.IsNullOrEmpty(host))
            {
                return null;
            }

            var portText = environment.Variable(PortVariable)?.Trim();
            var port = 443;
            if (!string.IsNullOrEmpty(portText)
                && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535))
            {
                throw new RunbookException("InClusterConfigInvalid", RunbookErrorKind.InvalidArgument, $"{PortVariable} is '{portText}', not a port: the in-cluster configuration cannot name the API server.", PortVariable);
            }

            var folder = ServiceAccountFolder(environment);
            var builder = new UriBuilder(Scheme, host.Trim('[', ']'), port, folder);
            return builder.Uri.AbsoluteUri;
        }

        /// <summary>Whether a KubeConfig value is the in-cluster configuration rather than a kubeconfig file.</summary>
        public static bool IsInCluster(string? kubeConfig) => kubeConfig != null && kubeConfig.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

        /// <summary>The folder of the service account mount: <see cref="ServiceAccountPathVariable"/>, else the kubelet's.</summary>
        public static string ServiceAccountFolder(RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(environment);
            var configured = environment.Variable(ServiceAccountPathVariable);
            return string.IsNullOrWhiteSpace(configured) ? DefaultServiceAccountPath : Path.GetFullPath(configured.Trim());
        }

        /// <summary>
        /// Who the pod is, for the journal and the remediation lock: <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>
        /// from the token's claims (its <c>sub</c>, or <c>kubernetes.io</c>'s namespace and serviceaccount), else from
        /// <see cref="ServiceAccountNameVariable"/> and the mount's namespace; null outside a pod or when neither says.
        /// </summary>
        public static string? ServiceAccountUser(RunbookEnvironment environment)
        {
            ArgumentNullException.ThrowIfNull(environment);
            if (string.IsNullOrWhiteSpace(environment.Variable(HostVariable)))
            {
                return null;
            }

            var folder = ServiceAccountFolder(environment);
            var fromToken = ReadOptional(Path.Combine(folder, TokenFile)) is { } token ? UserOfToken(token) : null;
            if (fromToken != null)
            {
                return fromToken;
            }

            var name = environment.Variable(ServiceAccountNameVariable)?.Trim();
            var @namespace = ReadOptional(Path.Combine(folder, NamespaceFile));
            return !string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(@namespace) ? ServiceAccountUserPrefix + @namespace + ":" + name : null;
        }

        /// <summary>
        /// The user a service account token authenticates as, from its claims (a JWT's payload, read, not verified: the
        /// API server verifies it); null for a token that is no JWT or names no service account.
        /// </summary>
        public static string? UserOfToken(string token)
        {
            var parts = (token ?? string.Empty).Trim().Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            JObject claims;
            try
            {
                claims = JObject.Parse(Encoding.UTF8.GetString(Base64UrlDecode(parts[1])));
            }
            catch (Exception ex) when (ex is FormatException or Newtonsoft.Json.JsonException or ArgumentException)
            {
                return null;
            }

            var subject = claims["sub"]?.Type == JTokenType.String ? claims["sub"]!.ToString() : null;
            if (subject != null && subject.StartsWith(ServiceAccountUserPrefix, StringComparison.Ordinal) && subject.Split(':').Length == 4)
            {
                return subject;
            }

            // A projected token also says it under "kubernetes.io"; a legacy secret token under flat claims.
            var @namespace = (claims["kubernetes.io"]?["namespace"] ?? claims["kubernetes.io/serviceaccount/namespace"])?.ToString();
            var name = (claims["kubernetes.io"]?["serviceaccount"]?["name"] ?? claims["kubernetes.io/serviceaccount/service-account.name"])?.ToString();
            return !string.IsNullOrEmpty(@namespace) && !string.IsNullOrEmpty(name) ? ServiceAccountUserPrefix + @namespace + ":" + name : null;
        }

        const string TokenFile = "token";
        const string CaFile = "ca.crt";
        const string NamespaceFile = "namespace";

        /// <summary>What the in-cluster value says: where the API server is and where the mount is. Null for a kubeconfig path.</summary>
        internal static InClusterTarget? Parse(string? kubeConfig)
        {
            if (!IsInCluster(kubeConfig) || !Uri.TryCreate(kubeConfig, UriKind.Absolute, out var uri) || uri.Port <= 0)
            {
                return null;
            }

            return new InClusterTarget(uri.Host, uri.Port, Uri.UnescapeDataString(uri.AbsolutePath));
        }

        /// <summary>What <see cref="KubeConfigReader.Describe"/> says of a kubeconfig, for the pod's service account: one context, in-cluster.</summary>
        internal static KubeConfigFacts Describe(string value, InClusterTarget target, string? context)
        {
            if (!string.IsNullOrWhiteSpace(context) && !string.Equals(context, ContextName, StringComparison.Ordinal))
            {
                throw new RunbookException(
                    "KubeContextNotFound",
                    RunbookErrorKind.ObjectNotFound,
                    $"No kubeconfig is in use, so the only context is the pod's service account ('{ContextName}', the API server {target.Server}); there is no context '{context}'. Pass -KubeConfig to use another cluster.",
                    context);
            }

            return new KubeConfigFacts(value, ContextName, ReadOptional(target.NamespacePath), target.Server, new[] { ContextName }, new[] { target.ServiceAccountPath }, Array.Empty<string>(), string.IsNullOrWhiteSpace(context));
        }

        /// <summary>
        /// KubernetesClient's configuration for the service account, as InClusterConfig builds it; a token or CA that is
        /// missing or unreadable is ServiceAccountTokenUnreadable or ServiceAccountCaUnreadable.
        /// </summary>
        internal static KubernetesClientConfiguration Build(InClusterTarget target)
        {
            string token;
            try
            {
                token = File.ReadAllText(target.TokenPath).Trim();
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new RunbookException("ServiceAccountTokenUnreadable", RunbookErrorKind.ObjectNotFound, $"In-cluster (no kubeconfig, {HostVariable} set), but the service account token '{target.TokenPath}' does not exist: the pod mounts no token (automountServiceAccountToken: false?), or {ServiceAccountPathVariable} names the wrong folder.", target.TokenPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new RunbookException("ServiceAccountTokenUnreadable", RunbookErrorKind.PermissionDenied, $"In-cluster, but the service account token '{target.TokenPath}' cannot be read: {ex.Message} (does the pod's securityContext let this user read the mount? set fsGroup).", target.TokenPath);
            }

            if (token.Length == 0)
            {
                throw new RunbookException("ServiceAccountTokenUnreadable", RunbookErrorKind.InvalidResult, $"In-cluster, but the service account token '{target.TokenPath}' is empty.", target.TokenPath);
            }

            var authority = new X509Certificate2Collection();
            try
            {
                // What KubernetesClient's CertUtils.LoadPemFileCert does for InClusterConfig (that class is internal).
                authority.ImportFromPemFile(target.CaPath);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new RunbookException("ServiceAccountCaUnreadable", RunbookErrorKind.ObjectNotFound, $"In-cluster, but the cluster's CA '{target.CaPath}' does not exist: without it the API server {target.Server} cannot be trusted.", target.CaPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or FormatException)
            {
                throw new RunbookException("ServiceAccountCaUnreadable", RunbookErrorKind.InvalidResult, $"In-cluster, but the cluster's CA '{target.CaPath}' cannot be read as PEM certificates: {ex.Message}", target.CaPath);
            }

            if (authority.Count == 0)
            {
                throw new RunbookException("ServiceAccountCaUnreadable", RunbookErrorKind.InvalidResult, $"In-cluster, but the cluster's CA '{target.CaPath}' holds no certificate.", target.CaPath);
            }

            return new KubernetesClientConfiguration
            {
                Host = target.Server,
                // Re-reads the file when the token it holds is a minute old: the kubelet rotates projected tokens.
                TokenProvider = new TokenFileAuth(target.TokenPath),
                SslCaCerts = authority,
                Namespace = ReadOptional(target.NamespacePath),
            };
        }

        static string? ReadOptional(string path)
        {
            try
            {
                var text = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
                return string.IsNullOrEmpty(text) ? null : text;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        static byte[] Base64UrlDecode(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }

        /// <summary>The API server and the mount of one in-cluster configuration.</summary>
        internal sealed record InClusterTarget(string Host, int Port, string ServiceAccountPath)
        {
            public string Server => new UriBuilder(Uri.UriSchemeHttps, Host.Trim('[', ']'), Port).Uri.AbsoluteUri.TrimEnd('/');

            public string TokenPath => Path.Combine(ServiceAccountPath, TokenFile);

            public string CaPath => Path.Combine(ServiceAccountPath, CaFile);

            public string NamespacePath => Path.Combine(ServiceAccountPath, NamespaceFile);
        }
    }
}
