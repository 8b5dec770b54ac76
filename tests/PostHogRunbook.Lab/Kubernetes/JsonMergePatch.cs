using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>application/merge-patch+json (RFC 7386): maps merge, null deletes, everything else (lists too) replaces.</summary>
    internal static class JsonMergePatch
    {
        public static JsonObject Apply(JsonObject original, JsonObject patch)
        {
            var result = (JsonObject)original.DeepClone();
            MergeInto(result, patch);
            return result;
        }

        static void MergeInto(JsonObject target, JsonObject patch)
        {
            foreach (var (key, value) in patch)
            {
                if (value is null)
                {
                    target.Remove(key);
                }
                else if (value is JsonObject patchMap)
                {
                    if (target[key] is not JsonObject existing)
                    {
                        existing = new JsonObject();
                        target[key] = existing;
                    }

                    MergeInto(existing, patchMap);
                }
                else
                {
                    target[key] = value.DeepClone();
                }
            }
        }
    }
}
