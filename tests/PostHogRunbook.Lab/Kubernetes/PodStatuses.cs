using System.Globalization;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>What the kubelet would be reporting about a pod of the lab.</summary>
    internal enum PodCondition
    {
        Healthy,
        CrashLooping,   // the main container exits 1 again and again: waiting CrashLoopBackOff
        OomKilled,      // the main container is killed for memory (137) and backs off
        NeverReady,     // running, but its readiness probe never passes (a stuck rollout's new pod)
    }

    /// <summary>
    /// Pod status the way the kubelet writes it, for each PodCondition: the fields kubectl's STATUS and RESTARTS
    /// columns are computed from, and the ones a triage reads (waiting reason, lastState.terminated, restartCount).
    /// </summary>
    internal static class PodStatuses
    {
        public const int CrashLoopRestarts = 7;
        public const int OomRestarts = 4;

        /// <summary>How long each failed run of the main container lasted (its "current" log spans this).</summary>
        public static readonly TimeSpan FailedRunLength = TimeSpan.FromSeconds(40);

        public static JsonObject Build(JsonObject pod, PodCondition condition, DateTimeOffset startedAt)
        {
            var name = pod["metadata"]!["name"]!.GetValue<string>();
            var uid = pod["metadata"]!["uid"]?.GetValue<string>() ?? "";
            var ns = pod["metadata"]!["namespace"]?.GetValue<string>() ?? "";
            var containers = pod["spec"]!["containers"]!.AsArray();
            var mainName = containers[0]!["name"]!.GetValue<string>();
            var statuses = new JsonArray();
            var unready = new List<string>();
            foreach (var container in containers)
            {
                var containerName = container!["name"]!.GetValue<string>();
                var image = container["image"]?.GetValue<string>() ?? "";
                var isMain = containerName == mainName;
                var status = isMain ? MainStatus(condition, name, ns, uid, containerName, startedAt) : Running(startedAt, true);
                var ordered = new JsonObject { ["name"] = containerName };
                foreach (var (key, value) in status)
                {
                    ordered[key] = value?.DeepClone();
                }

                ordered["image"] = image;
                ordered["imageID"] = ImageId(image);
                ordered["containerID"] = "containerd://" + KubeNames.Hex(name + "/" + containerName + "/" + ordered["restartCount"], 64);
                if (ordered["ready"]!.GetValue<bool>() == false)
                {
                    unready.Add(containerName);
                }

                statuses.Add(ordered);
            }

            var ready = unready.Count == 0;
            var since = KubeTime.Format(startedAt);
            var podIp = PodIp(name);
            return new JsonObject
            {
                ["phase"] = "Running",
                ["conditions"] = new JsonArray(
                    Condition("PodReadyToStartContainers", true, since, null),
                    Condition("Initialized", true, since, null),
                    Condition("Ready", ready, since, ready ? null : $"containers with unready status: [{string.Join(" ", unready)}]"),
                    Condition("ContainersReady", ready, since, ready ? null : $"containers with unready status: [{string.Join(" ", unready)}]"),
                    Condition("PodScheduled", true, since, null)),
                ["hostIP"] = "10.0.0.11",
                ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = "10.0.0.11" }),
                ["podIP"] = podIp,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
                ["startTime"] = since,
                ["containerStatuses"] = statuses,
                ["qosClass"] = "Burstable",
            };
        }

        /// <summary>When the main container's last failed run ended (a crash loop's latest log ends here).</summary>
        public static DateTimeOffset LastFailureAt(DateTimeOffset statusWrittenAt) => statusWrittenAt.AddSeconds(-25);

        static JsonObject MainStatus(PodCondition condition, string pod, string ns, string uid, string container, DateTimeOffset startedAt)
        {
            switch (condition)
            {
                case PodCondition.CrashLooping:
                case PodCondition.OomKilled:
                    var oom = condition == PodCondition.OomKilled;
                    var finished = LastFailureAt(DateTimeOffset.UtcNow);
                    var started = finished - FailedRunLength;
                    var restarts = oom ? OomRestarts : CrashLoopRestarts;
                    return new JsonObject
                    {
                        ["state"] = new JsonObject
                        {
                            ["waiting"] = new JsonObject
                            {
                                ["reason"] = "CrashLoopBackOff",
                                ["message"] = $"back-off {(oom ? "2m40s" : "5m0s")} restarting failed container={container} pod={pod}_{ns}({uid})",
                            },
                        },
                        ["lastState"] = new JsonObject
                        {
                            ["terminated"] = new JsonObject
                            {
                                ["exitCode"] = oom ? 137 : 1,
                                ["reason"] = oom ? "OOMKilled" : "Error",
                                ["startedAt"] = KubeTime.Format(started),
                                ["finishedAt"] = KubeTime.Format(finished),
                                ["containerID"] = "containerd://" + KubeNames.Hex(pod + "/" + container + "/previous", 64),
                            },
                        },
                        ["ready"] = false,
                        ["restartCount"] = restarts,
                        ["started"] = false,
                    };
                case PodCondition.NeverReady:
                    return Running(startedAt, false);
                default:
                    return Running(startedAt, true);
            }
        }

        static JsonObject Running(DateTimeOffset startedAt, bool ready) => new()
        {
            ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = KubeTime.Format(startedAt) } },
            ["lastState"] = new JsonObject(),
            ["ready"] = ready,
            ["restartCount"] = 0,
            ["started"] = true,
        };

        static JsonObject Condition(string type, bool status, string since, string? message)
        {
            var condition = new JsonObject
            {
                ["type"] = type,
                ["status"] = status ? "True" : "False",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = since,
            };
            if (message is not null)
            {
                condition["reason"] = "ContainersNotReady";
                condition["message"] = message;
            }

            return condition;
        }

        static string ImageId(string image)
        {
            var repository = image.Contains(':') ? image[..image.LastIndexOf(':')] : image;
            return repository + "@sha256:" + KubeNames.Hex(image, 64);
        }

        static string PodIp(string name)
        {
            var hash = KubeNames.StableHash64(name);
            return string.Create(CultureInfo.InvariantCulture, $"10.244.{1 + (hash % 3)}.{2 + ((hash >> 8) % 250)}");
        }

        /// <summary>True when the pod's Ready condition is True (what readyReplicas and availableReplicas count).</summary>
        public static bool IsReady(JsonObject pod) =>
            pod["status"]?["conditions"] is JsonArray conditions
            && conditions.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");

        /// <summary>The restart count of a container (0 when unknown).</summary>
        public static int RestartCount(JsonObject pod, string container) =>
            (pod["status"]?["containerStatuses"] as JsonArray)?
                .FirstOrDefault(s => s?["name"]?.GetValue<string>() == container)?["restartCount"]?.GetValue<int>() ?? 0;
    }
}
