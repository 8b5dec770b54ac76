using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Tests.Journal
{
    /// <summary>A journal folder of its own per test, a clock the test moves, and triage reports built by hand.</summary>
    internal sealed class JournalTestWorld : IDisposable
    {
        public JournalTestWorld()
        {
            Folder = Path.Combine(Path.GetTempPath(), "phr-journal-" + Guid.NewGuid().ToString("n")[..8]);
        }

        public string Folder { get; }

        public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 7, 56, 31, TimeSpan.Zero));

        public Redactor Redactor { get; } = new();

        public FileIncidentJournal Journal(string actor = "sre@laptop") => new(Folder, Redactor, Clock, actor);

        public static TriageTarget Target(string context = "prod-us", string @namespace = "posthog", string deployment = "posthog-integration")
            => new("/home/sre/.kube/config", context, @namespace, deployment, "app=posthog-integration", "posthog-secrets", "api-key", "https://us.i.posthog.com", PostHogRegion.US, "https://www.posthogstatus.com", null, "http://localhost:9090");

        public TriageReport Report(TriageTarget? target = null, TriageCategory category = TriageCategory.PostHogOutage, IncidentSeverity severity = IncidentSeverity.P1, RemediationAction action = RemediationAction.EnableFallback, string? summary = null)
            => new(
                category,
                severity,
                action,
                summary ?? $"{category} ({severity}): 75% of the integration's requests fail. Next: {action}.",
                new[]
                {
                    new DecisionStep(DecisionQuestion.PostHogErrorsNow, DecisionAnswer.Yes, null, new[] { new DecisionEvidence(TriageCheckName.PostHogApi, "the live probe got HTTP 503") }, "PostHog errors now? yes: the live probe got HTTP 503."),
                    new DecisionStep(DecisionQuestion.StatusPageDeclaresIncident, DecisionAnswer.Yes, null, Array.Empty<DecisionEvidence>(), "Does PostHog's status page show an incident on US Cloud? yes."),
                },
                "503",
                0.75,
                Array.Empty<TriageCheck>(),
                target ?? Target(),
                Clock.GetUtcNow().AddSeconds(-3),
                TimeSpan.FromSeconds(2.3));

        public string[] Files() => Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*" + FileIncidentJournal.FileExtension) : Array.Empty<string>();

        public void Dispose()
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
    }

    /// <summary>A TimeProvider whose now is what the test says.</summary>
    internal sealed class ManualClock : TimeProvider
    {
        DateTimeOffset now;

        public ManualClock(DateTimeOffset start)
        {
            now = start;
        }

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
