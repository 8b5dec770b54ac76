using k8s;
using k8s.KubeConfigModels;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Kubernetes
{
    /// <summary>
    /// The engine reads kubeconfigs with its own YamlDotNet deserializer (KubernetesClient's loader is sync over async
    /// and scans its whole assembly on first use): what it reads must be what KubernetesClient's own loader reads,
    /// and the client configuration built from it the same.
    /// </summary>
    public sealed class KubeConfigFileTests : IDisposable
    {
        // Everything a kubeconfig in the wild carries: several clusters and contexts, a token, client certificate files
        // relative to the kubeconfig, an exec plugin with env and args, an auth-provider, impersonation, extensions with
        // unquoted scalars, a proxy-url and a field KubernetesClient does not model, preferences.
        const string Rich = """
            apiVersion: v1
            kind: Config
            preferences:
              colors: true
            current-context: prod-eu
            clusters:
            - name: prod-eu
              cluster:
                server: https://10.1.2.3:6443
                certificate-authority-data: {CA}
                tls-server-name: kubernetes.internal
                proxy-url: http://proxy.internal:3128
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension:
                    audience: prod
                    retries: 3
                    enabled: true
            - name: staging
              cluster:
                server: https://staging.example.com
                insecure-skip-tls-verify: true
            users:
            - name: ci
              user:
                token: abc.def.ghi
                as: deployer
                as-groups: [sre, oncall]
                as-user-extra:
                  team: payments
            - name: cert-user
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
            - name: exec-user
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: ["eks", "get-token", "--cluster-name", "prod"]
                  env:
                  - name: AWS_PROFILE
                    value: prod
                  installHint: install the aws cli
                  provideClusterInfo: true
            - name: oidc-user
              user:
                auth-provider:
                  name: oidc
                  config:
                    idp-issuer-url: https://issuer.example.com
                    client-id: kubectl
            contexts:
            - name: prod-eu
              context:
                cluster: prod-eu
                user: ci
                namespace: analytics
            - name: staging
              context:
                cluster: staging
                user: cert-user
            - name: exec
              context:
                cluster: prod-eu
                user: exec-user
                namespace: posthog
            - name: oidc
              context:
                cluster: staging
                user: oidc-user
            """;

        static readonly Lazy<string> Authority = new(() =>
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=kubeconfig-test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            return Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        });

        readonly string directory = Path.Combine(Path.GetTempPath(), "kubeconfig-tests-" + Guid.NewGuid().ToString("N"));

        public KubeConfigFileTests() => Directory.CreateDirectory(directory);

        public void Dispose() => Directory.Delete(directory, recursive: true);

        [Fact]
        public void Reads_what_KubernetesClients_own_loader_reads()
        {
            var path = Write("config", Rich);

            var ours = KubeConfigFile.Load(path).Configuration;
            var theirs = KubernetesClientConfiguration.LoadKubeConfig(path);

            // The same document through KubernetesClient's serializer: every modelled field, nested ones included.
            Assert.Equal(KubernetesYaml.Serialize(theirs), KubernetesYaml.Serialize(ours));
            Assert.Equal(theirs.FileName, ours.FileName);
            Assert.Equal("prod-eu", ours.CurrentContext);
            Assert.Equal(new[] { "prod-eu", "staging", "exec", "oidc" }, ours.Contexts.Select(c => c.Name));
            var exec = ours.Users.Single(u => u.Name == "exec-user").UserCredentials.ExternalExecution;
            Assert.Equal(new[] { "eks", "get-token", "--cluster-name", "prod" }, exec.Arguments);
            Assert.Equal("prod", exec.EnvironmentVariables.Single()["value"]);
            Assert.True(exec.ProvideClusterInfo);
        }

        [Theory]
        [InlineData("prod-eu")]
        [InlineData("staging")]
        public void Builds_the_client_configuration_KubernetesClient_builds_from_the_file(string context)
        {
            var path = Write("config", Rich);
            Directory.CreateDirectory(Path.Combine(directory, "certs"));

            var ours = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeConfigFile.Load(path).Configuration, context);
            var theirs = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);

            Assert.Equal(theirs.Host, ours.Host);
            Assert.Equal(theirs.Namespace, ours.Namespace);
            Assert.Equal(theirs.AccessToken, ours.AccessToken);
            Assert.Equal(theirs.SkipTlsVerify, ours.SkipTlsVerify);
            Assert.Equal(theirs.TlsServerName, ours.TlsServerName);
            Assert.Equal(theirs.CurrentContext, ours.CurrentContext);
            Assert.Equal(theirs.Username, ours.Username);
            // Relative certificate paths resolve against the kubeconfig's folder, as KubernetesClient resolves them.
            Assert.Equal(theirs.ClientCertificateFilePath, ours.ClientCertificateFilePath);
            Assert.Equal(theirs.ClientKeyFilePath, ours.ClientKeyFilePath);
            Assert.Equal(theirs.SslCaCerts?.Select(c => c.Thumbprint), ours.SslCaCerts?.Select(c => c.Thumbprint));
            if (context == "staging")
            {
                Assert.Equal(Path.Combine(directory, "certs", "client.crt"), ours.ClientCertificateFilePath);
            }
        }

        [Fact]
        public void A_missing_file_and_a_broken_file_are_named_errors()
        {
            // (Contexts, merging and their errors: KubeConfigReaderTests, which reads through this parser.)
            var missing = Assert.Throws<RunbookException>(() => KubeConfigFile.Load(Path.Combine(directory, "nope")));
            var broken = Assert.Throws<RunbookException>(() => KubeConfigFile.Load(Write("broken", "clusters: [\n  - name: a\n    cluster: {server: ")));

            Assert.Equal("KubeConfigNotFound", missing.ErrorId);
            Assert.Equal("KubeConfigInvalid", broken.ErrorId);
        }

        string Write(string name, string text)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, text.Replace("{CA}", Authority.Value, StringComparison.Ordinal));
            return path;
        }
    }
}
