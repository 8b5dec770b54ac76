namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>What a kubeconfig says about one context: no credentials, only where and which namespace.</summary>
    public sealed record KubeConfigFacts(string Path, string Context, string? Namespace, string Server, System.Collections.Generic.IReadOnlyList<string> AllContexts);
}
