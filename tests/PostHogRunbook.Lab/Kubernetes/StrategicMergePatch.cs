using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// application/strategic-merge-patch+json as the API server applies it to the built-in types: lists with a
    /// merge key (containers and env by name, volumeMounts by mountPath...) are merged item by item, every other
    /// list is replaced; null deletes; the directives $patch (replace; delete, which empties a map and removes a
    /// list item by its merge key), $retainKeys, $setElementOrder/ and $deleteFromPrimitiveList/ are honoured and
    /// never stored. This is why `kubectl set env` can change one variable without clobbering the others, the
    /// other containers or envFrom (a list without a merge key, untouched unless the patch names it).
    /// </summary>
    internal static class StrategicMergePatch
    {
        const string PatchDirective = "$patch";
        const string RetainKeysDirective = "$retainKeys";
        const string SetElementOrderPrefix = "$setElementOrder/";
        const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

        // patchMergeKey of the list fields the lab's kinds carry (from the types' struct tags).
        static readonly Dictionary<string, string> MergeKeys = new()
        {
            ["containers"] = "name",
            ["initContainers"] = "name",
            ["ephemeralContainers"] = "name",
            ["env"] = "name",
            ["volumes"] = "name",
            ["volumeMounts"] = "mountPath",
            ["volumeDevices"] = "devicePath",
            ["ports"] = "containerPort",
            ["imagePullSecrets"] = "name",
            ["hostAliases"] = "ip",
            ["conditions"] = "type",
            ["ownerReferences"] = "uid",
            ["topologySpreadConstraints"] = "topologyKey",
            ["resourceClaims"] = "name",
            ["schedulingGates"] = "name",
        };

        // Lists of scalars with patchStrategy "merge".
        static readonly HashSet<string> MergedScalarLists = new() { "finalizers" };

        public static JsonObject Apply(JsonObject original, JsonObject patch)
        {
            var result = (JsonObject)original.DeepClone();
            return MergeMap(result, patch);
        }

        /// <summary>Merges patch into target in place, or returns what replaces it ($patch: replace, or delete: an empty map).</summary>
        static JsonObject MergeMap(JsonObject target, JsonObject patch)
        {
            if (patch.TryGetPropertyValue(PatchDirective, out var directiveNode) && directiveNode is not null)
            {
                var directive = directiveNode.GetValue<string>();
                switch (directive)
                {
                    case "delete":
                        return new JsonObject();
                    case "replace":
                        return WithoutDirectives(patch);
                    default:
                        throw StatusObjects.UnprocessablePatch($"Unknown patch type: {directive}");
                }
            }

            foreach (var (key, value) in patch)
            {
                if (key == PatchDirective || key == RetainKeysDirective || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
                {
                    DeleteFromScalarList(target, key[DeleteFromPrimitiveListPrefix.Length..], value as JsonArray);
                    continue;
                }

                switch (value)
                {
                    case null:
                        target.Remove(key);
                        break;
                    case JsonObject patchMap:
                        var existing = target[key] as JsonObject;
                        var merged = MergeMap(existing ?? new JsonObject(), patchMap);
                        if (!ReferenceEquals(merged, existing))
                        {
                            target[key] = merged;
                        }

                        break;
                    case JsonArray patchList:
                        target[key] = MergeList(key, target[key] as JsonArray, patchList);
                        break;
                    default:
                        target[key] = value.DeepClone();
                        break;
                }
            }

            foreach (var (key, value) in patch)
            {
                if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) && value is JsonArray order)
                {
                    var field = key[SetElementOrderPrefix.Length..];
                    if (target[field] is JsonArray list)
                    {
                        target[field] = Reorder(field, list, order);
                    }
                }
            }

            if (patch[RetainKeysDirective] is JsonArray retain)
            {
                var keep = retain.Select(n => n?.GetValue<string>()).ToHashSet();
                foreach (var key in target.Select(p => p.Key).ToList())
                {
                    if (!keep.Contains(key))
                    {
                        target.Remove(key);
                    }
                }
            }

            return target;
        }

        static JsonArray MergeList(string field, JsonArray? existing, JsonArray patch)
        {
            if (patch.Any(IsReplaceDirective))
            {
                return new JsonArray(patch.Where(item => !IsReplaceDirective(item)).Select(CleanCopy).ToArray());
            }

            if (MergeKeys.TryGetValue(field, out var mergeKey))
            {
                var result = existing is null ? new JsonArray() : (JsonArray)existing.DeepClone();
                foreach (var item in patch)
                {
                    if (item is not JsonObject patchItem)
                    {
                        result.Add(item?.DeepClone());
                        continue;
                    }

                    var keyValue = patchItem[mergeKey]?.ToJsonString();
                    var match = keyValue is null
                        ? null
                        : result.OfType<JsonObject>().FirstOrDefault(e => e[mergeKey]?.ToJsonString() == keyValue);
                    var deletes = patchItem[PatchDirective]?.GetValue<string>() == "delete";
                    if (deletes)
                    {
                        if (match is not null)
                        {
                            result.Remove(match);
                        }

                        continue;
                    }

                    if (match is null)
                    {
                        result.Add(MergeMap(new JsonObject(), patchItem));
                        continue;
                    }

                    var merged = MergeMap(match, patchItem);
                    if (!ReferenceEquals(merged, match))
                    {
                        var index = result.IndexOf(match);
                        result[index] = merged;
                    }
                }

                return result;
            }

            if (MergedScalarLists.Contains(field))
            {
                var result = existing is null ? new JsonArray() : (JsonArray)existing.DeepClone();
                foreach (var item in patch)
                {
                    if (!result.Any(e => JsonNode.DeepEquals(e, item)))
                    {
                        result.Add(item?.DeepClone());
                    }
                }

                return result;
            }

            return new JsonArray(patch.Select(CleanCopy).ToArray());
        }

        static JsonArray Reorder(string field, JsonArray list, JsonArray order)
        {
            MergeKeys.TryGetValue(field, out var mergeKey);
            string? Identity(JsonNode? node) =>
                mergeKey is not null && node is JsonObject o ? o[mergeKey]?.ToJsonString() : node?.ToJsonString();

            var wanted = order.Select(Identity).ToList();
            var items = list.ToList();
            var ordered = items
                .Select((item, position) => (item, position, rank: wanted.IndexOf(Identity(item))))
                .OrderBy(x => x.rank < 0 ? int.MaxValue : x.rank)
                .ThenBy(x => x.position)
                .Select(x => x.item?.DeepClone())
                .ToArray();
            return new JsonArray(ordered);
        }

        static void DeleteFromScalarList(JsonObject target, string field, JsonArray? values)
        {
            if (values is null || target[field] is not JsonArray list)
            {
                return;
            }

            foreach (var item in list.Where(e => values.Any(v => JsonNode.DeepEquals(v, e))).ToList())
            {
                list.Remove(item);
            }
        }

        static bool IsReplaceDirective(JsonNode? item) =>
            item is JsonObject o && o.Count == 1 && o[PatchDirective]?.GetValue<string>() == "replace";

        static JsonNode? CleanCopy(JsonNode? node) => node is JsonObject o ? WithoutDirectives(o) : node?.DeepClone();

        static JsonObject WithoutDirectives(JsonObject map)
        {
            var copy = new JsonObject();
            foreach (var (key, value) in map)
            {
                if (key.StartsWith('$'))
                {
                    continue;
                }

                copy[key] = value switch
                {
                    JsonObject o => WithoutDirectives(o),
                    JsonArray a => new JsonArray(a.Select(CleanCopy).ToArray()),
                    _ => value?.DeepClone(),
                };
            }

            return copy;
        }
    }
}
