using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using PostHogRunbook.Lab.Hosting;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Lab
{
    /// <summary>The lab server (--serve) the Pester run shares: each lab it starts is a world of its own, and stops on DELETE.</summary>
    public class LabServerTests
    {
        static StringContent Arguments(params string[] arguments) =>
            new(JsonSerializer.Serialize(arguments), Encoding.UTF8, "application/json");

        [Fact]
        public async Task Two_labs_from_one_server_are_separate_worlds_and_a_deleted_one_stops_listening()
        {
            await using var server = await LabServer.StartAsync(CancellationToken.None);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

            using var first = await http.PostAsync(server.Url + "/labs", Arguments("--scenario", "healthy"));
            using var second = await http.PostAsync(server.Url + "/labs", Arguments("--scenario", "us-outage"));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            var one = await RunningLab.JsonAsync(first);
            var two = await RunningLab.JsonAsync(second);
            Assert.NotEqual(one.GetProperty("labId").GetString(), two.GetProperty("labId").GetString());
            Assert.NotEqual(one.GetProperty("statusPageV2").GetString(), two.GetProperty("statusPageV2").GetString());
            Assert.Equal("us-outage", two.GetProperty("scenario").GetString());

            // Each answers its own world's status page.
            async Task<string?> IndicatorAsync(JsonElement lab)
            {
                using var page = JsonDocument.Parse(await http.GetStringAsync(lab.GetProperty("statusPageV2").GetString() + "/api/v2/status.json"));
                return page.RootElement.GetProperty("status").GetProperty("indicator").GetString();
            }

            Assert.Equal("none", await IndicatorAsync(one));
            var outage = await IndicatorAsync(two);
            Assert.NotEqual("none", outage);

            using var deleted = await http.DeleteAsync(server.Url + "/labs/" + one.GetProperty("labId").GetString());
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(one.GetProperty("statusPageV2").GetString() + "/api/v2/status.json"));
            Assert.Equal(outage, await IndicatorAsync(two));

            using var again = await http.DeleteAsync(server.Url + "/labs/" + one.GetProperty("labId").GetString());
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        [Theory]
        [InlineData("[\"--no-such-option\"]", "Unknown argument '--no-such-option'")]
        [InlineData("[\"--serve\"]", "belong to the server's own command line")]
        [InlineData("{\"scenario\":\"healthy\"}", "must be a JSON array")]
        public async Task A_bad_request_is_400_with_what_was_wrong_and_the_usage(string body, string expected)
        {
            await using var server = await LabServer.StartAsync(CancellationToken.None);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

            using var response = await http.PostAsync(server.Url + "/labs", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        [Fact]
        public async Task Disposing_the_server_stops_every_lab_it_still_hosts()
        {
            var server = await LabServer.StartAsync(CancellationToken.None);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            using var started = await http.PostAsync(server.Url + "/labs", Arguments());
            var app = new Uri((await RunningLab.JsonAsync(started)).GetProperty("app").GetString()!);

            await server.DisposeAsync();

            using var probe = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => probe.ConnectAsync(app.Host, app.Port));
        }
    }
}
