using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// One rule of a Role, matched as the RBAC authorizer matches it: a verb, an API group and a resource each
    /// equal to one of the rule's or "*"; "pods" does not cover "pods/log" (a subresource is its own resource),
    /// "*" covers everything and "*/log" every log; resourceNames, when given, must contain the request's name,
    /// so a rule with resourceNames never allows a request without one (a create, a plain list or watch).
    /// </summary>
    internal sealed record PolicyRule(
        IReadOnlyList<string> ApiGroups,
        IReadOnlyList<string> Resources,
        IReadOnlyList<string> Verbs,
        IReadOnlyList<string> ResourceNames)
    {
        const string All = "*";

        public bool Allows(RequestAttributes request) =>
            Verbs.Any(v => v == All || v == request.Verb)
            && ApiGroups.Any(g => g == All || g == request.ApiGroup)
            && ResourceMatches(request)
            && (ResourceNames.Count == 0 || ResourceNames.Contains(request.Name));

        bool ResourceMatches(RequestAttributes request)
        {
            var combined = request.CombinedResource;
            foreach (var resource in Resources)
            {
                if (resource == All || resource == combined)
                {
                    return true;
                }

                if (request.Subresource.Length > 0 && resource == "*/" + request.Subresource)
                {
                    return true;
                }
            }

            return false;
        }

        public static PolicyRule FromJson(JsonNode? rule) =>
            new(Strings(rule?["apiGroups"]), Strings(rule?["resources"]), Strings(rule?["verbs"]), Strings(rule?["resourceNames"]));

        static string[] Strings(JsonNode? node) =>
            node is JsonArray list ? list.Select(n => n?.GetValue<string>() ?? "").ToArray() : Array.Empty<string>();
    }

    /// <summary>
    /// A Role or ClusterRole the lab binds to its user: a Role grants its rules in its own namespace only, a
    /// ClusterRole everywhere (as a ClusterRoleBinding would). Rules for non-resource URLs play no part: the lab
    /// serves discovery and OpenAPI to every authenticated user, as system:discovery does.
    /// </summary>
    internal sealed record BoundRole(string Kind, string Name, string? Namespace, IReadOnlyList<PolicyRule> Rules)
    {
        public bool Allows(RequestAttributes request) =>
            (Namespace is null || request.Namespace == Namespace) && Rules.Any(rule => rule.Allows(request));

        public JsonObject Describe()
        {
            var json = new JsonObject { ["kind"] = Kind, ["name"] = Name };
            if (Namespace is not null)
            {
                json["namespace"] = Namespace;
            }

            json["rules"] = new JsonArray(Rules.Select(r => (JsonNode)new JsonObject
            {
                ["apiGroups"] = Array(r.ApiGroups),
                ["resources"] = Array(r.Resources),
                ["verbs"] = Array(r.Verbs),
                ["resourceNames"] = Array(r.ResourceNames),
            }).ToArray());
            return json;
        }

        static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
    }

    /// <summary>The user the lab says it is and the Roles bound to it: a request is allowed when any Role allows it.</summary>
    internal sealed record RbacPolicy(string User, IReadOnlyList<BoundRole> Roles)
    {
        public bool Allows(RequestAttributes request) =>
            !request.IsResourceRequest || Roles.Any(role => role.Allows(request));
    }
}
