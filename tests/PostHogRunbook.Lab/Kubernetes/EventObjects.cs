using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>core/v1 Events as the kubelet and the controllers record them.</summary>
    internal static class EventObjects
    {
        public static JsonObject Create(
            JsonObject involved,
            string type,
            string reason,
            string message,
            string component,
            DateTimeOffset first,
            DateTimeOffset last,
            int count,
            string? fieldPath = null)
        {
            var metadata = involved["metadata"]!;
            var involvedName = metadata["name"]!.GetValue<string>();
            var ns = metadata["namespace"]?.GetValue<string>() ?? "default";
            var reference = new JsonObject
            {
                ["kind"] = involved["kind"]!.DeepClone(),
                ["namespace"] = ns,
                ["name"] = involvedName,
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["apiVersion"] = involved["apiVersion"]!.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
            };
            if (fieldPath is not null)
            {
                reference["fieldPath"] = fieldPath;
            }

            var source = new JsonObject { ["component"] = component };
            if (component == "kubelet")
            {
                source["host"] = WorkloadObjects.NodeName;
            }

            return new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Event",
                ["metadata"] = new JsonObject
                {
                    ["name"] = involvedName + "." + KubeNames.Hex(involvedName + reason + message + first.Ticks, 16),
                    ["namespace"] = ns,
                    ["creationTimestamp"] = KubeTime.Format(first),
                },
                ["involvedObject"] = reference,
                ["reason"] = reason,
                ["message"] = message,
                ["source"] = source,
                ["firstTimestamp"] = KubeTime.Format(first),
                ["lastTimestamp"] = KubeTime.Format(last),
                ["count"] = count,
                ["type"] = type,
                ["eventTime"] = null,
                ["reportingComponent"] = component,
                ["reportingInstance"] = component == "kubelet" ? WorkloadObjects.NodeName : "",
            };
        }
    }
}
