using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// The REST verbs on a resource path: list (selectors, Table), get, create, update (resourceVersion
    /// precondition), patch (strategic merge, JSON merge, JSON patch), delete (with cascading to what the object
    /// owns) and deletecollection. dryRun=All answers as if written and writes nothing.
    /// </summary>
    internal sealed class ResourceEndpoints
    {
        readonly ObjectStore store;

        public ResourceEndpoints(ObjectStore store) => this.store = store;

        public Task ListAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var (items, revision) = Select(path, http.Request.Query);
            if (ApiResponses.WantsTable(http.Request))
            {
                var table = TablePrinter.Table(path.Type, items, revision, http.Request.Query["includeObject"].ToString(), DateTimeOffset.UtcNow);
                return ApiResponses.WriteJsonAsync(http, 200, table, cancellationToken);
            }

            foreach (var item in items)
            {
                // The server leaves kind and apiVersion off list items: the list names them once.
                item.Remove("kind");
                item.Remove("apiVersion");
            }

            var list = new JsonObject
            {
                ["kind"] = path.Type.ListKind,
                ["apiVersion"] = path.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
            };
            return ApiResponses.WriteJsonAsync(http, 200, list, cancellationToken);
        }

        public Task GetAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var item = store.Get(path.Type, path.Namespace ?? "", path.Name!) ?? throw StatusObjects.NotFound(path.Type, path.Name!);
            if (ApiResponses.WantsTable(http.Request))
            {
                var table = TablePrinter.Table(path.Type, new[] { item }, store.Revision, http.Request.Query["includeObject"].ToString(), DateTimeOffset.UtcNow);
                return ApiResponses.WriteJsonAsync(http, 200, table, cancellationToken);
            }

            return ApiResponses.WriteJsonAsync(http, 200, item, cancellationToken);
        }

        public async Task CreateAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var item = await ReadObjectAsync(http.Request, path.Type, cancellationToken);
            var metadata = item["metadata"] as JsonObject;
            if (metadata is null)
            {
                metadata = new JsonObject();
                item["metadata"] = metadata;
            }

            if (path.Type.Namespaced)
            {
                var ns = path.Namespace ?? metadata["namespace"]?.GetValue<string>() ?? throw StatusObjects.BadRequest("the namespace of the object was not set");
                // An object without a namespace (or an empty one) takes the request's, as the server fills it in.
                if (metadata["namespace"]?.GetValue<string>() is { Length: > 0 } given && given != ns)
                {
                    throw StatusObjects.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                metadata["namespace"] = ns;
                if (!store.Exists(ResourceTypes.Namespaces, "", ns))
                {
                    throw StatusObjects.NotFound(ResourceTypes.Namespaces, ns);
                }
            }

            if (metadata["name"] is null && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
            {
                metadata["name"] = prefix + KubeNames.Suffix(prefix + Guid.NewGuid(), 5);
            }

            var name = metadata["name"]?.GetValue<string>() ?? "";
            if (name.Length == 0)
            {
                throw StatusObjects.Invalid(path.Type, "", "metadata.name", "Required value: name or generateName is required");
            }

            ObjectRules.PrepareCreate(path.Type, item, DateTimeOffset.UtcNow);
            if (IsDryRun(http.Request))
            {
                if (store.Exists(path.Type, path.Namespace ?? "", name))
                {
                    throw StatusObjects.AlreadyExists(path.Type, name);
                }

                metadata["uid"] = Guid.NewGuid().ToString();
                await ApiResponses.WriteJsonAsync(http, 201, item, cancellationToken);
                return;
            }

            var created = store.Create(path.Type, item);
            await ApiResponses.WriteJsonAsync(http, 201, created, cancellationToken);
        }

        public async Task UpdateAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var replacement = await ReadObjectAsync(http.Request, path.Type, cancellationToken);
            var name = path.Name!;
            var bodyName = replacement["metadata"]?["name"]?.GetValue<string>();
            if (bodyName != name)
            {
                throw StatusObjects.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            if (path.Namespace is not null && replacement["metadata"]?["namespace"]?.GetValue<string>() is { Length: > 0 } given && given != path.Namespace)
            {
                throw StatusObjects.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            if (path.Type == ResourceTypes.Leases && !store.Exists(path.Type, path.Namespace ?? "", name))
            {
                // A Lease's registry allows create on update: a PUT of a Lease that does not exist makes it (201).
                var created = await CreateOnUpdateAsync(http, path, replacement, cancellationToken);
                if (created)
                {
                    return;
                }
            }

            var updated = Change(http.Request, path, current =>
            {
                // An update carrying a resourceVersion is conditional on it: a stale one is a 409.
                var expected = replacement["metadata"]?["resourceVersion"]?.GetValue<string>();
                if (!string.IsNullOrEmpty(expected) && expected != current["metadata"]!["resourceVersion"]!.GetValue<string>())
                {
                    throw StatusObjects.Conflict(path.Type, name);
                }

                var next = (JsonObject)replacement.DeepClone();
                ObjectRules.PrepareUpdate(path.Type, current, next);
                return next;
            });
            await ApiResponses.WriteJsonAsync(http, 200, updated, cancellationToken);
        }

        /// <summary>False when someone else created the object meanwhile: then the PUT is an update after all.</summary>
        async Task<bool> CreateOnUpdateAsync(HttpContext http, ApiPath path, JsonObject replacement, CancellationToken cancellationToken)
        {
            var item = (JsonObject)replacement.DeepClone();
            item["metadata"]!["namespace"] = path.Namespace;
            ObjectRules.PrepareCreate(path.Type, item, DateTimeOffset.UtcNow);
            if (IsDryRun(http.Request))
            {
                item["metadata"]!["uid"] = Guid.NewGuid().ToString();
                await ApiResponses.WriteJsonAsync(http, 201, item, cancellationToken);
                return true;
            }

            JsonObject created;
            try
            {
                created = store.Create(path.Type, item);
            }
            catch (KubernetesStatusException conflict) when (conflict.Reason == "AlreadyExists")
            {
                return false;
            }

            await ApiResponses.WriteJsonAsync(http, 201, created, cancellationToken);
            return true;
        }

        public async Task PatchAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var contentType = ApiResponses.ContentType(http.Request);
            Func<JsonObject, JsonNode, JsonObject> apply = contentType switch
            {
                "application/strategic-merge-patch+json" => (current, patch) => StrategicMergePatch.Apply(current, AsObject(patch)),
                "application/merge-patch+json" => (current, patch) => JsonMergePatch.Apply(current, AsObject(patch)),
                "application/json-patch+json" => (current, patch) => JsonPatch.Apply(current, patch as JsonArray ?? throw StatusObjects.BadRequest("json patch must be an array of operations")),
                _ => throw StatusObjects.UnsupportedMediaType(contentType),
            };
            var patch = await ApiResponses.ReadJsonAsync(http.Request, cancellationToken);
            var name = path.Name!;
            var updated = Change(http.Request, path, current =>
            {
                var next = apply(current, patch);
                var currentVersion = current["metadata"]!["resourceVersion"]!.GetValue<string>();

                // A resourceVersion in a patch is a precondition too (what a careful client sends).
                var expected = next["metadata"]?["resourceVersion"]?.GetValue<string>();
                if (!string.IsNullOrEmpty(expected) && expected != currentVersion)
                {
                    throw StatusObjects.Conflict(path.Type, name);
                }

                if (next["metadata"]?["name"]?.GetValue<string>() != name)
                {
                    throw StatusObjects.Invalid(path.Type, name, "metadata.name", $"Invalid value: \"{next["metadata"]?["name"]}\": field is immutable");
                }

                ObjectRules.PrepareUpdate(path.Type, current, next);
                return next;
            });
            await ApiResponses.WriteJsonAsync(http, 200, updated, cancellationToken);
        }

        public async Task DeleteAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var ns = path.Namespace ?? "";
            var name = path.Name!;
            var current = store.Get(path.Type, ns, name) ?? throw StatusObjects.NotFound(path.Type, name);
            if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
            {
                var options = await ApiResponses.ReadJsonAsync(http.Request, cancellationToken);
                CheckPreconditions(path.Type, current, options["preconditions"]);
            }

            if (path.Type == ResourceTypes.Pods)
            {
                // Pods go gracefully: watchers see them Terminating, then gone; the answer is the pod, marked for deletion.
                var marked = IsDryRun(http.Request) ? current : MarkTerminating(store, ns, name);
                if (!IsDryRun(http.Request))
                {
                    store.Delete(path.Type, ns, name);
                }

                await ApiResponses.WriteJsonAsync(http, 200, marked, cancellationToken);
                return;
            }

            if (!IsDryRun(http.Request))
            {
                store.Delete(path.Type, ns, name);
                DeleteOwned(current);
            }

            await ApiResponses.WriteJsonAsync(http, 200, StatusObjects.Success(path.Type, name, current["metadata"]?["uid"]?.GetValue<string>()), cancellationToken);
        }

        public async Task DeleteCollectionAsync(HttpContext http, ApiPath path, CancellationToken cancellationToken)
        {
            var (items, _) = Select(path, http.Request.Query);
            if (!IsDryRun(http.Request))
            {
                foreach (var item in items)
                {
                    store.Delete(path.Type, item["metadata"]?["namespace"]?.GetValue<string>() ?? "", item["metadata"]!["name"]!.GetValue<string>());
                    DeleteOwned(item);
                }
            }

            var list = new JsonObject
            {
                ["kind"] = path.Type.ListKind,
                ["apiVersion"] = path.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = store.Revision.ToString(CultureInfo.InvariantCulture) },
                ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
            };
            await ApiResponses.WriteJsonAsync(http, 200, list, cancellationToken);
        }

        (List<JsonObject> Items, long Revision) Select(ApiPath path, IQueryCollection query)
        {
            var labels = LabelSelector.Parse(query["labelSelector"].ToString());
            var fields = FieldSelector.Parse(query["fieldSelector"].ToString(), path.Type);
            var (items, revision) = store.List(path.Type, path.Namespace);
            return (items.Where(i => labels.Matches(i["metadata"]?["labels"] as JsonObject) && fields.Matches(i)).ToList(), revision);
        }

        JsonObject Change(HttpRequest request, ApiPath path, Func<JsonObject, JsonObject> change)
        {
            var ns = path.Namespace ?? "";
            if (IsDryRun(request))
            {
                var current = store.Get(path.Type, ns, path.Name!) ?? throw StatusObjects.NotFound(path.Type, path.Name!);
                var version = current["metadata"]!["resourceVersion"]!.DeepClone();
                var next = change(current);
                next["metadata"]!["resourceVersion"] = version;
                return next;
            }

            return store.Update(path.Type, ns, path.Name!, change);
        }

        /// <summary>What a graceful pod deletion writes first: deletionTimestamp, which kubectl shows as Terminating.</summary>
        public static JsonObject MarkTerminating(ObjectStore store, string ns, string name) =>
            store.Update(ResourceTypes.Pods, ns, name, pod =>
            {
                pod["metadata"]!["deletionTimestamp"] = KubeTime.Format(DateTimeOffset.UtcNow);
                pod["metadata"]!["deletionGracePeriodSeconds"] = 30;
                return pod;
            });

        /// <summary>The garbage collector's foreground work, done at once: a deployment takes its ReplicaSets and their pods.</summary>
        void DeleteOwned(JsonObject owner)
        {
            var uid = owner["metadata"]?["uid"]?.GetValue<string>();
            var ns = owner["metadata"]?["namespace"]?.GetValue<string>();
            var dependentType = owner["kind"]?.GetValue<string>() switch
            {
                "Deployment" => ResourceTypes.ReplicaSets,
                "ReplicaSet" => ResourceTypes.Pods,
                _ => null,
            };
            if (uid is null || dependentType is null)
            {
                return;
            }

            foreach (var dependent in store.List(dependentType, ns).Items)
            {
                var owned = (dependent["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => r?["uid"]?.GetValue<string>() == uid) == true;
                if (owned)
                {
                    var dependentName = dependent["metadata"]!["name"]!.GetValue<string>();
                    if (dependentType == ResourceTypes.Pods)
                    {
                        MarkTerminating(store, ns ?? "", dependentName);
                    }

                    store.Delete(dependentType, ns ?? "", dependentName);
                    DeleteOwned(dependent);
                }
            }
        }

        static void CheckPreconditions(ResourceType type, JsonObject current, JsonNode? preconditions)
        {
            var name = current["metadata"]!["name"]!.GetValue<string>();
            var wantedVersion = preconditions?["resourceVersion"]?.GetValue<string>();
            var actualVersion = current["metadata"]!["resourceVersion"]!.GetValue<string>();
            if (wantedVersion is not null && wantedVersion != actualVersion)
            {
                throw new KubernetesStatusException(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": Precondition failed: ResourceVersion in precondition: {wantedVersion}, ResourceVersion in object meta: {actualVersion}",
                    new JsonObject { ["name"] = name, ["kind"] = type.Plural });
            }

            var wantedUid = preconditions?["uid"]?.GetValue<string>();
            var actualUid = current["metadata"]!["uid"]?.GetValue<string>();
            if (wantedUid is not null && wantedUid != actualUid)
            {
                throw new KubernetesStatusException(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": Precondition failed: UID in precondition: {wantedUid}, UID in object meta: {actualUid}",
                    new JsonObject { ["name"] = name, ["kind"] = type.Plural });
            }
        }

        /// <summary>A whole object in a create or update: JSON, or protobuf for the kinds kubectl's typed clients send that way.</summary>
        static async Task<JsonObject> ReadObjectAsync(HttpRequest request, ResourceType type, CancellationToken cancellationToken)
        {
            var contentType = ApiResponses.ContentType(request);
            if (contentType == ProtobufObjects.MediaType && ProtobufObjects.CanDecode(type))
            {
                return ProtobufObjects.Decode(type, await ApiResponses.ReadBodyAsync(request, cancellationToken));
            }

            if (contentType != "application/json")
            {
                throw StatusObjects.UnsupportedMediaType(contentType);
            }

            return AsObject(await ApiResponses.ReadJsonAsync(request, cancellationToken));
        }

        static JsonObject AsObject(JsonNode node) =>
            node as JsonObject ?? throw StatusObjects.BadRequest("the body of the request must be a JSON object");

        static bool IsDryRun(HttpRequest request) => request.Query["dryRun"].ToString() == "All";
    }
}
