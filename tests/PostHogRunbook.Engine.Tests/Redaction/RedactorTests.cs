using PostHogRunbook.Engine.Redaction;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Redaction
{
    public class RedactorTests
    {
        [Theory]
        [InlineData("ERROR posthog request failed api_key=phc_AbCdEf0123456789AbCdEf0123456789AbCdEf01234 status=401", "AbCdEf0123456789", "PostHogProjectKey")]
        [InlineData("calling /api/users/@me/ with phx_PersonalKey0123456789abcdefghij", "PersonalKey0123", "PostHogPersonalKey")]
        [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature", "eyJhbGciOiJIUzI1NiJ9", "AuthorizationHeader")]
        [InlineData("retrying with bearer abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz", "BearerToken")]
        [InlineData("    token: lab-d7bbf09c28e7a67cc57ff83772b57005f29f7dd5", "lab-d7bbf09c28e7", "KubeconfigCredential")]
        [InlineData("client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t", "LS0tLS1CRUdJTiBF", "KubeconfigCredential")]
        [InlineData("connecting with password=hunter2-but-longer&user=sre", "hunter2-but-longer", "CredentialParameter")]
        public void Removes_each_kind_of_secret_and_counts_it(string line, string secretPart, string kind)
        {
            var redactor = new Redactor();

            var redacted = redactor.Redact(line);

            Assert.DoesNotContain(secretPart, redacted, StringComparison.Ordinal);
            Assert.Contains(Redactor.Mask, redacted, StringComparison.Ordinal);
            Assert.True(redactor.Counts.TryGetValue(kind, out var count) && count >= 1, $"expected a count for {kind}, got {string.Join(", ", redactor.Counts)}");
        }

        [Fact]
        public void Keeps_what_names_the_secret_so_a_reader_knows_what_was_there()
        {
            var redacted = new Redactor().Redact("api_key=phc_AbCdEf0123456789AbCdEf0123456789 Authorization: Bearer abcdefghijklmnop");

            Assert.Contains("api_key=phc_" + Redactor.Mask, redacted, StringComparison.Ordinal);
            Assert.Contains("Authorization: " + Redactor.Mask, redacted, StringComparison.Ordinal);
        }

        [Fact]
        public void Masks_a_secret_it_was_told_about_wherever_it_appears_and_counts_each()
        {
            var redactor = new Redactor();
            redactor.AddSecret("s3cr3t-value-from-a-kubernetes-secret");

            var redacted = redactor.Redact("first s3cr3t-value-from-a-kubernetes-secret then again s3cr3t-value-from-a-kubernetes-secret.");

            Assert.Equal($"first {Redactor.Mask} then again {Redactor.Mask}.", redacted);
            Assert.Equal(2, redactor.Counts["KnownSecret"]);
        }

        [Fact]
        public void Leaves_ordinary_text_alone_and_counts_nothing()
        {
            var redactor = new Redactor();
            redactor.AddSecret("short");
            const string line = "2026-11-29T06:41:32Z INFO posthog batch sent status=200 events=25 in short order";

            Assert.Equal(line, redactor.Redact(line));
            Assert.Equal(0, redactor.Total);
        }

        [Fact]
        public void Does_not_count_a_value_twice_when_two_rules_see_it()
        {
            var redactor = new Redactor();

            redactor.Redact("api_key=phc_AbCdEf0123456789AbCdEf0123456789");

            Assert.Equal(1, redactor.Total);
        }

        [Theory]
        [InlineData("GET http://monitor:hunter2hunter2@prometheus:9090/api/v1/query failed", "hunter2hunter2", "http://[REDACTED]@prometheus:9090/api/v1/query", "UrlCredentials")]
        [InlineData("cloning https://ghp_tokenonlyuser1234@git.example/repo", "ghp_tokenonlyuser1234", "https://[REDACTED]@git.example/repo", "UrlCredentials")]
        [InlineData("health at https://app.internal/health?token=abc&verbose=1", "=abc", "https://app.internal/health?token=[REDACTED]&verbose=1", "UrlQueryCredential")]
        [InlineData("page https://status.example/api?x=1&api_key=k3y!", "k3y!", "https://status.example/api?x=1&api_key=[REDACTED]", "UrlQueryCredential")]
        [InlineData("https://h/cb?access_token=eyJraWQ&state=9", "eyJraWQ", "https://h/cb?access_token=[REDACTED]&state=9", "UrlQueryCredential")]
        public void Removes_credentials_from_URLs_and_keeps_the_rest_of_the_URL(string line, string secretPart, string expectedPart, string kind)
        {
            var redactor = new Redactor();

            var redacted = redactor.Redact(line);

            Assert.DoesNotContain(secretPart, redacted, StringComparison.Ordinal);
            Assert.Contains(expectedPart, redacted, StringComparison.Ordinal);
            Assert.Equal(1, redactor.Total);
            Assert.Equal(1, redactor.Counts[kind]);
            Assert.Equal(redacted, redactor.Redact(redacted));
        }

        [Theory]
        [InlineData("http://127.0.0.1:9090/api/v1/query?query=sum%28rate%28posthog_errors_total%5B5m%5D%29%29&time=1")]
        [InlineData("mail sre@example.com about https://status.example/incidents/42?since=5m")]
        public void Leaves_URLs_without_credentials_alone(string line)
        {
            var redactor = new Redactor();

            Assert.Equal(line, redactor.Redact(line));
            Assert.Equal(0, redactor.Total);
        }

        [Theory]
        [InlineData("phc_AbCdEf0123456789AbCdEf0123456789Wxyz", "phc_…Wxyz")]
        [InlineData("phx_0123456789abcdefghij9876", "phx_…9876")]
        [InlineData("phc_short", "phc_…")]
        [InlineData(null, "(none)")]
        public void A_hint_shows_the_prefix_and_last_four_only(string? key, string expected)
        {
            Assert.Equal(expected, Redactor.Hint(key));
        }
    }
}
