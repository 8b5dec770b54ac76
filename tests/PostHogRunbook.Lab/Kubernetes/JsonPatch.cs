using System.Globalization;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>application/json-patch+json (RFC 6902): add, remove, replace, move, copy, test on JSON pointers.</summary>
    internal static class JsonPatch
    {
        public static JsonObject Apply(JsonObject original, JsonArray operations)
        {
            JsonNode root = original.DeepClone();
            foreach (var operationNode in operations)
            {
                if (operationNode is not JsonObject operation)
                {
                    throw StatusObjects.UnprocessablePatch("json patch operation is not an object");
                }

                var op = operation["op"]?.GetValue<string>() ?? "";
                var path = operation["path"]?.GetValue<string>()
                    ?? throw StatusObjects.UnprocessablePatch($"operation {op} is missing path");
                switch (op)
                {
                    case "add":
                        Add(root, path, operation["value"]?.DeepClone());
                        break;
                    case "remove":
                        Remove(root, path);
                        break;
                    case "replace":
                        Remove(root, path);
                        Add(root, path, operation["value"]?.DeepClone());
                        break;
                    case "move":
                        var moved = Get(root, From(operation));
                        Remove(root, From(operation));
                        Add(root, path, moved);
                        break;
                    case "copy":
                        Add(root, path, Get(root, From(operation))?.DeepClone());
                        break;
                    case "test":
                        if (!JsonNode.DeepEquals(Get(root, path), operation["value"]))
                        {
                            throw StatusObjects.UnprocessablePatch($"testing value {path} failed: test failed");
                        }

                        break;
                    default:
                        throw StatusObjects.UnprocessablePatch($"Unexpected kind: {op}");
                }
            }

            return root as JsonObject ?? throw StatusObjects.UnprocessablePatch("json patch replaced the whole object with a non-object");
        }

        static string From(JsonObject operation) =>
            operation["from"]?.GetValue<string>() ?? throw StatusObjects.UnprocessablePatch("operation is missing from");

        static List<string> Tokens(string pointer)
        {
            if (pointer.Length == 0)
            {
                return new List<string>();
            }

            if (pointer[0] != '/')
            {
                throw StatusObjects.UnprocessablePatch($"invalid JSON pointer: {pointer}");
            }

            return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
        }

        static JsonNode? Get(JsonNode root, string pointer)
        {
            JsonNode? node = root;
            foreach (var token in Tokens(pointer))
            {
                node = node switch
                {
                    JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                    JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                    _ => throw Missing(pointer),
                };
            }

            return node;
        }

        static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
        {
            var tokens = Tokens(pointer);
            if (tokens.Count == 0)
            {
                throw StatusObjects.UnprocessablePatch("the whole document cannot be patched");
            }

            var parentPointer = pointer[..pointer.LastIndexOf('/')];
            var parent = Get(root, parentPointer) ?? throw Missing(pointer);
            return (parent, tokens[^1]);
        }

        static void Add(JsonNode root, string pointer, JsonNode? value)
        {
            var (parent, last) = Parent(root, pointer);
            switch (parent)
            {
                case JsonObject o:
                    o[last] = value;
                    break;
                case JsonArray a when last == "-":
                    a.Add(value);
                    break;
                case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                    a.Insert(i, value);
                    break;
                default:
                    throw Missing(pointer);
            }
        }

        static void Remove(JsonNode root, string pointer)
        {
            var (parent, last) = Parent(root, pointer);
            switch (parent)
            {
                case JsonObject o when o.ContainsKey(last):
                    o.Remove(last);
                    break;
                case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                    a.RemoveAt(i);
                    break;
                default:
                    throw Missing(pointer);
            }
        }

        static KubernetesStatusException Missing(string pointer) =>
            StatusObjects.UnprocessablePatch($"doc is missing path: \"{pointer}\": missing value");
    }
}
