using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The objects of the lab's world, shaped like the real ones: the integration's Deployment, the ReplicaSet and
    /// pods a controller makes from it, the unrelated billing pod, the secret, the namespaces.
    /// </summary>
    internal static class WorkloadObjects
    {
        public const string Namespace = "posthog";
        public const string DeploymentName = "posthog-integration";
        public const string AppLabel = "posthog-integration";
        public const string MainContainer = "integration";
        public const string SidecarContainer = "metrics-sidecar";
        public const string MainImage = "registry.example/posthog-integration:1.4.2";
        public const string SidecarImage = "registry.example/metrics-sidecar:0.9.1";
        public const string SecretName = "posthog-secrets";
        public const string SecretKey = "api-key";
        public const string BillingPodName = "billing-worker-6c9f7d8b5-x7k2p";
        public const string NodeName = "lab-node-1";
        public const string RevisionAnnotation = "deployment.kubernetes.io/revision";

        /// <summary>
        /// Short on purpose (the default is 600 s): a stuck rollout reports ProgressDeadlineExceeded within a test's
        /// patience, and `kubectl rollout status` with a longer --timeout sees it. Still well above the 3 s --timeout
        /// the fidelity tests give up after first, so that one times out before the deadline.
        /// </summary>
        public const int ProgressDeadlineSeconds = 8;

        public static readonly DateTimeOffset WorldCreatedAt = DateTimeOffset.UtcNow.AddDays(-41);

        public static JsonObject NamespaceObject(string name) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
                ["creationTimestamp"] = KubeTime.Format(WorldCreatedAt.AddDays(-30)),
            },
            ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
            ["status"] = new JsonObject { ["phase"] = "Active" },
        };

        public static JsonObject Deployment(int replicas) => new()
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = DeploymentName,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["app"] = AppLabel },
                ["annotations"] = new JsonObject { [RevisionAnnotation] = "1" },
                ["generation"] = 1,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = KubeTime.Format(WorldCreatedAt),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = AppLabel } },
                ["template"] = PodTemplate(),
                ["strategy"] = new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
                },
                ["revisionHistoryLimit"] = 10,
                ["progressDeadlineSeconds"] = ProgressDeadlineSeconds,
            },
            ["status"] = new JsonObject(),
        };

        static JsonObject PodTemplate() => new()
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { ["app"] = AppLabel },
                ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/default-container"] = MainContainer },
            },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = MainContainer,
                        ["image"] = MainImage,
                        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080, ["protocol"] = "TCP" }),
                        ["env"] = new JsonArray(
                            Env("POSTHOG_HOST", "https://us.i.posthog.com"),
                            Env("POSTHOG_FALLBACK", "false"),
                            Env("RATE_LIMIT_MODE", "direct")),
                        ["envFrom"] = new JsonArray(new JsonObject { ["secretRef"] = new JsonObject { ["name"] = SecretName } }),
                        ["resources"] = Resources("500m", "256Mi", "100m", "128Mi"),
                        ["readinessProbe"] = new JsonObject
                        {
                            ["httpGet"] = new JsonObject { ["path"] = "/health", ["port"] = 8080, ["scheme"] = "HTTP" },
                            ["periodSeconds"] = 10,
                            ["timeoutSeconds"] = 1,
                            ["successThreshold"] = 1,
                            ["failureThreshold"] = 3,
                        },
                        ["terminationMessagePath"] = "/dev/termination-log",
                        ["terminationMessagePolicy"] = "File",
                        ["imagePullPolicy"] = "IfNotPresent",
                    },
                    new JsonObject
                    {
                        ["name"] = SidecarContainer,
                        ["image"] = SidecarImage,
                        ["ports"] = new JsonArray(new JsonObject { ["name"] = "metrics", ["containerPort"] = 9102, ["protocol"] = "TCP" }),
                        ["env"] = new JsonArray(Env("SCRAPE_TARGET", "http://localhost:8080/metrics")),
                        ["resources"] = Resources("100m", "64Mi", "10m", "32Mi"),
                        ["terminationMessagePath"] = "/dev/termination-log",
                        ["terminationMessagePolicy"] = "File",
                        ["imagePullPolicy"] = "IfNotPresent",
                    }),
                ["restartPolicy"] = "Always",
                ["terminationGracePeriodSeconds"] = 30,
                ["dnsPolicy"] = "ClusterFirst",
                ["schedulerName"] = "default-scheduler",
                ["securityContext"] = new JsonObject(),
            },
        };

        static JsonObject Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

        static JsonObject Resources(string cpuLimit, string memoryLimit, string cpuRequest, string memoryRequest) => new()
        {
            ["limits"] = new JsonObject { ["cpu"] = cpuLimit, ["memory"] = memoryLimit },
            ["requests"] = new JsonObject { ["cpu"] = cpuRequest, ["memory"] = memoryRequest },
        };

        /// <summary>The ReplicaSet the deployment controller makes for the deployment's current template.</summary>
        public static JsonObject ReplicaSet(JsonObject deployment, string hash, int revision, DateTimeOffset createdAt)
        {
            var name = NameOf(deployment) + "-" + hash;
            var template = (JsonObject)deployment["spec"]!["template"]!.DeepClone();
            var templateMetadata = template["metadata"] as JsonObject ?? new JsonObject();
            template["metadata"] ??= templateMetadata;
            var labels = templateMetadata["labels"] as JsonObject ?? new JsonObject();
            templateMetadata["labels"] ??= labels;
            labels["pod-template-hash"] = hash;
            var selector = (JsonObject)deployment["spec"]!["selector"]!.DeepClone();
            var matchLabels = selector["matchLabels"] as JsonObject ?? new JsonObject();
            selector["matchLabels"] ??= matchLabels;
            matchLabels["pod-template-hash"] = hash;
            var replicas = deployment["spec"]!["replicas"]?.GetValue<int>() ?? 1;
            return new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = name,
                    ["namespace"] = deployment["metadata"]!["namespace"]!.DeepClone(),
                    ["labels"] = labels.DeepClone(),
                    ["annotations"] = new JsonObject
                    {
                        ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                        ["deployment.kubernetes.io/max-replicas"] = (replicas + Math.Max(1, (replicas + 3) / 4)).ToString(CultureInfo.InvariantCulture),
                        [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                    },
                    ["ownerReferences"] = new JsonArray(OwnerReference(deployment)),
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["generation"] = 1,
                    ["creationTimestamp"] = KubeTime.Format(createdAt),
                },
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 0,
                    ["selector"] = selector,
                    ["template"] = template,
                },
                ["status"] = new JsonObject { ["replicas"] = 0, ["observedGeneration"] = 1 },
            };
        }

        /// <summary>A pod the ReplicaSet controller makes from its template, scheduled on the lab's node.</summary>
        public static JsonObject Pod(JsonObject replicaSet, string name, DateTimeOffset createdAt)
        {
            var template = replicaSet["spec"]!["template"]!;
            var spec = (JsonObject)template["spec"]!.DeepClone();
            spec["nodeName"] = NodeName;
            spec["serviceAccountName"] = "default";
            spec["serviceAccount"] = "default";
            spec["enableServiceLinks"] = true;
            spec["priority"] = 0;
            spec["preemptionPolicy"] = "PreemptLowerPriority";
            spec["tolerations"] = new JsonArray(
                Toleration("node.kubernetes.io/not-ready"),
                Toleration("node.kubernetes.io/unreachable"));
            var metadata = new JsonObject
            {
                ["name"] = name,
                ["generateName"] = replicaSet["metadata"]!["name"]!.GetValue<string>() + "-",
                ["namespace"] = replicaSet["metadata"]!["namespace"]!.DeepClone(),
                ["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
                ["ownerReferences"] = new JsonArray(OwnerReference(replicaSet)),
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = KubeTime.Format(createdAt),
            };
            if (template["metadata"]?["annotations"] is JsonObject annotations)
            {
                metadata["annotations"] = annotations.DeepClone();
            }

            return new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = metadata,
                ["spec"] = spec,
                ["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "Burstable" },
            };
        }

        /// <summary>A pod of another team's app in the same namespace: a correct tool selects around it and never reads it.</summary>
        public static JsonObject BillingPod()
        {
            var createdAt = WorldCreatedAt.AddDays(3);
            var pod = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Pod",
                ["metadata"] = new JsonObject
                {
                    ["name"] = BillingPodName,
                    ["generateName"] = "billing-worker-6c9f7d8b5-",
                    ["namespace"] = Namespace,
                    ["labels"] = new JsonObject { ["app"] = "billing", ["pod-template-hash"] = "6c9f7d8b5" },
                    ["creationTimestamp"] = KubeTime.Format(createdAt),
                },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "worker",
                        ["image"] = "registry.example/billing-worker:2.3.0",
                        ["env"] = new JsonArray(Env("QUEUE", "invoices")),
                        ["terminationMessagePath"] = "/dev/termination-log",
                        ["terminationMessagePolicy"] = "File",
                        ["imagePullPolicy"] = "IfNotPresent",
                    }),
                    ["restartPolicy"] = "Always",
                    ["nodeName"] = NodeName,
                    ["serviceAccountName"] = "default",
                    ["schedulerName"] = "default-scheduler",
                },
            };
            pod["status"] = PodStatuses.Build(pod, PodCondition.Healthy, createdAt);
            return pod;
        }

        public static JsonObject Secret(string apiKey) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = SecretName,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["app"] = AppLabel },
                ["creationTimestamp"] = KubeTime.Format(WorldCreatedAt),
            },
            ["type"] = "Opaque",
            ["data"] = new JsonObject { [SecretKey] = Base64(apiKey) },
        };

        public static JsonObject RootCaConfigMap(string ns, string authorityPem) => new()
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kube-root-ca.crt",
                ["namespace"] = ns,
                ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
                ["creationTimestamp"] = KubeTime.Format(WorldCreatedAt.AddDays(-30)),
            },
            ["data"] = new JsonObject { ["ca.crt"] = authorityPem },
        };

        public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

        public static string NameOf(JsonObject deployment) => deployment["metadata"]!["name"]!.GetValue<string>();

        public static JsonObject OwnerReference(JsonObject owner) => new()
        {
            ["apiVersion"] = owner["apiVersion"]!.DeepClone(),
            ["kind"] = owner["kind"]!.DeepClone(),
            ["name"] = owner["metadata"]!["name"]!.DeepClone(),
            ["uid"] = owner["metadata"]!["uid"]?.DeepClone() ?? "",
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        };

        static JsonObject Toleration(string key) => new()
        {
            ["key"] = key,
            ["operator"] = "Exists",
            ["effect"] = "NoExecute",
            ["tolerationSeconds"] = 300,
        };
    }
}
