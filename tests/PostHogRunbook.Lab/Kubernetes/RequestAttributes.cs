using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// What the authorizer sees of a request, taken from the URL alone the way the API server's request-info
    /// parser does it (before it knows whether the resource exists): the verb (get, list, watch, create, update,
    /// patch, delete, deletecollection), the API group, the resource and subresource, the namespace and the name.
    /// A list or watch with fieldSelector=metadata.name=X carries the name X, which is why a rule with
    /// resourceNames allows `kubectl get deployment/x -w` but no plain list. A create has no name: the name is
    /// in the body. Paths outside /api/v1/... and /apis/{group}/{version}/... (discovery, OpenAPI, /version) are
    /// non-resource requests whose verb is the lowercase method.
    /// </summary>
    internal sealed record RequestAttributes(
        string Verb,
        string Path,
        bool IsResourceRequest,
        string ApiGroup,
        string ApiVersion,
        string Resource,
        string Subresource,
        string Namespace,
        string Name)
    {
        static readonly HashSet<string> WriteVerbs = new(StringComparer.Ordinal) { "create", "update", "patch", "delete", "deletecollection" };

        // The namespace's own subresources: /api/v1/namespaces/{name}/status is the namespace, not a resource "status".
        static readonly HashSet<string> NamespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

        /// <summary>"pods/log", "deployments": how RBAC rules name the resource.</summary>
        public string CombinedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

        /// <summary>"deployments.apps", "secrets": how the server names the resource in its messages.</summary>
        public string QualifiedResource => ApiGroup.Length == 0 ? Resource : Resource + "." + ApiGroup;

        public bool IsWrite => IsResourceRequest && WriteVerbs.Contains(Verb);

        public static bool IsWriteVerb(string? verb) => verb is not null && WriteVerbs.Contains(verb);

        public static RequestAttributes From(HttpRequest request) =>
            From(request.Method, request.Path.Value ?? "/", request.Query);

        public static RequestAttributes From(string method, string path, IQueryCollection query)
        {
            var nonResource = new RequestAttributes(method.ToLowerInvariant(), path, false, "", "", "", "", "", "");
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
            {
                return nonResource;
            }

            var rest = parts.AsSpan(1);
            var group = "";
            if (parts[0] == "apis")
            {
                if (rest.Length < 3)
                {
                    return nonResource;
                }

                group = rest[0];
                rest = rest[1..];
            }

            var version = rest[0];
            rest = rest[1..];
            var verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };

            var ns = "";
            if (rest[0] == "namespaces" && rest.Length > 1)
            {
                ns = rest[1];
                if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
                {
                    rest = rest[2..];
                }
            }

            var resource = rest[0];
            var name = rest.Length > 1 ? rest[1] : "";
            var subresource = rest.Length > 2 ? rest[2] : "";

            if (name.Length == 0 && verb == "get")
            {
                verb = IsTrue(query["watch"].ToString()) ? "watch" : "list";
                name = NameFromFieldSelector(query["fieldSelector"].ToString()) ?? "";
            }

            if (name.Length == 0 && verb == "delete")
            {
                verb = "deletecollection";
            }

            return new RequestAttributes(verb, path, true, group, version, resource, subresource, ns, name);
        }

        /// <summary>Go's strconv.ParseBool, as the server decodes ?watch=.</summary>
        static bool IsTrue(string value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";

        /// <summary>The X of a selector that requires metadata.name=X (or ==X), if that X could be a name.</summary>
        static string? NameFromFieldSelector(string selector)
        {
            foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (term.Contains("!=", StringComparison.Ordinal))
                {
                    continue;
                }

                var equals = term.IndexOf('=');
                if (equals <= 0 || term[..equals].Trim() != "metadata.name")
                {
                    continue;
                }

                var value = term[(equals + 1)..];
                if (value.StartsWith('='))
                {
                    value = value[1..];
                }

                value = value.Trim();
                if (value.Length > 0 && value is not ("." or "..") && !value.Contains('/') && !value.Contains('%'))
                {
                    return value;
                }
            }

            return null;
        }
    }
}
