using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// What the API server's registry does to an object on the way in, per kind: system metadata clients cannot
    /// set, status they cannot write through the main resource, metadata.generation bumped when a spec changes
    /// (what starts a rollout), stringData folded into data, and the validation a runbook can trip over
    /// (an immutable selector, a pod spec that cannot change, and what ObjectValidation checks: names, labels,
    /// the size of annotations and data, a Lease's spec, a Role's rules).
    /// </summary>
    internal static class ObjectRules
    {
        const string PodSpecForbidden = "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

        public static void PrepareCreate(ResourceType type, JsonObject item, DateTimeOffset now)
        {
            var metadata = (JsonObject)item["metadata"]!;
            metadata.Remove("resourceVersion");
            metadata.Remove("uid");
            metadata.Remove("deletionTimestamp");
            metadata["creationTimestamp"] = KubeTime.Format(now);
            item["apiVersion"] = type.ApiVersion;
            item["kind"] = type.Kind;
            switch (type.Plural)
            {
                case "secrets":
                    FoldStringData(item);
                    if (item["type"]?.GetValue<string>() is null or "")
                    {
                        // The defaulting every Secret gets: no type is Opaque.
                        item["type"] = "Opaque";
                    }

                    break;
                case "deployments":
                    metadata["generation"] = 1;
                    var spec = item["spec"] as JsonObject ?? throw StatusObjects.Invalid(type, Name(item), "spec.template.spec.containers", "Required value");
                    spec["replicas"] ??= 1;
                    spec["revisionHistoryLimit"] ??= 10;
                    spec["progressDeadlineSeconds"] ??= 600;
                    spec["strategy"] ??= new JsonObject
                    {
                        ["type"] = "RollingUpdate",
                        ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
                    };
                    ValidateSelector(type, item);
                    item["status"] = new JsonObject();
                    break;
                case "replicasets":
                    metadata["generation"] = 1;
                    item["status"] = new JsonObject { ["replicas"] = 0 };
                    break;
                case "pods":
                    var podSpec = item["spec"] as JsonObject ?? throw StatusObjects.Invalid(type, Name(item), "spec.containers", "Required value");
                    podSpec["nodeName"] ??= WorkloadObjects.NodeName;
                    podSpec["restartPolicy"] ??= "Always";
                    item["status"] = PodStatuses.Build(item, PodCondition.Healthy, now);
                    break;
                case "namespaces":
                    item["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                    item["status"] = new JsonObject { ["phase"] = "Active" };
                    break;
                case "cronjobs":
                    item["status"] = new JsonObject();
                    break;
            }

            ThrowIfInvalid(type, item, ObjectValidation.OnCreate(type, item));
        }

        /// <summary>current is what is stored, next what the client wants; next is corrected in place.</summary>
        public static void PrepareUpdate(ResourceType type, JsonObject current, JsonObject next)
        {
            var metadata = next["metadata"] as JsonObject ?? throw StatusObjects.BadRequest("metadata is required");
            var stored = (JsonObject)current["metadata"]!;
            foreach (var field in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "namespace" })
            {
                if (stored[field] is { } value)
                {
                    metadata[field] = value.DeepClone();
                }
                else
                {
                    metadata.Remove(field);
                }
            }

            next["apiVersion"] = type.ApiVersion;
            next["kind"] = type.Kind;
            switch (type.Plural)
            {
                case "deployments":
                case "replicasets":
                    KeepStatus(current, next);
                    if (!JsonNode.DeepEquals(current["spec"]?["selector"], next["spec"]?["selector"]))
                    {
                        throw StatusObjects.Invalid(type, Name(next), "spec.selector", $"Invalid value: {next["spec"]?["selector"]?.ToJsonString()}: field is immutable");
                    }

                    if (type == ResourceTypes.Deployments)
                    {
                        ValidateSelector(type, next);
                    }

                    if (!JsonNode.DeepEquals(current["spec"], next["spec"]))
                    {
                        metadata["generation"] = (stored["generation"]?.GetValue<long>() ?? 1) + 1;
                    }

                    break;
                case "pods":
                    KeepStatus(current, next);
                    if (!JsonNode.DeepEquals(current["spec"], next["spec"]))
                    {
                        throw StatusObjects.Invalid(type, Name(next), "spec", PodSpecForbidden);
                    }

                    break;
                case "namespaces":
                    KeepStatus(current, next);
                    break;
                case "secrets":
                    FoldStringData(next);
                    if (next["type"]?.GetValue<string>() is null or "")
                    {
                        // Defaulted on the way in, as on create: a replacement without a type is Opaque (and then
                        // refused as a change of type if the stored secret is of another type).
                        next["type"] = "Opaque";
                    }

                    if (current["type"]?.GetValue<string>() != next["type"]?.GetValue<string>())
                    {
                        throw StatusObjects.Invalid(type, Name(next), "type", $"Invalid value: \"{next["type"]}\": field is immutable");
                    }

                    RefuseImmutableChange(type, current, next);
                    break;
                case "configmaps":
                    RefuseImmutableChange(type, current, next);
                    break;
                case "cronjobs":
                    KeepStatus(current, next);
                    break;
            }

            ThrowIfInvalid(type, next, ObjectValidation.OnUpdate(type, current, next));
        }

        static void ThrowIfInvalid(ResourceType type, JsonObject item, IReadOnlyList<FieldError> errors)
        {
            if (errors.Count > 0)
            {
                throw StatusObjects.Invalid(type, Name(item), errors);
            }
        }

        static void KeepStatus(JsonObject current, JsonObject next)
        {
            if (current["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }

        static void RefuseImmutableChange(ResourceType type, JsonObject current, JsonObject next)
        {
            if (current["immutable"]?.GetValue<bool>() == true
                && (!JsonNode.DeepEquals(current["data"], next["data"]) || !JsonNode.DeepEquals(current["binaryData"], next["binaryData"])))
            {
                throw StatusObjects.Invalid(type, Name(next), "data", "Forbidden: field is immutable when `immutable` is set");
            }
        }

        static void ValidateSelector(ResourceType type, JsonObject deployment)
        {
            var matchLabels = deployment["spec"]?["selector"]?["matchLabels"] as JsonObject;
            var labels = deployment["spec"]?["template"]?["metadata"]?["labels"] as JsonObject;
            if (matchLabels is null || matchLabels.Count == 0)
            {
                throw StatusObjects.Invalid(type, Name(deployment), "spec.selector", "Required value");
            }

            if (!LabelSelector.FromMatchLabels(matchLabels).Matches(labels))
            {
                throw StatusObjects.Invalid(type, Name(deployment), "spec.template.metadata.labels",
                    $"Invalid value: {labels?.ToJsonString() ?? "{}"}: `selector` does not match template `labels`");
            }
        }

        /// <summary>stringData is write-only: its entries land base64-encoded in data, as the real registry does.</summary>
        static void FoldStringData(JsonObject secret)
        {
            if (secret["stringData"] is not JsonObject stringData)
            {
                secret.Remove("stringData");
                return;
            }

            var data = secret["data"] as JsonObject;
            if (data is null)
            {
                data = new JsonObject();
                secret["data"] = data;
            }

            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
            }

            secret.Remove("stringData");
        }

        static string Name(JsonObject item) => item["metadata"]?["name"]?.GetValue<string>() ?? "";
    }
}
