using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// A parsed fieldSelector. Like the real server, only the fields each resource indexes are accepted:
    /// anything else is a 400, so a tool that relies on an unsupported field finds out here, not in production.
    /// </summary>
    internal sealed class FieldSelector
    {
        sealed record Requirement(string Field, bool Equal, string Value);

        static readonly string[] CommonFields = { "metadata.name", "metadata.namespace" };

        static readonly Dictionary<string, string[]> FieldsByResource = new()
        {
            ["pods"] = new[] { "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName" },
            ["events"] = new[] { "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type" },
            ["secrets"] = new[] { "type" },
            ["replicasets"] = new[] { "status.replicas" },
            ["namespaces"] = new[] { "status.phase" },
        };

        readonly List<Requirement> requirements;

        FieldSelector(List<Requirement> requirements) => this.requirements = requirements;

        public static FieldSelector Parse(string? text, ResourceType type)
        {
            var parsed = new List<Requirement>();
            if (string.IsNullOrWhiteSpace(text))
            {
                return new FieldSelector(parsed);
            }

            FieldsByResource.TryGetValue(type.Plural, out var specific);
            foreach (var raw in text.Split(','))
            {
                var part = raw.Trim();
                var notEquals = part.IndexOf("!=", StringComparison.Ordinal);
                var equals = part.IndexOf('=');
                if (notEquals < 0 && equals < 0)
                {
                    throw StatusObjects.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
                }

                var field = notEquals >= 0 ? part[..notEquals] : part[..equals];
                var value = notEquals >= 0 ? part[(notEquals + 2)..]
                    : part[(equals + 1)..].StartsWith('=') ? part[(equals + 2)..] : part[(equals + 1)..];
                field = field.Trim();
                if (!CommonFields.Contains(field) && (specific is null || !specific.Contains(field)))
                {
                    throw StatusObjects.BadRequest($"field label not supported: {field}");
                }

                parsed.Add(new Requirement(field, notEquals < 0, value.Trim()));
            }

            return new FieldSelector(parsed);
        }

        public bool Matches(JsonObject item)
        {
            foreach (var requirement in requirements)
            {
                var actual = Read(item, requirement.Field);
                if ((actual == requirement.Value) != requirement.Equal)
                {
                    return false;
                }
            }

            return true;
        }

        static string Read(JsonObject item, string field)
        {
            // "source" on an event selects on source.component, as the real index does.
            var path = field == "source" ? "source.component" : field;
            JsonNode? node = item;
            foreach (var segment in path.Split('.'))
            {
                node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child : null;
            }

            return node switch
            {
                null => "",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                _ => node.ToJsonString(),
            };
        }
    }
}
