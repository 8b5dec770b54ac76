using k8s;
using k8s.KubeConfigModels;
using PostHogRunbook.Engine.Kubernetes;
using Xunit;
using YamlDotNet.Core;

namespace PostHogRunbook.Engine.Tests.Kubernetes
{
    /// <summary>
    /// The engine parses kubeconfigs with its own YamlDotNet deserializer (KubeConfigFile.Parse); KubernetesClient's own
    /// loader is the oracle: for every way of writing YAML below (flow style, block scalars, nulls, YAML 1.1 booleans,
    /// anchors, unknown keys, minikube's extensions) both read the same model, compared through KubernetesClient's
    /// serializer field by field, or both refuse the text.
    /// </summary>
    public sealed class KubeConfigParseTests
    {
        const string Base = "apiVersion: v1\nkind: Config\ncurrent-context: a\n";

        public static TheoryData<string, string> Texts => new()
        {
            { "flow style", Base + "clusters: [{name: a, cluster: {server: 'https://x:6443', insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: a, context: {cluster: a, user: u, namespace: n}}]\n" },
            { "quoted and block values", Base + "clusters:\n- name: \"a\"\n  cluster:\n    server: 'https://x'\n    certificate-authority-data: |\n      QUJD\n      REVG\n    tls-server-name: >-\n      kube.internal\n" },
            { "nulls and empty text", Base + "users:\n- name: u\n  user:\n    token:\n    username: ~\n    password: null\n    as: ''\n    client-key: \"\"\ncontexts:\n- name: a\n  context:\n  namespace: NULL\n" },
            { "booleans as YAML 1.1 writes them", Base + "clusters:\n- name: a\n  cluster: {server: s, insecure-skip-tls-verify: yes}\n- name: b\n  cluster: {server: s, insecure-skip-tls-verify: On}\n- name: c\n  cluster: {server: s, insecure-skip-tls-verify: FALSE}\n- name: d\n  cluster: {server: s, insecure-skip-tls-verify: 'true'}\n- name: e\n  cluster: {server: s, insecure-skip-tls-verify: n}\n- name: f\n  cluster: {server: s, insecure-skip-tls-verify: }\n" },
            { "anchors and aliases", Base + "users:\n- name: u1\n  user: &shared\n    token: t\n    as-groups: &groups [a, b]\n- name: u2\n  user: *shared\n- name: u3\n  user:\n    as-groups: *groups\n" },
            { "numbers and dates as text", Base + "clusters:\n- name: 1234\n  cluster: {server: 0x1F}\ncontexts:\n- name: a\n  context: {cluster: 1234, user: 2026-01-01, namespace: 1.5}\n" },
            { "unknown keys at every level", Base + "future: {a: [1, 2]}\nclusters:\n- name: a\n  extra: x\n  cluster:\n    server: s\n    proxy-url: http://p\n    disable-compression: true\n    nested: {deep: [x, {y: z}]}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: gke-gcloud-auth-plugin\n      interactiveMode: IfAvailable\n      provideClusterInfo: True\n      env: null\n      args: []\n" },
            { "extensions of every shape (minikube writes them)", Base + "preferences: {colors: true, n: 3}\nextensions:\n- name: top\n  extension: plain\nclusters:\n- name: minikube\n  cluster:\n    server: https://192.168.49.2:8443\n    extensions:\n    - extension:\n        last-update: Mon, 01 Jan 2024 10:00:00 UTC\n        provider: minikube.sigs.k8s.io\n        version: v1.32.0\n        retries: 3\n        ratio: 0.5\n        big: 12345678901\n        flag: false\n        quoted: '7'\n        none: ~\n        list: [a, 1, true]\n      name: cluster_info\ncontexts:\n- name: minikube\n  context:\n    cluster: minikube\n    extensions:\n    - extension: {provider: minikube.sigs.k8s.io}\n      name: context_info\n" },
            { "auth-provider, impersonation, exec env", Base + "users:\n- name: u\n  user:\n    as: deployer\n    as-groups: [sre]\n    as-user-extra: {team: payments, scopes: view}\n    auth-provider:\n      name: oidc\n      config: {client-id: kubectl, idp-issuer-url: 'https://issuer'}\n    exec:\n      command: aws\n      args: [eks, get-token]\n      env:\n      - {name: AWS_PROFILE, value: prod}\n      - name: EMPTY\n        value: ''\n      installHint: install it\n" },
            { "comments and a document marker", "# generated\n---\n" + Base + "clusters: # none yet\n- name: a # the one\n  cluster: {server: s}\n" },
            { "empty lists and sections", Base + "clusters: []\nusers:\ncontexts: null\npreferences: {}\n" },
        };

        public static TheoryData<string, string> Refused => new()
        {
            { "a value where a list is expected", Base + "clusters: prod\n" },
            { "values where maps are expected", Base + "clusters: [a, b]\n" },
            { "a list where a value is expected", Base + "clusters:\n- name: [a, b]\n" },
            { "a boolean that is none", Base + "clusters:\n- name: a\n  cluster: {server: s, insecure-skip-tls-verify: maybe}\n" },
            { "a list as the document", "- a\n- b\n" },
            { "broken YAML", "clusters: [\n  - name: a\n    cluster: {server: " },
            { "two documents", Base + "---\napiVersion: v2\n" },
        };

        [Theory]
        [MemberData(nameof(Texts))]
        public void Reads_what_KubernetesClients_loader_reads(string shape, string text)
        {
            var theirs = KubernetesClientConfiguration.LoadKubeConfig(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));
            var ours = KubeConfigFile.Parse(text);

            Assert.NotNull(ours);
            Assert.True(KubernetesYaml.Serialize(theirs) == KubernetesYaml.Serialize(ours), $"{shape}:\n--- KubernetesClient\n{KubernetesYaml.Serialize(theirs)}\n--- ours\n{KubernetesYaml.Serialize(ours)}");
        }

        [Theory]
        [MemberData(nameof(Refused))]
        public void Refuses_what_KubernetesClients_loader_refuses(string shape, string text)
        {
            var theirs = Record.Exception(() => KubernetesClientConfiguration.LoadKubeConfig(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text))));
            var ours = Record.Exception(() => KubeConfigFile.Parse(text));

            Assert.True(theirs != null, $"{shape}: KubernetesClient read it");
            Assert.IsAssignableFrom<YamlException>(ours);
        }

        [Fact]
        public void A_text_of_comments_only_is_no_kubeconfig()
        {
            Assert.Null(KubeConfigFile.Parse("# nothing here\n"));
            Assert.Null(KubeConfigFile.Parse(string.Empty));
            Assert.Null(KubeConfigFile.Parse("~\n"));
        }
    }
}
