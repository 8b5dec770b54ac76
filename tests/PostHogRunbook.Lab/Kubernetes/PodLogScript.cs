using System.Globalization;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>One line of a container's log: when the runtime recorded it, and what the container wrote.</summary>
    internal readonly record struct LogLine(DateTimeOffset At, string Text);

    /// <summary>How a container's run ended, which decides the last lines of its log.</summary>
    internal enum RunEnding
    {
        StillRunning,
        Panic,      // exit 1 after a fatal error: a Go panic and its goroutine trace
        OomKilled,  // SIGKILL from the kernel: memory warnings, then nothing
    }

    /// <summary>
    /// What one run of one container wrote, generated line by line and deterministic for a given pod, container,
    /// scenario and run: INFO traffic, ERROR lines carrying the HTTP status PostHog answered (in the format the
    /// module's log check counts), lines that leak secrets (the project key, a personal key in an Authorization
    /// header) so redaction has something to catch, and how the run ended. Lines are spread over the run's window;
    /// with a byte budget the log is exactly that many bytes (timestamps follow the byte offset, so nothing needs
    /// to be generated ahead), otherwise one line about every 2.5 seconds.
    /// </summary>
    internal sealed class PodLogScript
    {
        const int MinimumFiller = 40;
        const string BatchUrl = "https://us.i.posthog.com/batch/";
        const string FlagsUrl = "https://us.i.posthog.com/flags?v=2";

        readonly string pod;
        readonly string container;
        readonly ContainerRole role;
        readonly string projectKey;
        readonly string personalKey;
        readonly ulong seed;
        readonly double errorShare;
        readonly (string Status, double Upto)[] errorMix;

        public PodLogScript(
            string pod,
            string container,
            ContainerRole role,
            LabScenario scenario,
            string projectKey,
            string personalKey,
            DateTimeOffset runStart,
            DateTimeOffset windowStart,
            DateTimeOffset end,
            RunEnding ending,
            long totalBytes)
        {
            this.pod = pod;
            this.container = container;
            this.role = role;
            this.projectKey = projectKey;
            this.personalKey = personalKey;
            RunStart = runStart;
            Start = windowStart < runStart ? runStart : windowStart;
            End = end < Start ? Start : end;
            Ending = ending;
            TotalBytes = totalBytes;
            seed = KubeNames.StableHash64(pod + "/" + container + "/" + scenario.Name + "/" + runStart.ToUnixTimeSeconds());

            // ERROR lines follow the scenario's error rates: their share of requests, and which statuses.
            var errors = scenario.ErrorRates.Where(e => e.Value > 0).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            var errorTotal = errors.Sum(e => e.Value);
            errorShare = errorTotal <= 0 ? 0 : Math.Min(0.9, errorTotal / Math.Max(scenario.RequestRate, errorTotal));
            var running = 0.0;
            errorMix = errors.Select(e => (e.Key, running += e.Value / errorTotal)).ToArray();
        }

        /// <summary>When the container started: the run's first line (its startup banner) is written then.</summary>
        public DateTimeOffset RunStart { get; }

        /// <summary>Where the log the runtime still keeps begins (a long run keeps its last ten minutes).</summary>
        public DateTimeOffset Start { get; }

        public DateTimeOffset End { get; }

        public RunEnding Ending { get; }

        /// <summary>0: natural length; otherwise the exact size of the log in bytes (without timestamp prefixes).</summary>
        public long TotalBytes { get; }

        public IEnumerable<LogLine> Lines()
        {
            var ending = EndingLines();
            return TotalBytes > 0 ? SizedLines(ending) : NaturalLines(ending);
        }

        /// <summary>A line written while someone follows the log (follow=true), at the time it is written.</summary>
        public LogLine FollowLine(long index, DateTimeOffset at) => new(at, BodyLine(1_000_000 + index, at));

        /// <summary>
        /// One line per 2.5 s slot of wall-clock time since the run started: the line written at a given moment is
        /// the same whenever the log is read, and a later read shows the same lines plus the newer ones.
        /// </summary>
        IEnumerable<LogLine> NaturalLines(List<string> ending)
        {
            var slot = TimeSpan.FromMilliseconds(2500).Ticks;
            var firstSlot = (RunStart.UtcTicks + slot - 1) / slot;
            var fromSlot = Math.Max(firstSlot, (Start.UtcTicks + slot - 1) / slot);
            var lastSlot = End.UtcTicks / slot;
            for (var k = fromSlot; k <= lastSlot; k++)
            {
                var at = new DateTimeOffset(k * slot, TimeSpan.Zero);
                if (at >= End && Ending != RunEnding.StillRunning)
                {
                    break;
                }

                yield return new LogLine(at, BodyLine(k - firstSlot, at));
            }

            foreach (var text in ending)
            {
                yield return new LogLine(End, Stamp(text, End));
            }
        }

        IEnumerable<LogLine> SizedLines(List<string> ending)
        {
            var endingBytes = ending.Sum(e => (long)Stamp(e, End).Length + 1);
            var budget = Math.Max(0, TotalBytes - endingBytes);
            var spanTicks = (End - Start).Ticks;
            long written = 0;
            long index = 0;
            while (written < budget)
            {
                var at = Start + TimeSpan.FromTicks((long)(spanTicks * ((double)written / TotalBytes)));
                var text = BodyLine(index++, at);
                var remaining = budget - written;
                var size = text.Length + 1L;
                if (size > remaining || (remaining - size > 0 && remaining - size < MinimumFiller))
                {
                    text = Filler(at, remaining);
                    size = remaining;
                }

                written += size;
                yield return new LogLine(at, text);
            }

            foreach (var text in ending)
            {
                yield return new LogLine(End, Stamp(text, End));
            }
        }

        string BodyLine(long index, DateTimeOffset at)
        {
            var random = new LineRandom(seed, index);
            var ts = KubeTime.FormatMillis(at);
            return role switch
            {
                ContainerRole.Sidecar => string.Create(CultureInfo.InvariantCulture,
                    $"{ts} INFO scrape ok target=http://localhost:8080/metrics samples={120 + random.Next(40)} duration_ms={2 + random.Next(15)}"),
                ContainerRole.Billing => string.Create(CultureInfo.InvariantCulture,
                    $"{ts} INFO invoice processed id=inv_{random.Next(1_000_000):D6} amount_cents={random.Next(100_000)} queue=invoices"),
                _ => IntegrationLine(index, ts, ref random),
            };
        }

        string IntegrationLine(long index, string ts, ref LineRandom random)
        {
            if (index == 0)
            {
                return $"{ts} INFO starting posthog-integration version=1.4.2 pod={pod} host=https://us.i.posthog.com";
            }

            if (index % 40 == 1)
            {
                return $"{ts} DEBUG posthog client configured host=https://us.i.posthog.com api_key={projectKey} flush_at=50 flush_interval_ms=500";
            }

            if (index % 40 == 21)
            {
                return $"{ts} DEBUG posthog private api request method=GET url=https://us.posthog.com/api/users/@me/ header=\"Authorization: Bearer {personalKey}\"";
            }

            var kind = random.NextDouble();
            if (kind < 0.7)
            {
                if (random.NextDouble() < errorShare)
                {
                    var pick = random.NextDouble();
                    var status = errorMix.First(e => pick <= e.Upto || e == errorMix[^1]).Status;
                    return $"{ts} ERROR posthog request failed status={status} method=POST url={(status == "401" ? FlagsUrl : BatchUrl)} detail=\"{Detail(status)}\"";
                }

                return string.Create(CultureInfo.InvariantCulture,
                    $"{ts} INFO posthog request ok status=200 method=POST url={BatchUrl} events={1 + random.Next(50)} duration_ms={40 + random.Next(160)}");
            }

            if (kind < 0.85)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{ts} INFO http request method=GET path=/health status=200 duration_ms={1 + random.Next(4)}");
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"{ts} INFO queue stats pending={random.Next(200)} flushed={random.Next(5000)} dropped=0");
        }

        static string Detail(string status) => status switch
        {
            "401" => "Project API key invalid. You can find your project API key in PostHog project settings.",
            "429" => "throttled",
            "503" => "transient error, please retry",
            "timeout" => "context deadline exceeded (Client.Timeout exceeded while awaiting headers)",
            _ => "unexpected response",
        };

        /// <summary>The last lines of a run that ended; "{ts}" marks where the app wrote its own timestamp.</summary>
        List<string> EndingLines()
        {
            if (role != ContainerRole.Main)
            {
                return new List<string>();
            }

            return Ending switch
            {
                RunEnding.Panic => new List<string>
                {
                    "{ts} ERROR fatal: cannot start event pipeline: dial tcp 10.96.14.2:5432: connect: connection refused",
                    "panic: cannot start event pipeline: dial tcp 10.96.14.2:5432: connect: connection refused",
                    "",
                    "goroutine 1 [running]:",
                    "main.mustStartPipeline(...)",
                    "\t/src/cmd/integration/main.go:112 +0x1c5",
                    "main.main()",
                    "\t/src/cmd/integration/main.go:58 +0x3a9",
                },
                RunEnding.OomKilled => new List<string>
                {
                    "{ts} WARN memory usage high rss_mb=231 limit_mb=256 queue_pending=48211",
                    "{ts} WARN memory usage high rss_mb=249 limit_mb=256 queue_pending=61034",
                    "{ts} WARN event queue over capacity, buffering in memory pending=70391",
                },
                _ => new List<string>(),
            };
        }

        static string Stamp(string text, DateTimeOffset at) =>
            text.StartsWith("{ts}", StringComparison.Ordinal) ? KubeTime.FormatMillis(at) + text[4..] : text;

        static string Filler(DateTimeOffset at, long bytes)
        {
            var length = (int)bytes - 1;
            var head = KubeTime.FormatMillis(at) + " INFO heartbeat pad=";
            return length >= head.Length ? head + new string('.', length - head.Length) : new string('.', Math.Max(0, length));
        }

        /// <summary>A tiny deterministic generator per line (SplitMix64), so any line can be made without the ones before it.</summary>
        struct LineRandom
        {
            ulong state;

            public LineRandom(ulong seed, long index) => state = seed ^ ((ulong)index * 0x9E3779B97F4A7C15UL);

            public ulong NextULong()
            {
                state += 0x9E3779B97F4A7C15UL;
                var z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }

            public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

            public int Next(int upper) => (int)(NextULong() % (ulong)upper);
        }
    }

    /// <summary>Which kind of program writes a container's log.</summary>
    internal enum ContainerRole
    {
        Main,
        Sidecar,
        Billing,
    }
}
