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

        // A line beyond ASCII is checked as text; the line after it, whose only credential word is one the first line
        // holds too, must still be found (a scan that skipped to the wrong line feed let "token: ..." through).
        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(1 << 20)]
        public void Finds_the_credential_on_the_line_after_one_beyond_ASCII(int chunk)
        {
            var log = "token=abcdef0123 ünïcödé\ntoken: hunter2hunter2\nid-token:dF28aMgBeOpWYQ92\nplain\n";

            var (text, counts) = Stream(log, chunk);

            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
            Assert.DoesNotContain("dF28aMgBeOpWYQ92", text, StringComparison.Ordinal);
            Assert.Equal(string.Join('\n', log.Split('\n').Select(line => new Redactor().Redact(line))), text);
            Assert.Equal(3, counts.Values.Sum());
        }

        // Lines made of the pieces the rules look for, in random order, beside ordinary log lines: the stream, however
        // it is cut, gives exactly what redacting each line as a string gives.
        [Theory]
        [InlineData(1, 11)]
        [InlineData(2, 509)]
        [InlineData(3, 70_001)]
        [InlineData(4, 1 << 20)]
        public void Gives_what_each_line_redacted_alone_gives_for_any_mix_of_credentials_and_text(int seed, int chunk)
        {
            string[] pieces =
            {
                "api_key=", "apikey:", "phc_", "phx_", "Bearer ", "bearer\t", "Authorization: ", "authorization=", "token: ", "  token: ",
                "password=", "password: \"", "https://", "user:pw@", "host.example", "?token=", "&sig=", ";auth=", "@", ":", "=", "\"",
                " ", "\t", "é", "日本", "[REDACTED]", "client-key-data: ", "secret", "key", "access-token=", "Basic ", "/", "&", ",", "}",
                "id-token:", "refresh-token : ", "credentials=", "pwd=", "SiG=", "\r",
            };
            var random = new Random(seed);
            var lines = new List<string>();
            for (var i = 0; i < 3000; i++)
            {
                if (random.Next(3) > 0)
                {
                    lines.Add($"2026-12-02T05:00:00.000Z INFO posthog request ok status=200 url=https://us.i.posthog.com/batch/ events={i}");
                    continue;
                }

                var line = new StringBuilder();
                for (var p = random.Next(1, 20); p > 0; p--)
                {
                    line.Append(random.Next(3) == 0 ? Convert.ToBase64String(BitConverter.GetBytes(random.NextInt64()))[..random.Next(2, 12)] : pieces[random.Next(pieces.Length)]);
                }

                lines.Add(line.ToString());
            }

            var log = string.Join('\n', lines) + "\n";
            var expectedRedactor = new Redactor();
            var expected = string.Join('\n', log.Split('\n').Select(line => expectedRedactor.Redact(line)));

            var (text, counts) = Stream(log, chunk);

            Assert.Equal(expected, text);
            Assert.Equal(expectedRedactor.Counts.OrderBy(e => e.Key), counts.OrderBy(e => e.Key));
        }

        // A log of any size is redacted in the stream's own buffers: no string, Match or array per line, so a bundle
        // of gigabytes of logs does not fill the youngest heap generation again and again (the process's peak memory).
        [Fact]
        public void Redacts_megabytes_of_log_with_keys_on_many_lines_without_allocating_per_line()
        {
            var builder = new StringBuilder();
            for (var i = 0; builder.Length < 4 * 1024 * 1024; i++)
            {
                builder.Append(Log.Split('\n')[i % 200]).Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(builder.ToString());
            var redactor = new Redactor();
            redactor.AddSecret("plain-secret-value-0123456789");
            var tally = new RedactionTally();
            void RedactAll()
            {
                using var writer = redactor.OpenWriter(System.IO.Stream.Null, tally);
                for (var offset = 0; offset < bytes.Length; offset += 81920)
                {
                    writer.Write(bytes, offset, Math.Min(81920, bytes.Length - offset));
                }
            }

            RedactAll();
            var before = GC.GetAllocatedBytesForCurrentThread();
            RedactAll();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // About 20,000 lines with a key each: one small object per line would be over 1 MB.
            Assert.True(tally.Total > 40_000, $"{tally.Total} redactions");
            Assert.True(allocated < 64 * 1024, $"{allocated:N0} bytes allocated redacting {bytes.Length:N0}");
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
