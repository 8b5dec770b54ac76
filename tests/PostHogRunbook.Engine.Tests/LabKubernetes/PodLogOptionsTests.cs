using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using Xunit;

namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>The log endpoint's query options, through KubernetesClient, on sized logs.</summary>
    public partial class PodLogOptionsTests
    {
        [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")]
        private static partial Regex RuntimeTimestamp();

        [Fact]
        public async Task Sized_logs_are_exact_and_tail_limit_and_timestamps_apply()
        {
            await using var cluster = await InProcessCluster.StartAsync("rate-limited", logBytesPerPod: 300_000);
            var pod = (await cluster.IntegrationPodsAsync())[1].Metadata.Name;

            var whole = await cluster.ReadLogAsync(pod);
            var tail = await cluster.ReadLogAsync(pod, tailLines: 5);
            var limited = await cluster.ReadLogAsync(pod, limitBytes: 100);
            var stamped = await cluster.ReadLogAsync(pod, tailLines: 3, timestamps: true);
            var recent = await cluster.ReadLogAsync(pod, sinceSeconds: 60);

            // A sized log spans the last ten minutes up to the moment it is read, so its timestamps move
            // between reads; what each line says does not.
            Assert.Equal(300_000, whole.Length);
            Assert.Equal(Messages(whole)[^5..], Messages(tail));
            Assert.Equal(whole[24..100], limited[24..]);
            var stampedLines = stamped.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, stampedLines.Length);
            Assert.All(stampedLines, l => Assert.Matches(RuntimeTimestamp(), l));
            Assert.DoesNotMatch(RuntimeTimestamp(), whole);
            Assert.InRange(recent.Length, 300_000 / 10 - 5_000, 300_000 / 10 + 5_000);
            var recentMessages = Messages(recent);
            Assert.Equal(Messages(whole)[^recentMessages.Length..], recentMessages);
        }

        static string[] Messages(string log) =>
            log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Length > 24 ? l[24..] : l).ToArray();

        [Fact]
        public async Task Follow_keeps_the_stream_open_and_writes_a_line_a_second_until_the_client_leaves()
        {
            await using var cluster = await InProcessCluster.StartAsync("rate-limited");
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;

            using var stream = await cluster.Client.CoreV1.ReadNamespacedPodLogAsync(pod, InProcessCluster.Namespace,
                container: "integration", follow: true, tailLines: 1);
            using var reader = new StreamReader(stream);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var lines = new List<string>();
            while (lines.Count < 3)
            {
                lines.Add(await reader.ReadLineAsync(patience.Token) ?? throw new EndOfStreamException("the followed log ended"));
            }

            var times = lines.Select(l => DateTimeOffset.Parse(l[..24], CultureInfo.InvariantCulture)).ToList();
            Assert.True(times[2] > times[1], string.Join("\n", lines));
            Assert.Single(cluster.Context.Requests, r => r.Path.EndsWith("/log", StringComparison.Ordinal) && r.Query.Contains("follow=true", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Previous_of_a_container_that_never_restarted_is_the_kubelets_400()
        {
            await using var cluster = await InProcessCluster.StartAsync();
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;

            var failure = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ReadLogAsync(pod, previous: true));

            Assert.Equal(HttpStatusCode.BadRequest, failure.Response.StatusCode);
            Assert.Equal($"previous terminated container \"integration\" in pod \"{pod}\" not found",
                InProcessCluster.StatusOf(failure).GetProperty("message").GetString());
        }

        [Fact]
        public async Task Since_seconds_keeps_exactly_the_lines_of_that_window()
        {
            await using var cluster = await InProcessCluster.StartAsync("server-errors");
            var pod = (await cluster.IntegrationPodsAsync())[0].Metadata.Name;
            var since = DateTimeOffset.UtcNow.AddSeconds(-120);

            var bySeconds = await cluster.ReadLogAsync(pod, sinceSeconds: 120);
            var all = await cluster.ReadLogAsync(pod);

            var expected = all.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => DateTimeOffset.Parse(l[..24], CultureInfo.InvariantCulture) >= since.AddSeconds(-1))
                .ToList();
            var actual = bySeconds.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.InRange(actual.Length, expected.Count - 1, expected.Count + 1);
            Assert.Contains("status=503", bySeconds, StringComparison.Ordinal);
        }
    }
}
