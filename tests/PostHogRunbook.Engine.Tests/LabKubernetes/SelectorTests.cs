using System.Text.Json.Nodes;
using PostHogRunbook.Lab.Kubernetes;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    public class SelectorTests
    {
        static readonly JsonObject Integration = new() { ["app"] = "posthog-integration", ["pod-template-hash"] = "abc" };
        static readonly JsonObject Billing = new() { ["app"] = "billing" };

        [Theory]
        [InlineData("app=posthog-integration", true, false)]
        [InlineData("app==posthog-integration", true, false)]
        [InlineData("app!=billing", true, false)]
        [InlineData("app in (billing, other)", false, true)]
        [InlineData("app notin (billing),pod-template-hash", true, false)]
        [InlineData("!pod-template-hash", false, true)]
        [InlineData("", true, true)]
        public void Label_selectors_match_like_the_server(string selector, bool integration, bool billing)
        {
            var parsed = LabelSelector.Parse(selector);

            Assert.Equal(integration, parsed.Matches(Integration));
            Assert.Equal(billing, parsed.Matches(Billing));
        }

        [Fact]
        public void A_malformed_label_selector_is_a_400()
        {
            Assert.Equal(400, Assert.Throws<KubernetesStatusException>(() => LabelSelector.Parse("app in (a")).Code);
        }

        [Fact]
        public void Field_selectors_take_only_indexed_fields()
        {
            var warning = new JsonObject { ["type"] = "Warning", ["involvedObject"] = new JsonObject { ["name"] = "p1" }, ["metadata"] = new JsonObject { ["name"] = "e" } };

            Assert.True(FieldSelector.Parse("involvedObject.name=p1,type=Warning", ResourceTypes.Events).Matches(warning));
            Assert.False(FieldSelector.Parse("type!=Warning", ResourceTypes.Events).Matches(warning));
            var failure = Assert.Throws<KubernetesStatusException>(() => FieldSelector.Parse("message=x", ResourceTypes.Events));
            Assert.Equal("field label not supported: message", failure.Message);
        }
    }
}
