using System.Net;
using PostHogRunbook.Lab;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Lab
{
    public class PostHogApiLabTests
    {
        [Fact]
        public async Task Flags_accepts_the_good_key_and_rejects_the_revoked_one()
        {
            await using var lab = await RunningLab.StartAsync("bad-key");

            using var good = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{LabKeys.Good}\"}}");
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            var flags = await RunningLab.JsonAsync(good);
            Assert.True(flags.GetProperty("flags").GetProperty("new-onboarding").GetProperty("enabled").GetBoolean());

            using var revoked = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"token\":\"{LabKeys.Revoked}\"}}");
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            var error = await RunningLab.JsonAsync(revoked);
            Assert.Equal("authentication_error", error.GetProperty("type").GetString());
            Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());

            using var notJson = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", "api_key=phc_x");
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }

        [Fact]
        public async Task Capture_checks_only_the_shape_of_the_key()
        {
            await using var lab = await RunningLab.StartAsync();

            using var revoked = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/i/v0/e/", $"{{\"api_key\":\"{LabKeys.Revoked}\",\"event\":\"probe\",\"distinct_id\":\"lab\"}}");
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Equal("Ok", (await RunningLab.JsonAsync(revoked)).GetProperty("status").GetString());

            using var missing = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/batch/", "{\"batch\":[]}");
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        [Fact]
        public async Task A_key_added_through_the_control_api_is_accepted_by_flags()
        {
            await using var lab = await RunningLab.StartAsync();
            const string rotated = "phc_LabRotatedProjectKey01234567890123456789012";

            using var before = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{rotated}\"}}");
            using var add = await lab.Http.PostAsync($"{lab.Endpoints.ControlUrl}/_lab/keys/{rotated}", null);
            using var after = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{rotated}\"}}");

            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        [Fact]
        public async Task Rate_limited_answers_429_with_retry_after_on_every_path()
        {
            await using var lab = await RunningLab.StartAsync("rate-limited");

            foreach (var path in new[] { "/flags?v=2", "/batch/", "/anything" })
            {
                using var response = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + path, $"{{\"api_key\":\"{LabKeys.Good}\"}}");
                Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
                Assert.Equal("throttled", (await RunningLab.JsonAsync(response)).GetProperty("code").GetString());
            }
        }

        [Fact]
        public async Task Server_errors_answer_503_in_plain_text()
        {
            await using var lab = await RunningLab.StartAsync("server-errors");

            using var response = await lab.PostJsonAsync(lab.Endpoints.PostHogUrl + "/flags?v=2", $"{{\"api_key\":\"{LabKeys.Good}\"}}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("transient error, please retry", await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task The_private_api_takes_only_the_personal_key()
        {
            await using var lab = await RunningLab.StartAsync();

            using var me = await lab.GetWithBearerAsync(lab.Endpoints.PostHogUrl + "/api/users/@me/", LabKeys.Personal);
            using var project = await lab.GetWithBearerAsync(lab.Endpoints.PostHogUrl + "/api/projects/@current/", LabKeys.Personal);
            using var wrong = await lab.GetWithBearerAsync(lab.Endpoints.PostHogUrl + "/api/users/@me/", LabKeys.Good);

            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.False(string.IsNullOrEmpty((await RunningLab.JsonAsync(me)).GetProperty("email").GetString()));
            Assert.Equal(LabKeys.Good, (await RunningLab.JsonAsync(project)).GetProperty("api_token").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal("authentication_failed", (await RunningLab.JsonAsync(wrong)).GetProperty("code").GetString());
        }

        [Fact]
        public void Keys_have_the_real_shapes()
        {
            Assert.Matches("^phc_[A-Za-z0-9]{43}$", LabKeys.Good);
            Assert.Matches("^phc_[A-Za-z0-9]{43}$", LabKeys.Revoked);
            Assert.Matches("^phx_[A-Za-z0-9]{43}$", LabKeys.Personal);
        }
    }
}
