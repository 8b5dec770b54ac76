using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// OpenAPI v3, as much as kubectl reads: the /openapi/v3 index and one document per group-version. kubectl
    /// apply reads it twice: to learn whether PATCH takes fieldValidation (then it validates on the server, no
    /// client-side schema needed) and, for kinds whose component schema carries x-kubernetes-group-version-kind,
    /// to compute its three-way strategic merge patch. Secret and ConfigMap are described fully (what the runbook
    /// applies); the other kinds list their operations only, so kubectl computes their patches from its built-in types.
    /// </summary>
    internal static class OpenApiDocuments
    {
        const string ObjectMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
        const string PatchRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

        static readonly Lazy<Dictionary<string, string>> Documents = new(Build);

        /// <summary>The group-version path ("api/v1", "apis/apps/v1") to its document text.</summary>
        public static IReadOnlyDictionary<string, string> ByPath => Documents.Value;

        public static JsonObject Index()
        {
            var paths = new JsonObject();
            foreach (var (path, text) in Documents.Value)
            {
                paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + Hash(text) };
            }

            return new JsonObject { ["paths"] = paths };
        }

        public static string Hash(string text) => Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(text)));

        /// <summary>One document per group-version the lab serves: api/v1, apis/apps/v1, apis/coordination.k8s.io/v1...</summary>
        static Dictionary<string, string> Build() => ResourceTypes.Served
            .Select(t => (t.Group, t.Version))
            .Distinct()
            .ToDictionary(
                gv => gv.Group.Length == 0 ? "api/" + gv.Version : "apis/" + gv.Group + "/" + gv.Version,
                gv => Document(gv.Group, gv.Version).ToJsonString());

        /// <summary>How operation ids name a group: Core, Apps, Batch, RbacAuthorization, Coordination.</summary>
        static string GroupWord(string group) => group.Length == 0
            ? "Core"
            : string.Concat(group.Replace(".k8s.io", "", StringComparison.Ordinal).Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

        static JsonObject Document(string group, string version)
        {
            var paths = new JsonObject();
            var schemas = CommonSchemas();
            foreach (var type in ResourceTypes.InGroupVersion(group, version))
            {
                var described = DescribedKind(type, schemas);
                var responseSchema = described is null ? new JsonObject { ["type"] = "object" } : Ref(described);
                var prefix = "/" + (group.Length == 0 ? "api/" + version : "apis/" + group + "/" + version);
                var collection = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
                JsonObject[] Scope() => type.Namespaced ? new[] { PathParameter("namespace") } : Array.Empty<JsonObject>();
                paths[collection] = new JsonObject
                {
                    ["get"] = Operation(type, "list", responseSchema, null, Query("labelSelector"), Query("fieldSelector"), Query("limit"), Query("continue"), Query("resourceVersion"), Query("watch")),
                    ["post"] = Operation(type, "post", responseSchema, Body(responseSchema, "application/json"), Query("dryRun"), Query("fieldManager"), Query("fieldValidation")),
                    ["parameters"] = new JsonArray(Scope().Append(Query("pretty")).Select(p => (JsonNode)p).ToArray()),
                };
                var patchBody = Body(new JsonObject { ["$ref"] = PatchRef },
                    "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");
                paths[collection + "/{name}"] = new JsonObject
                {
                    ["get"] = Operation(type, "get", responseSchema, null),
                    ["put"] = Operation(type, "put", responseSchema, Body(responseSchema, "application/json"), Query("dryRun"), Query("fieldManager"), Query("fieldValidation")),
                    ["patch"] = Operation(type, "patch", responseSchema, patchBody, Query("dryRun"), Query("fieldManager"), Query("fieldValidation"), Query("force")),
                    ["delete"] = Operation(type, "delete", new JsonObject { ["type"] = "object" }, null, Query("dryRun"), Query("gracePeriodSeconds"), Query("propagationPolicy")),
                    ["parameters"] = new JsonArray(new[] { PathParameter("name") }.Concat(Scope()).Append(Query("pretty")).Select(p => (JsonNode)p).ToArray()),
                };
            }

            return new JsonObject
            {
                ["openapi"] = "3.0.0",
                ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4" },
                ["paths"] = paths,
                ["components"] = new JsonObject { ["schemas"] = schemas },
            };
        }

        static JsonObject Operation(ResourceType type, string action, JsonObject responseSchema, JsonObject? requestBody, params JsonObject[] parameters)
        {
            var operation = new JsonObject
            {
                ["description"] = $"{action} {type.Kind}",
                ["operationId"] = action + GroupWord(type.Group) + "V1" + type.Kind,
                ["parameters"] = new JsonArray(parameters.Select(p => (JsonNode)p).ToArray()),
            };
            if (requestBody is not null)
            {
                operation["requestBody"] = requestBody;
            }

            operation["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = responseSchema.DeepClone() } },
                },
                ["401"] = new JsonObject { ["description"] = "Unauthorized" },
            };
            operation["x-kubernetes-action"] = action;
            operation["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version };
            return operation;
        }

        static JsonObject Body(JsonObject schema, params string[] contentTypes)
        {
            var content = new JsonObject();
            foreach (var contentType in contentTypes)
            {
                content[contentType] = new JsonObject { ["schema"] = schema.DeepClone() };
            }

            return new JsonObject { ["content"] = content, ["required"] = true };
        }

        static JsonObject PathParameter(string name) => new()
        {
            ["name"] = name,
            ["in"] = "path",
            ["description"] = name + " of the resource",
            ["required"] = true,
            ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
        };

        static JsonObject Query(string name) => new()
        {
            ["name"] = name,
            ["in"] = "query",
            ["description"] = name,
            ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
        };

        static JsonObject Ref(string schemaName) => new() { ["$ref"] = "#/components/schemas/" + schemaName };

        static JsonObject MetadataProperty() => new()
        {
            ["description"] = "Standard object's metadata.",
            ["default"] = new JsonObject(),
            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ObjectMetaRef }),
        };

        static JsonObject Text(string description) => new() { ["description"] = description, ["type"] = "string" };

        static JsonObject StringMap(string description, string? format = null)
        {
            var values = new JsonObject { ["type"] = "string", ["default"] = "" };
            if (format is not null)
            {
                values["format"] = format;
            }

            return new JsonObject { ["description"] = description, ["type"] = "object", ["additionalProperties"] = values };
        }

        /// <summary>Adds the kind's full schema when the lab describes it; returns its component name, or null.</summary>
        static string? DescribedKind(ResourceType type, JsonObject schemas)
        {
            JsonObject properties;
            string schemaName;
            switch (type.Kind)
            {
                case "Secret":
                    schemaName = "io.k8s.api.core.v1.Secret";
                    properties = new JsonObject
                    {
                        ["apiVersion"] = Text("APIVersion defines the versioned schema of this representation of an object."),
                        ["data"] = StringMap("Data contains the secret data.", "byte"),
                        ["immutable"] = new JsonObject { ["description"] = "Immutable, if set to true, ensures that data stored in the Secret cannot be updated.", ["type"] = "boolean" },
                        ["kind"] = Text("Kind is a string value representing the REST resource this object represents."),
                        ["metadata"] = MetadataProperty(),
                        ["stringData"] = StringMap("stringData allows specifying non-binary secret data in string form."),
                        ["type"] = Text("Used to facilitate programmatic handling of secret data."),
                    };
                    break;
                case "ConfigMap":
                    schemaName = "io.k8s.api.core.v1.ConfigMap";
                    properties = new JsonObject
                    {
                        ["apiVersion"] = Text("APIVersion defines the versioned schema of this representation of an object."),
                        ["binaryData"] = StringMap("BinaryData contains the binary data.", "byte"),
                        ["data"] = StringMap("Data contains the configuration data."),
                        ["immutable"] = new JsonObject { ["description"] = "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated.", ["type"] = "boolean" },
                        ["kind"] = Text("Kind is a string value representing the REST resource this object represents."),
                        ["metadata"] = MetadataProperty(),
                    };
                    break;
                default:
                    return null;
            }

            schemas[schemaName] = new JsonObject
            {
                ["description"] = type.Kind + " as the lab serves it.",
                ["type"] = "object",
                ["properties"] = properties,
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version }),
            };
            return schemaName;
        }

        static JsonObject CommonSchemas() => new()
        {
            ["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = new JsonObject
            {
                ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
                ["type"] = "object",
            },
            ["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] = new JsonObject
            {
                ["description"] = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.",
                ["type"] = "string",
                ["format"] = "date-time",
            },
            ["io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference"] = new JsonObject
            {
                ["description"] = "OwnerReference contains enough information to let you identify an owning object.",
                ["type"] = "object",
                ["required"] = new JsonArray("apiVersion", "kind", "name", "uid"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = Text("API version of the referent."),
                    ["blockOwnerDeletion"] = new JsonObject { ["type"] = "boolean" },
                    ["controller"] = new JsonObject { ["type"] = "boolean" },
                    ["kind"] = Text("Kind of the referent."),
                    ["name"] = Text("Name of the referent."),
                    ["uid"] = Text("UID of the referent."),
                },
                ["x-kubernetes-map-type"] = "atomic",
            },
            ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = new JsonObject
            {
                ["description"] = "ObjectMeta is metadata that all persisted resources must have.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["annotations"] = StringMap("Annotations is an unstructured key value map."),
                    ["creationTimestamp"] = new JsonObject { ["default"] = new JsonObject(), ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" }) },
                    ["deletionGracePeriodSeconds"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
                    ["deletionTimestamp"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time" }) },
                    ["finalizers"] = new JsonObject
                    {
                        ["type"] = "array",
                        ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" },
                        ["x-kubernetes-list-type"] = "set",
                        ["x-kubernetes-patch-strategy"] = "merge",
                    },
                    ["generateName"] = Text("GenerateName is an optional prefix, used by the server, to generate a unique name."),
                    ["generation"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
                    ["labels"] = StringMap("Map of string keys and values that can be used to organize and categorize objects."),
                    ["managedFields"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" }, ["x-kubernetes-list-type"] = "atomic" },
                    ["name"] = Text("Name must be unique within a namespace."),
                    ["namespace"] = Text("Namespace defines the space within which each name must be unique."),
                    ["ownerReferences"] = new JsonObject
                    {
                        ["type"] = "array",
                        ["items"] = new JsonObject { ["default"] = new JsonObject(), ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference" }) },
                        ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
                        ["x-kubernetes-list-type"] = "map",
                        ["x-kubernetes-patch-merge-key"] = "uid",
                        ["x-kubernetes-patch-strategy"] = "merge",
                    },
                    ["resourceVersion"] = Text("An opaque value that represents the internal version of this object."),
                    ["selfLink"] = Text("Deprecated: selfLink is a legacy read-only field."),
                    ["uid"] = Text("UID is the unique in time and space value for this object."),
                },
            },
        };
    }
}
