using System.Net;
using System.Text.Json;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Lab
{
    public class StatusPageLabTests
    {
        [Fact]
        public async Task Each_generation_answers_its_own_api_and_404s_the_other()
        {
            await using var lab = await RunningLab.StartAsync();

            using var incidentIo = await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary");
            using var v2OnIncidentIo = await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v2/summary.json");
            using var statuspage = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/summary.json");
            using var status = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/status.json");
            using var v1OnStatuspage = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v1/summary");

            Assert.Equal(HttpStatusCode.OK, incidentIo.StatusCode);
            Assert.Equal("application/json", incidentIo.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.NotFound, v2OnIncidentIo.StatusCode);
            Assert.Equal(HttpStatusCode.OK, statuspage.StatusCode);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, v1OnStatuspage.StatusCode);

            var summary = await RunningLab.JsonAsync(incidentIo);
            Assert.Empty(summary.GetProperty("ongoing_incidents").EnumerateArray());
            Assert.Empty(summary.GetProperty("in_progress_maintenances").EnumerateArray());
            Assert.Single(summary.GetProperty("scheduled_maintenances").EnumerateArray());
            Assert.Equal("none", (await RunningLab.JsonAsync(status)).GetProperty("status").GetProperty("indicator").GetString());
        }

        [Fact]
        public async Task A_us_outage_is_declared_on_us_components_in_both_generations()
        {
            await using var lab = await RunningLab.StartAsync("us-outage");

            using var incidentIo = await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary");
            var incident = Assert.Single((await RunningLab.JsonAsync(incidentIo)).GetProperty("ongoing_incidents").EnumerateArray());
            Assert.Equal("full_outage", incident.GetProperty("current_worst_impact").GetString());
            Assert.All(incident.GetProperty("affected_components").EnumerateArray(), c => Assert.Equal("US Cloud", c.GetProperty("group_name").GetString()));

            using var statuspage = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/summary.json");
            var summary = await RunningLab.JsonAsync(statuspage);
            Assert.Equal("critical", summary.GetProperty("status").GetProperty("indicator").GetString());
            var usGroup = summary.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "US Cloud");
            Assert.True(usGroup.GetProperty("group").GetBoolean());
            var usChildren = usGroup.GetProperty("components").EnumerateArray().Select(id => id.GetString()).ToHashSet();
            var ingestion = summary.GetProperty("components").EnumerateArray()
                .Single(c => c.GetProperty("name").GetString() == "Event ingestion" && usChildren.Contains(c.GetProperty("id").GetString()));
            Assert.Equal("major_outage", ingestion.GetProperty("status").GetString());
        }

        [Fact]
        public async Task Novel_values_reach_the_wire_unchanged()
        {
            await using var lab = await RunningLab.StartAsync("novel-values");

            using var incidentIo = await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary");
            var incident = Assert.Single((await RunningLab.JsonAsync(incidentIo)).GetProperty("ongoing_incidents").EnumerateArray());
            Assert.Equal("catastrophic_outage", incident.GetProperty("current_worst_impact").GetString());
            Assert.Equal("sparkly_degradation", incident.GetProperty("affected_components")[0].GetProperty("current_status").GetString());

            using var statuspage = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/summary.json");
            var summary = await RunningLab.JsonAsync(statuspage);
            Assert.Equal("mega", summary.GetProperty("status").GetProperty("indicator").GetString());
            Assert.Equal("apocalyptic", summary.GetProperty("incidents")[0].GetProperty("impact").GetString());
            Assert.Contains(summary.GetProperty("components").EnumerateArray(), c => c.GetProperty("status").GetString() == "wobbly");
        }

        [Fact]
        public async Task Html_and_truncated_json_are_served_with_200()
        {
            await using var lab = await RunningLab.StartAsync("html");
            using var html = await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary");
            Assert.Equal(HttpStatusCode.OK, html.StatusCode);
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);

            await lab.SwitchScenarioAsync("malformed");
            using var malformed = await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/summary.json");
            Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
            var body = await malformed.Content.ReadAsStringAsync();
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
        }
    }
}
