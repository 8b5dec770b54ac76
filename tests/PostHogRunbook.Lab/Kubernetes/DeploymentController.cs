using System.Globalization;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The deployment and ReplicaSet controllers, and the kubelet's view of pods, folded into one reconcile loop
    /// that ticks every 300 ms. A template change (set env, rollout restart) makes a new ReplicaSet; each tick
    /// surges a batch of new pods and retires old ones, and status (observedGeneration, updatedReplicas,
    /// readyReplicas, availableReplicas, the Available and Progressing conditions) follows, so `kubectl rollout
    /// status` watches a rollout happen. When the scenario says rollouts are stuck, the new ReplicaSet's one surge
    /// pod never becomes ready, old pods stay, and after progressDeadlineSeconds the Progressing condition turns
    /// to ProgressDeadlineExceeded.
    /// </summary>
    internal sealed class DeploymentController
    {
        public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(300);

        static readonly TimeSpan EventTimeToLive = TimeSpan.FromHours(1);
        static readonly TimeSpan EventSweepInterval = TimeSpan.FromMinutes(1);

        const string TemplateHashLabel = "pod-template-hash";
        static readonly string[] InFlightReasons = { "NewReplicaSetCreated", "FoundNewReplicaSet", "ReplicaSetUpdated" };

        readonly ObjectStore store;
        readonly Func<LabScenario> currentScenario;
        readonly Lock gate = new();

        // ReplicaSets whose pods behave as the scenario says (the one running when the scenario began);
        // pods of ReplicaSets made by later rollouts are fresh: healthy, or never ready when rollouts are stuck.
        readonly HashSet<string> governedReplicaSets = new();

        // The condition each pod's status was last written for: a status is rewritten only when that changes.
        readonly Dictionary<string, PodCondition> writtenConditions = new();
        int podCounter;

        // A world at rest: the last reconcile wrote nothing and left no rollout in flight, at this store revision
        // and scenario. Until one of them changes, a tick would compute the same and write nothing: it is skipped,
        // so an idle lab costs next to no CPU (a run starts a couple of dozen of them on two cores).
        long restingAt = -1;
        LabScenario? restingScenario;
        bool anyInFlight;

        public DeploymentController(ObjectStore store, Func<LabScenario> currentScenario)
        {
            this.store = store;
            this.currentScenario = currentScenario;
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(Tick);
            var nextSweep = DateTimeOffset.UtcNow + EventSweepInterval;
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken))
                {
                    try
                    {
                        ReconcileUnlessAtRest();
                        if (DateTimeOffset.UtcNow >= nextSweep)
                        {
                            nextSweep = DateTimeOffset.UtcNow + EventSweepInterval;
                            ExpireEvents(DateTimeOffset.UtcNow);
                        }
                    }
                    catch (KubernetesStatusException)
                    {
                        // A client changed or deleted an object mid-reconcile; the next tick sees the new state.
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The server is stopping.
            }
        }

        public void Govern(string ns, string replicaSetName)
        {
            lock (gate)
            {
                governedReplicaSets.Add(ns + "/" + replicaSetName);
                restingAt = -1;
            }
        }

        /// <summary>A new scenario governs the pods that run now: each deployment's newest ReplicaSet.</summary>
        public void GovernCurrentReplicaSets()
        {
            lock (gate)
            {
                foreach (var deployment in store.List(ResourceTypes.Deployments, null).Items)
                {
                    var hash = KubeNames.TemplateHash(deployment["spec"]?["template"]);
                    var ns = Namespace(deployment);
                    governedReplicaSets.Add(ns + "/" + Name(deployment) + "-" + hash);
                }

                writtenConditions.Clear();
                restingAt = -1;
            }
        }

        public void ReconcileAll()
        {
            lock (gate)
            {
                ReconcileAllHeld();
            }
        }

        /// <summary>The loop's tick: a reconcile, unless nothing has changed since one that found the world at rest.</summary>
        void ReconcileUnlessAtRest()
        {
            lock (gate)
            {
                if (restingAt >= 0 && store.Revision == restingAt && ReferenceEquals(currentScenario(), restingScenario))
                {
                    return;
                }

                ReconcileAllHeld();
            }
        }

        /// <summary>Every deployment, with the gate held.</summary>
        void ReconcileAllHeld()
        {
            var scenario = currentScenario();
            var before = store.Revision;
            anyInFlight = false;
            var now = DateTimeOffset.UtcNow;
            foreach (var deployment in store.List(ResourceTypes.Deployments, null).Items)
            {
                Reconcile(deployment, now);
            }

            // Any write, ours or a client's meanwhile, moves the revision: then the next tick looks again.
            var after = store.Revision;
            restingAt = after == before && !anyInFlight ? after : -1;
            restingScenario = scenario;
        }

        void Reconcile(JsonObject deployment, DateTimeOffset now)
        {
            var ns = Namespace(deployment);
            var name = Name(deployment);
            var uid = Uid(deployment);
            var spec = deployment["spec"]!.AsObject();
            var replicas = spec["replicas"]?.GetValue<int>() ?? 1;
            var generation = deployment["metadata"]!["generation"]?.GetValue<long>() ?? 1;
            var hash = KubeNames.TemplateHash(spec["template"]);
            var scenario = currentScenario();

            var owned = store.List(ResourceTypes.ReplicaSets, ns).Items.Where(rs => IsOwnedBy(rs, uid)).ToList();
            var maxRevision = owned.Count == 0 ? 0 : owned.Max(Revision);
            var newReplicaSet = owned.FirstOrDefault(rs => rs["metadata"]?["labels"]?[TemplateHashLabel]?.GetValue<string>() == hash);
            string? progressReason = null;
            if (newReplicaSet is null)
            {
                newReplicaSet = store.Create(ResourceTypes.ReplicaSets, WorkloadObjects.ReplicaSet(deployment, hash, maxRevision + 1, now));
                owned.Add(newReplicaSet);
                progressReason = "NewReplicaSetCreated";
            }
            else if (Revision(newReplicaSet) < maxRevision)
            {
                // Back to an older template (a rollback): its ReplicaSet becomes the newest revision again.
                newReplicaSet = store.Update(ResourceTypes.ReplicaSets, ns, Name(newReplicaSet), rs =>
                {
                    rs["metadata"]!["annotations"]![WorkloadObjects.RevisionAnnotation] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture);
                    return rs;
                });
                progressReason = "FoundNewReplicaSet";
            }

            var newName = Name(newReplicaSet);
            var newUid = Uid(newReplicaSet);
            var stuck = scenario.Kubernetes.RolloutStuck && !governedReplicaSets.Contains(ns + "/" + newName);
            var surge = Math.Max(1, (int)Math.Ceiling(replicas * 0.25));
            var wantNew = stuck ? Math.Min(replicas, surge) : replicas;

            var ownedUids = owned.Select(Uid).ToHashSet();
            var pods = store.List(ResourceTypes.Pods, ns).Items.Where(p => ownedUids.Contains(OwnerUid(p))).ToList();
            var newPods = pods.Where(p => OwnerUid(p) == newUid).OrderBy(Name, StringComparer.Ordinal).ToList();
            var oldPods = pods.Where(p => OwnerUid(p) != newUid).OrderBy(p => p["metadata"]!["creationTimestamp"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
            var progressed = false;

            // Retire old pods down to the desired total; while stuck nothing new is available, so none may go.
            if (!stuck)
            {
                var retire = Math.Min(surge, Math.Min(oldPods.Count, newPods.Count + oldPods.Count - replicas));
                foreach (var owner in oldPods.Take(retire).GroupBy(OwnerUid).ToList())
                {
                    var replicaSet = owned.First(rs => Uid(rs) == owner.Key);
                    var before = oldPods.Count(p => OwnerUid(p) == owner.Key);
                    foreach (var pod in owner)
                    {
                        DeletePod(pod, now);
                        oldPods.Remove(pod);
                    }

                    RecordScaling(deployment, Name(replicaSet), "down", before, before - owner.Count(), now);
                    progressed = true;
                }
            }

            while (newPods.Count > wantNew)
            {
                DeletePod(newPods[^1], now);
                newPods.RemoveAt(newPods.Count - 1);
                progressed = true;
            }

            var room = replicas + surge - (newPods.Count + oldPods.Count);
            var create = Math.Min(surge, Math.Min(wantNew - newPods.Count, Math.Max(0, room)));
            if (create > 0)
            {
                var from = newPods.Count;
                for (var i = 0; i < create; i++)
                {
                    newPods.Add(CreatePod(newReplicaSet, now));
                }

                RecordScaling(deployment, newName, "up", from, newPods.Count, now);
                progressed = true;
            }

            // The kubelet's part: each pod's status follows what its ReplicaSet's pods should be doing.
            var readyBefore = deployment["status"]?["readyReplicas"]?.GetValue<int>() ?? 0;
            var allPods = new List<JsonObject>();
            foreach (var group in oldPods.Concat(newPods).GroupBy(OwnerUid))
            {
                var members = group.OrderBy(Name, StringComparer.Ordinal).ToList();
                var rsName = owned.First(rs => Uid(rs) == group.Key);
                for (var i = 0; i < members.Count; i++)
                {
                    var wanted = DesiredCondition(scenario, ns, Name(rsName), newName, i, members.Count);
                    allPods.Add(WriteCondition(members[i], wanted, now));
                }
            }

            var ready = allPods.Count(PodStatuses.IsReady);
            var updatedReady = allPods.Count(p => OwnerUid(p) == newUid && PodStatuses.IsReady(p));
            progressed |= ready > readyBefore;

            foreach (var replicaSet in owned)
            {
                var rsUid = Uid(replicaSet);
                var members = allPods.Where(p => OwnerUid(p) == rsUid).ToList();
                var desired = rsUid == newUid ? wantNew : members.Count;
                UpdateReplicaSet(replicaSet, desired, members);
            }

            PruneHistory(deployment, owned, newUid, allPods);

            var total = allPods.Count;
            var updated = newPods.Count;
            var maxUnavailable = (int)Math.Floor(replicas * 0.25);
            var complete = updated == replicas && total == replicas && updatedReady == replicas;
            var status = new JsonObject
            {
                ["observedGeneration"] = generation,
                ["replicas"] = total,
                ["updatedReplicas"] = updated,
            };
            SetIfPositive(status, "readyReplicas", ready);
            SetIfPositive(status, "availableReplicas", ready);
            SetIfPositive(status, "unavailableReplicas", Math.Max(total, replicas) - ready);
            var previous = deployment["status"]?["conditions"] as JsonArray;
            var progressing = ProgressingCondition(previous, deployment, newName, complete, progressReason, progressed, now);
            // A rollout in flight changes with time alone (its progress deadline): the world is not at rest.
            anyInFlight |= progressing["reason"]?.GetValue<string>() is { } reason && InFlightReasons.Contains(reason);
            status["conditions"] = new JsonArray(
                AvailableCondition(previous, ready >= replicas - maxUnavailable, now),
                progressing);
            if (total == 0)
            {
                status.Remove("replicas");
                status.Remove("updatedReplicas");
            }

            store.Update(ResourceTypes.Deployments, ns, name, current =>
            {
                var annotations = current["metadata"]!["annotations"] as JsonObject;
                if (annotations is null)
                {
                    annotations = new JsonObject();
                    current["metadata"]!["annotations"] = annotations;
                }

                annotations[WorkloadObjects.RevisionAnnotation] = Revision(newReplicaSet).ToString(CultureInfo.InvariantCulture);
                current["status"] = status.DeepClone();
                return current;
            });
        }

        /// <summary>Old ReplicaSets scaled to zero beyond spec.revisionHistoryLimit go, oldest revision first.</summary>
        void PruneHistory(JsonObject deployment, List<JsonObject> owned, string newUid, List<JsonObject> pods)
        {
            var limit = deployment["spec"]?["revisionHistoryLimit"]?.GetValue<int>() ?? 10;
            var retired = owned
                .Where(rs => Uid(rs) != newUid && !pods.Any(p => OwnerUid(p) == Uid(rs)))
                .OrderByDescending(Revision)
                .Skip(limit);
            foreach (var replicaSet in retired)
            {
                store.Delete(ResourceTypes.ReplicaSets, Namespace(replicaSet), Name(replicaSet));
            }
        }

        /// <summary>Events live an hour, as the API server's default event TTL has it.</summary>
        public void ExpireEvents(DateTimeOffset now)
        {
            foreach (var item in store.List(ResourceTypes.Events, null).Items)
            {
                var last = item["lastTimestamp"]?.GetValue<string>() ?? item["metadata"]?["creationTimestamp"]?.GetValue<string>();
                if (KubeTime.TryParse(last, out var at) && now - at > EventTimeToLive)
                {
                    store.Delete(ResourceTypes.Events, Namespace(item), Name(item));
                }
            }
        }

        PodCondition DesiredCondition(LabScenario scenario, string ns, string replicaSet, string newReplicaSet, int index, int count)
        {
            if (governedReplicaSets.Contains(ns + "/" + replicaSet))
            {
                var behaviour = scenario.Kubernetes;
                var healthy = behaviour.Pods == PodBehaviour.Running ? count : Math.Min(behaviour.AvailableReplicas, count);
                if (index < healthy)
                {
                    return PodCondition.Healthy;
                }

                return behaviour.Pods == PodBehaviour.OOMKilled ? PodCondition.OomKilled : PodCondition.CrashLooping;
            }

            return scenario.Kubernetes.RolloutStuck && replicaSet == newReplicaSet ? PodCondition.NeverReady : PodCondition.Healthy;
        }

        JsonObject WriteCondition(JsonObject pod, PodCondition wanted, DateTimeOffset now)
        {
            var key = Namespace(pod) + "/" + Name(pod);
            if (writtenConditions.TryGetValue(key, out var written) && written == wanted)
            {
                return pod;
            }

            writtenConditions[key] = wanted;
            var createdAt = KubeTime.TryParse(pod["metadata"]!["creationTimestamp"]?.GetValue<string>(), out var created) ? created : now;
            var updated = store.Update(ResourceTypes.Pods, Namespace(pod), Name(pod), current =>
            {
                current["status"] = PodStatuses.Build(current, wanted, createdAt.AddSeconds(3));
                return current;
            });
            if (wanted == PodCondition.NeverReady)
            {
                store.Create(ResourceTypes.Events, EventObjects.Create(updated, "Warning", "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 503", "kubelet", now, now, 1, ContainerField(updated)));
            }

            return updated;
        }

        JsonObject CreatePod(JsonObject replicaSet, DateTimeOffset now)
        {
            var rsName = Name(replicaSet);
            var ns = Namespace(replicaSet);
            string name;
            do
            {
                name = rsName + "-" + KubeNames.Suffix(rsName + "/" + podCounter++, 5);
            }
            while (store.Exists(ResourceTypes.Pods, ns, name));

            var pod = store.Create(ResourceTypes.Pods, WorkloadObjects.Pod(replicaSet, name, now));
            var image = pod["spec"]!["containers"]![0]!["image"]!.GetValue<string>();
            var main = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>();
            var field = ContainerField(pod);
            store.Create(ResourceTypes.Events, EventObjects.Create(pod, "Normal", "Scheduled", $"Successfully assigned {ns}/{name} to {WorkloadObjects.NodeName}", "default-scheduler", now, now, 1));
            store.Create(ResourceTypes.Events, EventObjects.Create(pod, "Normal", "Pulled", $"Container image \"{image}\" already present on machine", "kubelet", now, now, 1, field));
            store.Create(ResourceTypes.Events, EventObjects.Create(pod, "Normal", "Created", $"Created container: {main}", "kubelet", now, now, 1, field));
            store.Create(ResourceTypes.Events, EventObjects.Create(pod, "Normal", "Started", $"Started container {main}", "kubelet", now, now, 1, field));
            return pod;
        }

        void DeletePod(JsonObject pod, DateTimeOffset now)
        {
            ResourceEndpoints.MarkTerminating(store, Namespace(pod), Name(pod));
            store.Delete(ResourceTypes.Pods, Namespace(pod), Name(pod));
            writtenConditions.Remove(Namespace(pod) + "/" + Name(pod));
            var main = pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>();
            store.Create(ResourceTypes.Events, EventObjects.Create(pod, "Normal", "Killing", $"Stopping container {main}", "kubelet", now, now, 1, ContainerField(pod)));
        }

        void RecordScaling(JsonObject deployment, string replicaSet, string direction, int from, int to, DateTimeOffset now)
        {
            var current = store.Get(ResourceTypes.Deployments, Namespace(deployment), Name(deployment)) ?? deployment;
            store.Create(ResourceTypes.Events, EventObjects.Create(current, "Normal", "ScalingReplicaSet",
                $"Scaled {direction} replica set {replicaSet} from {from} to {to}", "deployment-controller", now, now, 1));
        }

        void UpdateReplicaSet(JsonObject replicaSet, int desired, List<JsonObject> members)
        {
            var ready = members.Count(PodStatuses.IsReady);
            var before = replicaSet["spec"]?["replicas"]?.GetValue<int>() ?? 0;
            store.Update(ResourceTypes.ReplicaSets, Namespace(replicaSet), Name(replicaSet), current =>
            {
                current["spec"]!["replicas"] = desired;
                if (before != desired)
                {
                    current["metadata"]!["generation"] = (current["metadata"]!["generation"]?.GetValue<long>() ?? 1) + 1;
                }

                var status = new JsonObject
                {
                    ["replicas"] = members.Count,
                    ["fullyLabeledReplicas"] = members.Count,
                };
                SetIfPositive(status, "readyReplicas", ready);
                SetIfPositive(status, "availableReplicas", ready);
                status["observedGeneration"] = current["metadata"]!["generation"]?.GetValue<long>() ?? 1;
                if (members.Count == 0)
                {
                    status.Remove("fullyLabeledReplicas");
                }

                current["status"] = status;
                return current;
            });
        }

        static JsonObject AvailableCondition(JsonArray? previous, bool available, DateTimeOffset now)
        {
            var (reason, message) = available
                ? ("MinimumReplicasAvailable", "Deployment has minimum availability.")
                : ("MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
            return Condition(previous, "Available", available, reason, message, now, touch: false);
        }

        static JsonObject ProgressingCondition(JsonArray? previous, JsonObject deployment, string newReplicaSet, bool complete, string? progressReason, bool progressed, DateTimeOffset now)
        {
            var last = Find(previous, "Progressing");
            var lastReason = last?["reason"]?.GetValue<string>();
            if (complete)
            {
                return Condition(previous, "Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{newReplicaSet}\" has successfully progressed.", now, touch: lastReason != "NewReplicaSetAvailable");
            }

            if (progressReason is not null)
            {
                var message = progressReason == "NewReplicaSetCreated" ? $"Created new replica set \"{newReplicaSet}\"" : $"Found new replica set \"{newReplicaSet}\"";
                return Condition(previous, "Progressing", true, progressReason, message, now, touch: true);
            }

            if (progressed)
            {
                return Condition(previous, "Progressing", true, "ReplicaSetUpdated", $"ReplicaSet \"{newReplicaSet}\" is progressing.", now, touch: true);
            }

            if (last is not null && lastReason is not null && InFlightReasons.Contains(lastReason)
                && KubeTime.TryParse(last["lastUpdateTime"]?.GetValue<string>(), out var lastProgress))
            {
                var deadline = deployment["spec"]?["progressDeadlineSeconds"]?.GetValue<int>() ?? 600;
                if (now - lastProgress > TimeSpan.FromSeconds(deadline))
                {
                    return Condition(previous, "Progressing", false, "ProgressDeadlineExceeded", $"ReplicaSet \"{newReplicaSet}\" has timed out progressing.", now, touch: true);
                }
            }

            return last is null
                ? Condition(previous, "Progressing", true, "NewReplicaSetAvailable", $"ReplicaSet \"{newReplicaSet}\" has successfully progressed.", now, touch: true)
                : (JsonObject)last.DeepClone();
        }

        static JsonObject Condition(JsonArray? previous, string type, bool status, string reason, string message, DateTimeOffset now, bool touch)
        {
            var last = Find(previous, type);
            var statusText = status ? "True" : "False";
            var sameStatus = last?["status"]?.GetValue<string>() == statusText;
            var unchanged = sameStatus && last?["reason"]?.GetValue<string>() == reason && last?["message"]?.GetValue<string>() == message;
            var stamp = KubeTime.Format(now);
            return new JsonObject
            {
                ["type"] = type,
                ["status"] = statusText,
                ["lastUpdateTime"] = unchanged && !touch ? last!["lastUpdateTime"]!.DeepClone() : stamp,
                ["lastTransitionTime"] = sameStatus ? last!["lastTransitionTime"]!.DeepClone() : stamp,
                ["reason"] = reason,
                ["message"] = message,
            };
        }

        static JsonObject? Find(JsonArray? conditions, string type) =>
            conditions?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

        static void SetIfPositive(JsonObject status, string field, int value)
        {
            // Go's omitempty: a zero count is left out, as the real server does.
            if (value > 0)
            {
                status[field] = value;
            }
        }

        static string ContainerField(JsonObject pod) =>
            "spec.containers{" + pod["spec"]!["containers"]![0]!["name"]!.GetValue<string>() + "}";

        static int Revision(JsonObject replicaSet) =>
            int.TryParse(replicaSet["metadata"]?["annotations"]?[WorkloadObjects.RevisionAnnotation]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

        static bool IsOwnedBy(JsonObject item, string ownerUid) => OwnerUid(item) == ownerUid;

        static string OwnerUid(JsonObject item) =>
            (item["metadata"]?["ownerReferences"] as JsonArray)?
                .FirstOrDefault(r => r?["controller"]?.GetValue<bool>() == true)?["uid"]?.GetValue<string>() ?? "";

        static string Name(JsonObject item) => item["metadata"]!["name"]!.GetValue<string>();

        static string Namespace(JsonObject item) => item["metadata"]!["namespace"]?.GetValue<string>() ?? "";

        static string Uid(JsonObject item) => item["metadata"]!["uid"]?.GetValue<string>() ?? "";
    }
}
