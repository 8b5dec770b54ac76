using System.Text;
using PostHogRunbook.Engine.Redaction;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Redaction
{
    /// <summary>The redactor as a stream: the same result however the writes cut the text, and bounded by one line.</summary>
    public sealed class RedactingStreamTests
    {
        const string ProjectKey = "phc_StreamTestProjectKey0123456789012345678901";
        const string Personal = "phx_StreamTestPersonalKey012345678901234567890";

        static readonly string Log = string.Join('\n', Enumerable.Range(0, 200).Select(i => (i % 3) switch
        {
            0 => $"2026-12-02T05:00:{i % 60:D2}.000Z DEBUG posthog client configured api_key={ProjectKey} flush_at=50 ünïcödé",
            1 => $"2026-12-02T05:00:{i % 60:D2}.000Z DEBUG private api header=\"Authorization: Bearer {Personal}\"",
            _ => $"2026-12-02T05:00:{i % 60:D2}.000Z INFO posthog request ok status=200 events={i}",
        })) + "\nlast line without a line feed " + ProjectKey;

        static (string Text, IReadOnlyDictionary<string, int> Counts) Stream(string text, int chunk)
        {
            var redactor = new Redactor();
            var tally = new RedactionTally();
            using var output = new MemoryStream();
            var bytes = Encoding.UTF8.GetBytes(text);
            using (var writer = redactor.OpenWriter(output, tally))
            {
                for (var offset = 0; offset < bytes.Length; offset += chunk)
                {
                    writer.Write(bytes, offset, Math.Min(chunk, bytes.Length - offset));
                }
            }

            return (Encoding.UTF8.GetString(output.ToArray()), tally.Counts);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(13)]
        [InlineData(64)]
        [InlineData(4096)]
        [InlineData(1 << 20)]
        public void Gives_the_same_text_and_counts_as_redacting_each_line_however_the_writes_cut_it(int chunk)
        {
            var expectedRedactor = new Redactor();
            var expected = string.Join('\n', Log.Split('\n').Select(line => expectedRedactor.Redact(line)));

            var (text, counts) = Stream(Log, chunk);

            Assert.Equal(expected, text);
            Assert.DoesNotContain(ProjectKey[4..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(Personal[4..], text, StringComparison.Ordinal);
            Assert.Equal(expectedRedactor.Counts.OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
            Assert.Equal(68, counts["PostHogProjectKey"] + counts.GetValueOrDefault("CredentialParameter"));
        }

        // One of each rule's shapes, in upper and mixed case too: the stream's quick check must never skip what a rule masks.
        [Theory]
        [InlineData("AUTHORIZATION: BASIC dXNlcjpwYXNzd29yZA==")]
        [InlineData("retrying with BEARER abcdefghijklmnopqrstuvwxyz012345")]
        [InlineData("    Client-Key-Data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t")]
        [InlineData("    refresh-token: abcdefghijklmnop")]
        [InlineData("GET HTTPS://sre:Hunter2Hunter2@grafana.internal/api")]
        [InlineData("GET /export?X-Amz-SIGNATURE=abcdef0123456789&x=1")]
        [InlineData("connecting with PASSWORD=hunter2-but-longer&user=sre")]
        [InlineData("ACCESS_TOKEN: \"abcdefghijklmnopqrstuvwxyz\"")]
        [InlineData("key phc_AbCdEf0123456789AbCdEf0123456789 and phx_PersonalKey0123456789abcdefghij")]
        public void Masks_what_each_rule_masks_in_any_case(string line)
        {
            var expected = new Redactor().Redact(line);
            Assert.NotEqual(line, expected);

            var (text, _) = Stream(line + "\n", 5);

            Assert.Equal(expected + "\n", text);
        }

        [Fact]
        public void Redacts_a_line_longer_than_its_buffer_in_pieces_cut_at_blanks_without_losing_a_byte()
        {
            // 2 MiB in one line: keys everywhere, words between them, no line feed until the end.
            var builder = new StringBuilder();
            var keys = 0;
            while (builder.Length < 2 * 1024 * 1024)
            {
                builder.Append("filler words here ").Append(ProjectKey).Append(' ');
                keys++;
            }

            var line = builder.ToString();

            var (text, counts) = Stream(line + "\n", 100_003);

            Assert.DoesNotContain(ProjectKey[4..], text, StringComparison.Ordinal);
            Assert.Equal(keys, counts["PostHogProjectKey"]);
            Assert.Equal(line.Replace(ProjectKey, "phc_" + Redactor.Mask, StringComparison.Ordinal) + "\n", text);
        }

        [Fact]
        public void Masks_a_known_secret_and_the_users_pattern_split_across_writes()
        {
            var redactor = new Redactor();
            redactor.AddSecret("plain-secret-value-0123456789");
            redactor.AddPattern("cust_[0-9]{6}");
            var tally = new RedactionTally();
            using var output = new MemoryStream();
            using (var writer = redactor.OpenWriter(output, tally))
            {
                foreach (var piece in new[] { "a plain-secret-", "value-0123456789 and cu", "st_123", "456 end\n" })
                {
                    writer.Write(Encoding.UTF8.GetBytes(piece));
                }
            }

            var text = Encoding.UTF8.GetString(output.ToArray());
            Assert.Equal($"a {Redactor.Mask} and {Redactor.Mask} end\n", text);
            Assert.Equal(1, tally.Counts["KnownSecret"]);
            Assert.Equal(1, tally.Counts["UserPattern"]);
        }
    }
}
