namespace PostHogRunbook.Engine.Tests.Kubernetes
{
    /// <summary>Small kubeconfigs written by hand, as people write them.</summary>
    internal static class KubeConfigText
    {
        /// <summary>One cluster, one user and one context per name; the first is current unless told otherwise.</summary>
        public static string With(string[] contexts, string? current = "", string server = "https://127.0.0.1:6443", string? certificateAuthority = null, string? @namespace = null)
        {
            var authority = certificateAuthority == null ? string.Empty : $", certificate-authority: {certificateAuthority}";
            var ns = @namespace == null ? string.Empty : $", namespace: {@namespace}";
            var clusters = string.Join("\n", contexts.Select(c => $"- {{ name: {c}-cluster, cluster: {{ server: '{server}'{authority} }} }}"));
            var users = string.Join("\n", contexts.Select(c => $"- {{ name: {c}-user, user: {{ token: token-{c} }} }}"));
            var entries = string.Join("\n", contexts.Select(c => $"- {{ name: {c}, context: {{ cluster: {c}-cluster, user: {c}-user{ns} }} }}"));
            var currentLine = current == null ? string.Empty : $"current-context: {(current.Length == 0 ? contexts[0] : current)}\n";
            return $"apiVersion: v1\nkind: Config\nclusters:\n{clusters}\nusers:\n{users}\ncontexts:\n{entries}\n{currentLine}";
        }
    }
}
