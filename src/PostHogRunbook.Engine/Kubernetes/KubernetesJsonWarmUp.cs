using System;
using System.Threading;
using System.Threading.Tasks;
using k8s;
using k8s.Models;

namespace PostHogRunbook.Engine.Kubernetes
{
    /// <summary>
    /// The first KubernetesJson.Deserialize in a process costs about 200 ms (measured, IL pwsh: its options, its
    /// converters, the source-generated metadata of the object graph), and it comes after the first answer, on the
    /// critical path of a fresh process's first triage. Started once per process when a gateway opens, it runs while
    /// the kubeconfig is read and the first request is on the wire. It reads only constant JSON; it never fails a
    /// caller: whatever it did not warm, the real read does as before.
    /// </summary>
    internal static class KubernetesJsonWarmUp
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
                KubernetesJson.Deserialize<V1Deployment>(Deployment);
                KubernetesJson.Deserialize<V1PodList>(Pods);
            }
#pragma warning disable CA1031 // A warm-up that fails leaves the cost where it was; the real read reports its own errors.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
