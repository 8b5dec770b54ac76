using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PostHogRunbook.Lab;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Lab
{
    public class ControlLabTests
    {
        [Fact]
        public async Task Every_request_is_recorded_with_its_part_and_final_status()
        {
            await using var lab = await RunningLab.StartAsync();

            using (await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{LabKeys.Revoked}\"}}"))
            using (await lab.GetAsync(lab.Endpoints.StatusPageV2Url + "/api/v2/status.json"))
            {
            }

            using var response = await lab.GetAsync(lab.Endpoints.ControlUrl + "/_lab/requests");
            var records = (await RunningLab.JsonAsync(response)).EnumerateArray().ToList();

            var flags = Assert.Single(records, r => r.GetProperty("part").GetString() == "posthog");
            Assert.Equal("POST", flags.GetProperty("method").GetString());
            Assert.Equal("/flags", flags.GetProperty("path").GetString());
            Assert.Equal("?v=2", flags.GetProperty("query").GetString());
            Assert.Equal(401, flags.GetProperty("status").GetInt32());
            Assert.Contains(records, r => r.GetProperty("part").GetString() == "statusPageV2" && r.GetProperty("status").GetInt32() == 200);
            Assert.Contains(lab.Host.Context.Requests, r => r.Part == "posthog" && r.Status == 401);
        }

        [Fact]
        public async Task Clearing_the_record_empties_it()
        {
            await using var lab = await RunningLab.StartAsync();
            using (await lab.GetAsync(lab.Endpoints.AppUrl + "/health"))
            using (await lab.Http.DeleteAsync(lab.Endpoints.ControlUrl + "/_lab/requests"))
            {
            }

            Assert.DoesNotContain(lab.Host.Context.Requests, r => r.Part == "app");
        }

        [Fact]
        public async Task An_unknown_scenario_is_404_with_the_known_ones()
        {
            await using var lab = await RunningLab.StartAsync();

            using var response = await lab.Http.PutAsync(lab.Endpoints.ControlUrl + "/_lab/scenario/no-such-world", null);
            var body = await RunningLab.JsonAsync(response);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains(body.GetProperty("scenarios").EnumerateArray(), s => s.GetString() == "healthy");
            Assert.Equal("healthy", lab.Host.Context.Scenario.Name);
        }

        [Fact]
        public async Task A_switch_takes_effect_on_the_next_request()
        {
            await using var lab = await RunningLab.StartAsync();
            using var before = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{LabKeys.Good}\"}}");

            using var switched = await lab.Http.PostAsync(lab.Endpoints.ControlUrl + "/_lab/scenario/server-errors", null);
            using var after = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{LabKeys.Good}\"}}");
            using var current = await lab.GetAsync(lab.Endpoints.ControlUrl + "/_lab/scenario");

            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
            Assert.Equal("server-errors", (await RunningLab.JsonAsync(current)).GetProperty("name").GetString());
        }

        [Fact]
        public async Task A_hanging_part_answers_nothing_and_is_recorded_as_abandoned()
        {
            await using var lab = await RunningLab.StartAsync();
            // Warm the part first, so that the request surely reaches it before the client gives up on a busy machine.
            using (await lab.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary"))
            {
            }

            await lab.SwitchScenarioAsync("unreachable");
            using var impatient = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.GetAsync(lab.Endpoints.StatusPageUrl + "/api/v1/summary"));

            // The record is written once the lab notices the client left.
            await lab.WaitForRequestAsync(r => r.Part == "statusPage" && r.Status == 499);
            Assert.Contains(lab.Host.Context.Requests, r => r.Part == "statusPage" && r.Status == 499);
        }

        [Fact]
        public async Task Injected_latency_delays_the_world_but_not_the_control_api()
        {
            await using var lab = await RunningLab.StartAsync();
            using (await lab.Http.PutAsync(lab.Endpoints.ControlUrl + "/_lab/latency/250", null))
            {
            }

            var clock = Stopwatch.StartNew();
            using (await lab.GetAsync(lab.Endpoints.AppUrl + "/health"))
            {
            }

            Assert.True(clock.ElapsedMilliseconds >= 240, $"answered after {clock.ElapsedMilliseconds} ms");
            Assert.Equal(250, lab.Host.Context.LatencyMs);
        }

        [Fact]
        public async Task The_json_line_names_every_endpoint()
        {
            await using var lab = await RunningLab.StartAsync("us-outage");

            using var line = JsonDocument.Parse(lab.Endpoints.ToJsonLine());
            var root = line.RootElement;

            Assert.DoesNotContain('\n', lab.Endpoints.ToJsonLine());
            Assert.Equal("us-outage", root.GetProperty("scenario").GetString());
            Assert.Equal(Environment.ProcessId, root.GetProperty("pid").GetInt32());
            foreach (var name in new[] { "statusPage", "statusPageV2", "posthog", "app", "control", "deadUrl", "notify", "slackWebhookUrl" })
            {
                Assert.StartsWith("http://127.0.0.1:", root.GetProperty(name).GetString(), StringComparison.Ordinal);
            }

            Assert.Equal(LabKeys.Good, root.GetProperty("projectApiKey").GetString());
            Assert.Equal(LabKeys.Personal, root.GetProperty("personalApiKey").GetString());
            await Assert.ThrowsAsync<HttpRequestException>(() => lab.Http.GetAsync(lab.Endpoints.DeadUrl + "/health"));
        }
    }
}
