using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// /version and the unaggregated discovery documents (/api, /apis, /api/v1, /apis/{group}, /apis/{group}/v1). kubectl asks
    /// for aggregated discovery first (Accept ...;g=apidiscovery.k8s.io;v=v2) and falls back to these when the
    /// answer is plain application/json, as it does against any server that does not aggregate.
    /// </summary>
    internal static class DiscoveryDocuments
    {
        /// <summary>
        /// A 1.32 server: the kubectl on this machine is gcloud's dispatcher, which picks the kubectl.1.NN binary
        /// matching the server's minor version, so this also decides which kubectl runs.
        /// </summary>
        public static JsonObject Version() => new()
        {
            ["major"] = "1",
            ["minor"] = "32",
            ["gitVersion"] = "v1.32.4",
            ["gitCommit"] = "59526cd4867447956156ae3a602fcbac10a2c335",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-04-22T16:02:27Z",
            ["goVersion"] = "go1.23.6",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };

        public static JsonObject CoreVersions(string serverAddress) => new()
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject
            {
                ["clientCIDR"] = "0.0.0.0/0",
                ["serverAddress"] = serverAddress,
            }),
        };

        public static JsonObject Groups() => new()
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray(ResourceTypes.Groups.Select(g => (JsonNode)Group(g)!).ToArray()),
        };

        /// <summary>/apis/{group}: the group, v1 its one and preferred version; null for a group the lab does not serve.</summary>
        public static JsonObject? Group(string name)
        {
            if (!ResourceTypes.Groups.Contains(name))
            {
                return null;
            }

            var version = ResourceTypes.Served.First(t => t.Group == name).Version;
            return new JsonObject
            {
                ["kind"] = "APIGroup",
                ["apiVersion"] = "v1",
                ["name"] = name,
                ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = name + "/" + version, ["version"] = version }),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = name + "/" + version, ["version"] = version },
            };
        }

        /// <summary>/api/v1 or /apis/{group}/{version}; null for a group-version the lab does not serve.</summary>
        public static JsonObject? Resources(string group, string version)
        {
            if (!ResourceTypes.InGroupVersion(group, version).Any())
            {
                return null;
            }

            var resources = new JsonArray();
            foreach (var type in ResourceTypes.InGroupVersion(group, version))
            {
                var verbs = type.Namespaced
                    ? ResourceType.ReadWriteVerbs
                    : ResourceType.ReadWriteVerbs.Where(v => v != "deletecollection").ToArray();
                var resource = new JsonObject
                {
                    ["name"] = type.Plural,
                    ["singularName"] = type.Singular,
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = type.Kind,
                    ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
                };
                if (type.ShortNames.Count > 0)
                {
                    resource["shortNames"] = new JsonArray(type.ShortNames.Select(s => (JsonNode)s).ToArray());
                }

                if (type.Categories.Count > 0)
                {
                    resource["categories"] = new JsonArray(type.Categories.Select(s => (JsonNode)s).ToArray());
                }

                resource["storageVersionHash"] = Convert.ToBase64String(BitConverter.GetBytes(KubeNames.StableHash64(type.QualifiedName)));
                resources.Add(resource);
                if (type == ResourceTypes.Pods)
                {
                    resources.Add(new JsonObject
                    {
                        ["name"] = "pods/log",
                        ["singularName"] = "",
                        ["namespaced"] = true,
                        ["kind"] = "Pod",
                        ["verbs"] = new JsonArray("get"),
                    });
                }
            }

            return new JsonObject
            {
                ["kind"] = "APIResourceList",
                ["apiVersion"] = "v1",
                ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
                ["resources"] = resources,
            };
        }
    }
}
