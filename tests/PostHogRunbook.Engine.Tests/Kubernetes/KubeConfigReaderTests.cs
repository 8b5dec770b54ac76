using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Tests.Configuration;
using PostHogRunbook.Engine.Tests.LabKubernetes;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Kubernetes
{
    /// <summary>Issue 8 item 7: kubeconfigs read as kubectl reads them, every failure a named error with a plain message.</summary>
    public sealed class KubeConfigReaderTests : IDisposable
    {
        static readonly string Separator = Path.PathSeparator.ToString();

        readonly TestWorld world = new();

        public void Dispose() => world.Dispose();

        [Fact]
        public void A_KUBECONFIG_list_is_merged_first_one_winning_and_missing_files_skipped()
        {
            var first = world.Write("a.yaml", KubeConfigText.With(new[] { "prod-us", "shared" }, current: null, server: "https://first:6443"));
            var second = world.Write("b.yaml", KubeConfigText.With(new[] { "prod-eu", "shared" }, current: "prod-eu", server: "https://second:6443"));
            var missing = Path.Combine(world.Root, "gone.yaml");
            var list = string.Join(Separator, first, missing, second);

            var current = KubeConfigReader.Describe(list, null);
            var shared = KubeConfigReader.Describe(list, "shared");

            Assert.Equal(new[] { "prod-us", "shared", "prod-eu" }, current.AllContexts);
            Assert.Equal("prod-eu", current.Context);
            Assert.True(current.ContextIsCurrent);
            Assert.Equal("https://second:6443", current.Server);
            Assert.Equal("https://first:6443", shared.Server);
            Assert.Equal(new[] { first, second }, current.Files);
            Assert.Equal(new[] { missing }, current.SkippedFiles);
        }

        [Fact]
        public void A_single_missing_file_is_KubeConfigNotFound_and_so_is_a_list_of_only_missing_files()
        {
            var one = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(Path.Combine(world.Root, "nope"), null));
            var all = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(Path.Combine(world.Root, "x") + Separator + Path.Combine(world.Root, "y"), null));

            Assert.Equal("KubeConfigNotFound", one.ErrorId);
            Assert.Contains("does not exist", one.Message, StringComparison.Ordinal);
            Assert.Equal("KubeConfigNotFound", all.ErrorId);
            Assert.Contains("None of the kubeconfig files exists", all.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("", "is empty")]
        [InlineData("   \n\n", "is empty")]
        [InlineData("# nothing here yet\n", "holds no kubeconfig")]
        [InlineData("apiVersion: v1\nkind: Config\ncurrent-context: prod\n", "defines no contexts")]
        [InlineData("apiVersion: v1\nkind: Config\ncontexts:\n", "defines no contexts")]
        [InlineData("clusters: [ { name: a", "cannot be read")]
        public void An_empty_contextless_or_broken_file_is_KubeConfigInvalid(string text, string expected)
        {
            var file = world.Write("kubeconfig", text);

            var failure = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(file, null));

            Assert.Equal("KubeConfigInvalid", failure.ErrorId);
            Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
            Assert.Contains(file, failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void A_folder_is_KubeConfigInvalid_saying_it_is_a_folder_not_that_it_does_not_exist()
        {
            var failure = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(world.Home, null));

            Assert.Equal("KubeConfigInvalid", failure.ErrorId);
            Assert.Contains("is a folder", failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("does not exist", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("contexts:\n- { name: c, context: { cluster: ghost, user: u } }\nusers:\n- { name: u, user: { token: t } }\n", "names cluster 'ghost', which it does not define")]
        [InlineData("clusters:\n- { name: k, cluster: { server: 'https://x' } }\ncontexts:\n- { name: c, context: { cluster: k, user: ghost } }\n", "names user 'ghost', which it does not define")]
        [InlineData("contexts:\n- { name: c, context: { user: u } }\n", "its context 'c' names no cluster")]
        [InlineData("clusters:\n- { name: k, cluster: { insecure-skip-tls-verify: true } }\ncontexts:\n- { name: c, context: { cluster: k } }\n", "its cluster 'k' (of context 'c') has no server")]
        public void A_context_whose_cluster_or_user_is_missing_gets_a_plain_message(string body, string expected)
        {
            var file = world.Write("kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: c\n" + body);

            var failure = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(file, null));

            Assert.Equal("KubeConfigInvalid", failure.ErrorId);
            Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void An_unknown_context_names_the_ones_there_are()
        {
            var file = world.Write("kubeconfig", KubeConfigText.With(new[] { "lab", "prod" }));

            var failure = Assert.Throws<RunbookException>(() => KubeConfigReader.Describe(file, "nosuch"));

            Assert.Equal("KubeContextNotFound", failure.ErrorId);
            Assert.Contains("has no context 'nosuch' (it has: lab, prod)", failure.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Relative_certificate_paths_stay_relative_to_the_file_that_holds_them_once_merged()
        {
            var first = world.Write("one/config", KubeConfigText.With(new[] { "a" }));
            var second = world.Write("two/config", KubeConfigText.With(new[] { "b" }, certificateAuthority: "ca.crt"));

            var (_, config) = KubeConfigReader.Open(first + Separator + second, "b");

            Assert.Equal(Path.Combine(world.Root, "two", "ca.crt"), Assert.Single(config.Clusters).ClusterEndpoint.CertificateAuthority);
        }

        [Fact]
        public async Task The_gateway_reaches_a_cluster_named_by_the_second_file_of_a_list_with_a_missing_one()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var other = world.Write("other.yaml", KubeConfigText.With(new[] { "elsewhere" }, server: "https://127.0.0.1:9"));
            var list = string.Join(Separator, Path.Combine(world.Root, "missing.yaml"), other, cluster.Endpoint.KubeconfigPath);

            using var gateway = KubernetesGateway.Open(list, "lab", null);
            var deployment = await gateway.GetDeploymentAsync(InProcessCluster.Deployment, CancellationToken.None);

            Assert.Equal("lab", gateway.Context);
            Assert.Equal(InProcessCluster.Namespace, gateway.Namespace);
            Assert.Equal(InProcessCluster.Deployment, deployment.Metadata.Name);
        }
    }
}
