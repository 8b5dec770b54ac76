using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;
using PostHogRunbook.Engine.Http;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// What the first Kubernetes request of a process needs besides its own work, made ready on another core
    /// while the kubeconfig is read: the order is the order in which the request meets them. Measured in fresh
    /// processes (IL pwsh, 2 cores):
    /// <list type="number">
    /// <item>the type k8s.Kubernetes (thousands of methods, dozens of interfaces): loading it took 35-50 ms of the
    /// client's creation, which comes right after the kubeconfig is read;</item>
    /// <item>the machine's trust store, which the TLS handshake loads on Linux (<see cref="TrustStoreWarmUp"/>): 70-100 ms;</item>
    /// <item>KubernetesJson's first Deserialize (its options, its converters, the source-generated metadata of the
    /// object graph): about 200 ms, after the first answer.</item>
    /// </list>
    /// It reads only constant JSON and the machine's store, sends nothing, and never fails a caller: whatever it
    /// did not warm, the real work does as before.
    /// </summary>
    internal static class KubernetesWarmUp
    {
        const string Deployment = """{"metadata":{"name":"w","labels":{"a":"b"},"creationTimestamp":"2026-01-01T00:00:00Z"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A","value":"1"}]}]}}},"status":{"replicas":1,"conditions":[{"type":"Available","status":"True","lastUpdateTime":"2026-01-01T00:00:00Z"}]}}""";

        const string Pods = """{"items":[{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2026-01-01T00:00:00Z"}},"lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled"}}}]}}]}""";

        static int started;

        /// <summary>Starts the warm-up on the thread pool, the first time only.</summary>
        public static void Start()
        {
            if (Interlocked.Exchange(ref started, 1) == 0)
            {
                _ = Task.Run(Warm);
            }
        }

        static void Warm()
        {
            try
            {
                RuntimeHelpers.RunClassConstructor(typeof(k8s.Kubernetes).TypeHandle);
                TrustStoreWarmUp.LoadOnce();
                KubernetesJson.Deserialize<V1Deployment>(Deployment);
                KubernetesJson.Deserialize<V1PodList>(Pods);
            }
#pragma warning disable CA1031 // A warm-up that fails leaves the cost where it was; the real work reports its own errors.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
