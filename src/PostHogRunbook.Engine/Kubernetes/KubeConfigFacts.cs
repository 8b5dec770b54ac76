using System.Collections.Generic;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// What a kubeconfig (one file, or a KUBECONFIG list merged) says about one context: no credentials, only
    /// where and which namespace, and which files it was read from.
    /// </summary>
    public sealed record KubeConfigFacts(
        string Path,
        string Context,
        string? Namespace,
        string Server,
        IReadOnlyList<string> AllContexts,
        IReadOnlyList<string> Files,
        IReadOnlyList<string> SkippedFiles,
        bool ContextIsCurrent);
}
