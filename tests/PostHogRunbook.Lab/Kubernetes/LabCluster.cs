using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The cluster's state and how it follows the lab's scenario: seeds the world, runs the controller loop, and on
    /// ScenarioChanged rebuilds what the scenario decides (pod health, the secret's key, the scenario's events)
    /// while keeping what people changed (the deployment's spec, a rotated key, rollout history).
    /// </summary>
    internal sealed class LabCluster
    {
        readonly LabContext context;
        readonly HashSet<string> scenarioEventNames = new();
        readonly Lock scenarioGate = new();

        public LabCluster(LabContext context)
        {
            this.context = context;
            Store = new ObjectStore();
            Controller = new DeploymentController(Store, () => context.Scenario);
        }

        public ObjectStore Store { get; }

        public DeploymentController Controller { get; }

        public LabScenario Scenario => context.Scenario;

        public void Seed(string authorityPem)
        {
            foreach (var ns in new[] { "default", "kube-system", WorkloadObjects.Namespace })
            {
                Store.Create(ResourceTypes.Namespaces, WorkloadObjects.NamespaceObject(ns));
                Store.Create(ResourceTypes.ConfigMaps, WorkloadObjects.RootCaConfigMap(ns, authorityPem));
            }

            Store.Create(ResourceTypes.Secrets, WorkloadObjects.Secret(LabKeys.DeploymentKey(context.Scenario)));
            Store.Create(ResourceTypes.Pods, WorkloadObjects.BillingPod());

            var replicas = Math.Max(0, context.Options.PodCount);
            var deployment = Store.Create(ResourceTypes.Deployments, WorkloadObjects.Deployment(replicas));
            var hash = KubeNames.TemplateHash(deployment["spec"]!["template"]);
            var replicaSet = WorkloadObjects.ReplicaSet(deployment, hash, 1, WorkloadObjects.WorldCreatedAt);
            replicaSet["spec"]!["replicas"] = replicas;
            replicaSet = Store.Create(ResourceTypes.ReplicaSets, replicaSet);
            Controller.Govern(WorkloadObjects.Namespace, replicaSet["metadata"]!["name"]!.GetValue<string>());

            // The pods have been running for weeks; the rollout that made them finished long ago.
            var podsCreatedAt = WorkloadObjects.WorldCreatedAt.AddDays(27);
            var rsName = replicaSet["metadata"]!["name"]!.GetValue<string>();
            for (var i = 0; i < replicas; i++)
            {
                string name;
                var attempt = 0;
                do
                {
                    name = rsName + "-" + KubeNames.Suffix(rsName + "#" + i + "#" + attempt++, 5);
                }
                while (Store.Exists(ResourceTypes.Pods, WorkloadObjects.Namespace, name));

                Store.Create(ResourceTypes.Pods, WorkloadObjects.Pod(replicaSet, name, podsCreatedAt));
            }

            var settledAt = KubeTime.Format(podsCreatedAt.AddMinutes(1));
            Store.Update(ResourceTypes.Deployments, WorkloadObjects.Namespace, WorkloadObjects.DeploymentName, current =>
            {
                current["status"] = new JsonObject
                {
                    ["observedGeneration"] = 1,
                    ["replicas"] = replicas,
                    ["updatedReplicas"] = replicas,
                    ["readyReplicas"] = replicas,
                    ["availableReplicas"] = replicas,
                    ["conditions"] = new JsonArray(
                        new JsonObject
                        {
                            ["type"] = "Available",
                            ["status"] = "True",
                            ["lastUpdateTime"] = settledAt,
                            ["lastTransitionTime"] = settledAt,
                            ["reason"] = "MinimumReplicasAvailable",
                            ["message"] = "Deployment has minimum availability.",
                        },
                        new JsonObject
                        {
                            ["type"] = "Progressing",
                            ["status"] = "True",
                            ["lastUpdateTime"] = settledAt,
                            ["lastTransitionTime"] = KubeTime.Format(WorkloadObjects.WorldCreatedAt),
                            ["reason"] = "NewReplicaSetAvailable",
                            ["message"] = $"ReplicaSet \"{rsName}\" has successfully progressed.",
                        }),
                };
                return current;
            });

            Controller.ReconcileAll();
            RecordScenarioEvents();
        }

        /// <summary>Follows a scenario switch: the running pods now behave as it says, and the secret holds its key.</summary>
        public void ApplyScenario()
        {
            lock (scenarioGate)
            {
                Controller.GovernCurrentReplicaSets();
                Controller.ReconcileAll();
                UpdateSecretForScenario();
                RecordScenarioEvents();
            }
        }

        void UpdateSecretForScenario()
        {
            var wanted = LabKeys.DeploymentKey(context.Scenario);
            try
            {
                Store.Update(ResourceTypes.Secrets, WorkloadObjects.Namespace, WorkloadObjects.SecretName, secret =>
                {
                    var current = secret["data"]?[WorkloadObjects.SecretKey]?.GetValue<string>();
                    var decoded = current is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(current));

                    // A key someone rotated in stays: only the lab's own keys follow the scenario.
                    if (decoded is LabKeys.Good or LabKeys.Revoked && secret["data"] is JsonObject data)
                    {
                        data[WorkloadObjects.SecretKey] = WorkloadObjects.Base64(wanted);
                    }

                    return secret;
                });
            }
            catch (KubernetesStatusException)
            {
                // Someone deleted the secret: a scenario switch does not resurrect it.
            }
        }

        /// <summary>The events a scenario implies about the pods that run now: BackOff and Unhealthy for crash loops.</summary>
        void RecordScenarioEvents()
        {
            foreach (var name in scenarioEventNames)
            {
                try
                {
                    Store.Delete(ResourceTypes.Events, WorkloadObjects.Namespace, name);
                }
                catch (KubernetesStatusException)
                {
                    // Already deleted by a client.
                }
            }

            scenarioEventNames.Clear();
            var now = DateTimeOffset.UtcNow;
            var deployment = Store.Get(ResourceTypes.Deployments, WorkloadObjects.Namespace, WorkloadObjects.DeploymentName);
            var billing = Store.Get(ResourceTypes.Pods, WorkloadObjects.Namespace, WorkloadObjects.BillingPodName);
            if (billing is not null)
            {
                Add(EventObjects.Create(billing, "Normal", "Pulled", "Container image \"registry.example/billing-worker:2.3.0\" already present on machine", "kubelet", now.AddMinutes(-47), now.AddMinutes(-47), 1, "spec.containers{worker}"));
            }

            if (deployment is null)
            {
                return;
            }

            Add(EventObjects.Create(deployment, "Normal", "ScalingReplicaSet", $"Scaled up replica set {CurrentReplicaSetName(deployment)} from 0 to {deployment["spec"]?["replicas"]}", "deployment-controller", now.AddMinutes(-52), now.AddMinutes(-52), 1));

            var behaviour = context.Scenario.Kubernetes.Pods;
            if (behaviour == PodBehaviour.Running)
            {
                return;
            }

            foreach (var pod in Store.List(ResourceTypes.Pods, WorkloadObjects.Namespace).Items)
            {
                var waiting = pod["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();
                if (waiting != "CrashLoopBackOff")
                {
                    continue;
                }

                var podName = pod["metadata"]!["name"]!.GetValue<string>();
                var ns = pod["metadata"]!["namespace"]!.GetValue<string>();
                var uid = pod["metadata"]!["uid"]!.GetValue<string>();
                var container = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>();
                var field = "spec.containers{" + container + "}";
                var restarts = PodStatuses.RestartCount(pod, container);
                Add(EventObjects.Create(pod, "Warning", "BackOff", $"Back-off restarting failed container {container} in pod {podName}_{ns}({uid})", "kubelet", now.AddMinutes(-18), now.AddSeconds(-20), restarts * 6, field));
                if (behaviour == PodBehaviour.CrashLoopBackOff)
                {
                    Add(EventObjects.Create(pod, "Warning", "Unhealthy", "Readiness probe failed: Get \"http://" + (pod["status"]?["podIP"]?.GetValue<string>() ?? "10.244.1.2") + ":8080/health\": dial tcp: connect: connection refused", "kubelet", now.AddMinutes(-18), now.AddSeconds(-35), restarts * 2, field));
                }
                else
                {
                    Add(EventObjects.Create(pod, "Normal", "Pulled", $"Container image \"{WorkloadObjects.MainImage}\" already present on machine", "kubelet", now.AddMinutes(-18), now.AddSeconds(-65), restarts, field));
                }
            }
        }

        void Add(JsonObject item)
        {
            var created = Store.Create(ResourceTypes.Events, item);
            scenarioEventNames.Add(created["metadata"]!["name"]!.GetValue<string>());
        }

        static string CurrentReplicaSetName(JsonObject deployment) =>
            WorkloadObjects.NameOf(deployment) + "-" + KubeNames.TemplateHash(deployment["spec"]?["template"]);
    }
}
