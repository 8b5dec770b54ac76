namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>Where the lab's Kubernetes API listens, and the kubeconfig that reaches it.</summary>
    public sealed record KubernetesEndpoint(string Url, string KubeconfigPath);

    // PLACEHOLDER until the Kubernetes half lands: the HTTP half builds against this signature.
    public sealed class KubernetesApiServer : IAsyncDisposable
    {
        public KubernetesApiServer(LabContext context) => Context = context;

        public LabContext Context { get; }

        public Task<KubernetesEndpoint?> StartAsync(CancellationToken cancellationToken) => Task.FromResult<KubernetesEndpoint?>(null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
