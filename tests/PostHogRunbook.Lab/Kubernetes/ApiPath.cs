namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// A resource URL taken apart: /api/v1/namespaces/{ns}/pods/{name}/log, /apis/apps/v1/deployments,
    /// /api/v1/namespaces/{name} (the namespace object itself)...
    /// </summary>
    internal sealed record ApiPath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
    {
        /// <summary>Null when the path is not a resource path the lab serves (discovery and the rest are routed first).</summary>
        public static ApiPath? Parse(string path)
        {
            var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            string group;
            string version;
            int rest;
            if (segments.Length >= 3 && segments[0] == "api")
            {
                (group, version, rest) = ("", segments[1], 2);
            }
            else if (segments.Length >= 4 && segments[0] == "apis")
            {
                (group, version, rest) = (segments[1], segments[2], 3);
            }
            else
            {
                return null;
            }

            var tail = segments[rest..];
            string? ns = null;

            // namespaces/{ns}/{resource}/... is a namespaced path; namespaces[/{name}[/{sub}]] is the namespace itself.
            if (tail.Length >= 3 && tail[0] == "namespaces")
            {
                var namespaced = ResourceTypes.Find(group, version, tail[2]);
                if (namespaced is { Namespaced: true })
                {
                    ns = tail[1];
                    tail = tail[2..];
                }
                else if (tail[2] is not ("status" or "finalize"))
                {
                    // A resource the lab does not serve, inside a namespace: not the namespace's own subresource.
                    return null;
                }
            }

            var type = ResourceTypes.Find(group, version, tail[0]);
            if (type is null || tail.Length > 3 || (type.Namespaced == false && ns is not null))
            {
                return null;
            }

            return new ApiPath(type, ns, tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
        }
    }
}
