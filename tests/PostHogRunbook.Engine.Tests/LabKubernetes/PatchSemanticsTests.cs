using System.Text.Json.Nodes;
using PostHogRunbook.Lab.Kubernetes;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>The three patch content types, applied the way the API server applies them to built-in kinds.</summary>
    public class PatchSemanticsTests
    {
        static JsonObject Template() => (JsonObject)JsonNode.Parse("""
            {"spec":{"template":{"metadata":{"annotations":{"keep":"me","drop":"me"}},"spec":{"containers":[
              {"name":"integration","args":["--a","--b"],"env":[{"name":"POSTHOG_HOST","value":"h"},{"name":"POSTHOG_FALLBACK","value":"false"},{"name":"RATE_LIMIT_MODE","value":"direct"}],"envFrom":[{"secretRef":{"name":"s"}}]},
              {"name":"metrics-sidecar","env":[{"name":"SCRAPE_TARGET","value":"t"}]}],
              "volumes":[{"name":"v1","emptyDir":{}}]}},
             "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}}},
             "metadata":{"finalizers":["a"]}}
            """)!;

        static string[] Env(JsonObject item, int container) =>
            item["spec"]!["template"]!["spec"]!["containers"]![container]!["env"]!.AsArray()
                .Select(e => e!["name"] + "=" + e["value"]).ToArray();

        [Fact]
        public void Kubectl_set_envs_patch_with_element_order_changes_one_variable_in_every_container()
        {
            // The body `kubectl set env deployment/posthog-integration POSTHOG_FALLBACK=true` sends (from kubectl -v=8).
            var patch = (JsonObject)JsonNode.Parse("""
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"integration"},{"name":"metrics-sidecar"}],"containers":[
                  {"$setElementOrder/env":[{"name":"POSTHOG_HOST"},{"name":"POSTHOG_FALLBACK"},{"name":"RATE_LIMIT_MODE"}],"env":[{"name":"POSTHOG_FALLBACK","value":"true"}],"name":"integration"},
                  {"$setElementOrder/env":[{"name":"SCRAPE_TARGET"},{"name":"POSTHOG_FALLBACK"}],"env":[{"name":"POSTHOG_FALLBACK","value":"true"}],"name":"metrics-sidecar"}]}}}}
                """)!;

            var result = StrategicMergePatch.Apply(Template(), patch);

            Assert.Equal(new[] { "POSTHOG_HOST=h", "POSTHOG_FALLBACK=true", "RATE_LIMIT_MODE=direct" }, Env(result, 0));
            Assert.Equal(new[] { "SCRAPE_TARGET=t", "POSTHOG_FALLBACK=true" }, Env(result, 1));
            Assert.Equal("s", result["spec"]!["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["secretRef"]!["name"]!.GetValue<string>());
            Assert.DoesNotContain("$setElementOrder", result.ToJsonString(), StringComparison.Ordinal);
        }

        [Fact]
        public void Kubectl_set_env_on_one_container_adds_and_removes_by_name_and_changes_nothing_else()
        {
            // `kubectl set env deployment/posthog-integration -c integration QUEUE_DIR=/q RATE_LIMIT_MODE-`, as kubectl sends it.
            var patch = (JsonObject)JsonNode.Parse("""
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"integration"},{"name":"metrics-sidecar"}],"containers":[
                  {"$setElementOrder/env":[{"name":"POSTHOG_HOST"},{"name":"POSTHOG_FALLBACK"},{"name":"QUEUE_DIR"}],
                   "env":[{"name":"QUEUE_DIR","value":"/q"},{"$patch":"delete","name":"RATE_LIMIT_MODE"}],"name":"integration"}]}}}}
                """)!;
            var original = Template();

            var result = StrategicMergePatch.Apply(original, patch);

            Assert.Equal(new[] { "POSTHOG_HOST=h", "POSTHOG_FALLBACK=false", "QUEUE_DIR=/q" }, Env(result, 0));
            var untouched = (JsonObject)result.DeepClone();
            var originalWithoutEnv = (JsonObject)original.DeepClone();
            untouched["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("env");
            originalWithoutEnv["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("env");
            Assert.True(JsonNode.DeepEquals(originalWithoutEnv, untouched), untouched.ToJsonString());
            Assert.DoesNotContain("$", result.ToJsonString(), StringComparison.Ordinal);
        }

        [Fact]
        public void A_map_level_delete_directive_empties_the_map_as_the_server_does()
        {
            var patch = (JsonObject)JsonNode.Parse("""{"spec":{"template":{"metadata":{"annotations":{"$patch":"delete"}}}}}""")!;

            var result = StrategicMergePatch.Apply(Template(), patch);

            Assert.Equal("{}", result["spec"]!["template"]!["metadata"]!["annotations"]!.ToJsonString());
        }

        [Fact]
        public void Strategic_merge_deletes_by_key_with_patch_delete_and_keys_with_null()
        {
            var patch = (JsonObject)JsonNode.Parse("""
                {"spec":{"template":{"metadata":{"annotations":{"drop":null}},"spec":{"containers":[{"name":"integration","env":[{"name":"RATE_LIMIT_MODE","$patch":"delete"}]}]}}}}
                """)!;

            var result = StrategicMergePatch.Apply(Template(), patch);

            Assert.Equal(new[] { "POSTHOG_HOST=h", "POSTHOG_FALLBACK=false" }, Env(result, 0));
            Assert.Equal("""{"keep":"me"}""", result["spec"]!["template"]!["metadata"]!["annotations"]!.ToJsonString());
            Assert.Equal(2, result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count);
        }

        [Fact]
        public void Lists_without_a_merge_key_are_replaced_and_merge_lists_of_scalars_are_unioned()
        {
            var patch = (JsonObject)JsonNode.Parse("""
                {"metadata":{"finalizers":["b"]},"spec":{"template":{"spec":{"containers":[{"name":"integration","args":["--c"]}]}}}}
                """)!;

            var result = StrategicMergePatch.Apply(Template(), patch);

            Assert.Equal("""["--c"]""", result["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.ToJsonString());
            Assert.Equal("""["a","b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
        }

        [Fact]
        public void Replace_and_retain_keys_directives_are_honoured()
        {
            var patch = (JsonObject)JsonNode.Parse("""
                {"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},"template":{"metadata":{"annotations":{"$patch":"replace","only":"this"}}}}}
                """)!;

            var result = StrategicMergePatch.Apply(Template(), patch);

            Assert.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]!.ToJsonString());
            Assert.Equal("""{"only":"this"}""", result["spec"]!["template"]!["metadata"]!["annotations"]!.ToJsonString());
        }

        [Fact]
        public void Json_merge_patch_replaces_lists_whole()
        {
            var patch = (JsonObject)JsonNode.Parse("""
                {"spec":{"template":{"spec":{"containers":[{"name":"integration","env":[{"name":"POSTHOG_FALLBACK","value":"true"}]}]}}}}
                """)!;

            var result = JsonMergePatch.Apply(Template(), patch);

            var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
            Assert.Single(containers);
            Assert.Equal(new[] { "POSTHOG_FALLBACK=true" }, Env(result, 0));
        }

        [Fact]
        public void Json_patch_adds_at_the_end_and_a_failed_test_is_a_422()
        {
            var add = (JsonArray)JsonNode.Parse("""
                [{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"NEW","value":"1"}},
                 {"op":"replace","path":"/spec/template/spec/containers/0/env/1/value","value":"true"}]
                """)!;
            var result = JsonPatch.Apply(Template(), add);
            Assert.Equal(new[] { "POSTHOG_HOST=h", "POSTHOG_FALLBACK=true", "RATE_LIMIT_MODE=direct", "NEW=1" }, Env(result, 0));

            var test = (JsonArray)JsonNode.Parse("""[{"op":"test","path":"/spec/strategy/type","value":"Recreate"}]""")!;
            var failure = Assert.Throws<KubernetesStatusException>(() => JsonPatch.Apply(Template(), test));
            Assert.Equal(422, failure.Code);

            var missing = (JsonArray)JsonNode.Parse("""[{"op":"remove","path":"/spec/nothing"}]""")!;
            Assert.Equal(422, Assert.Throws<KubernetesStatusException>(() => JsonPatch.Apply(Template(), missing)).Code);
        }
    }
}
