using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// Roles and ClusterRoles out of what a test hands the lab: YAML (one or several documents, as kubectl apply
    /// takes them, read strictly by KubernetesClient's KubernetesYaml so a misspelt field is an error, not a
    /// silently wider Role) or JSON (one object or an array). RoleList and ClusterRoleList are expanded; other
    /// kinds (a RoleBinding, a ServiceAccount in the same file) are skipped. Each Role is validated as the API
    /// server validates one, and becomes a BoundRole: a Role without a namespace is in the lab's default namespace.
    /// Text without any Role gives an empty list: whoever asked decides whether that is an error.
    /// </summary>
    internal static class RoleDocuments
    {
        public static IReadOnlyList<BoundRole> Parse(string text, string origin, string defaultNamespace)
        {
            var roles = new List<BoundRole>();
            foreach (var document in Documents(text, origin))
            {
                foreach (var role in Expand(document))
                {
                    roles.Add(Bind(role, origin, defaultNamespace));
                }
            }

            return roles;
        }

        static JsonObject[] Documents(string text, string origin)
        {
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
            {
                JsonNode? parsed;
                try
                {
                    parsed = JsonNode.Parse(trimmed);
                }
                catch (JsonException e)
                {
                    throw new FormatException($"{origin} is not valid JSON: {e.Message}", e);
                }

                return parsed switch
                {
                    JsonObject single => new[] { single },
                    JsonArray many => many.OfType<JsonObject>().ToArray(),
                    _ => Array.Empty<JsonObject>(),
                };
            }

            List<object> objects;
            try
            {
                objects = KubernetesYaml.LoadAllFromString(text, strict: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // YamlDotNet's syntax errors, an unknown field (strict), an apiVersion/kind no model knows.
                throw new FormatException($"{origin} is not Kubernetes YAML that KubernetesClient reads: {e.Message}", e);
            }

            return objects.Where(o => o is not null).Select(o => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(o))!).ToArray();
        }

        static IEnumerable<JsonObject> Expand(JsonObject document)
        {
            var apiVersion = document["apiVersion"]?.GetValue<string>();
            var kind = document["kind"]?.GetValue<string>();
            if (apiVersion != ResourceTypes.Roles.ApiVersion)
            {
                yield break;
            }

            switch (kind)
            {
                case "Role" or "ClusterRole":
                    yield return document;
                    break;
                case "RoleList" or "ClusterRoleList":
                    foreach (var item in (document["items"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                    {
                        item["kind"] ??= kind[..^"List".Length];
                        yield return item;
                    }

                    break;
            }
        }

        static BoundRole Bind(JsonObject role, string origin, string defaultNamespace)
        {
            var kind = role["kind"]!.GetValue<string>();
            var name = role["metadata"]?["name"]?.GetValue<string>() ?? "";
            var namespaced = kind == "Role";
            var errors = new List<FieldError>();
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
            }

            errors.AddRange(ObjectValidation.RoleRuleErrors(role["rules"] as JsonArray, namespaced));
            if (errors.Count > 0)
            {
                var listed = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
                throw new FormatException($"{origin}: {kind}.rbac.authorization.k8s.io \"{name}\" is invalid: {listed}");
            }

            var ns = namespaced ? role["metadata"]?["namespace"]?.GetValue<string>() ?? defaultNamespace : null;
            var rules = (role["rules"] as JsonArray ?? new JsonArray())
                .Where(r => r?["nonResourceURLs"] is not JsonArray { Count: > 0 })
                .Select(PolicyRule.FromJson)
                .ToArray();
            return new BoundRole(kind, name, ns, rules);
        }
    }
}
