using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Triage
{
    internal static class TriageAssert
    {
        /// <summary>Category, severity, action and dominant error at once, so a failure shows the whole verdict.</summary>
        public static void Verdict(TriageVerdict verdict, TriageCategory category, IncidentSeverity severity, RemediationAction action, string? dominantError)
            => Assert.Equal(
                (category, severity, action, dominantError),
                (verdict.Category, verdict.Severity, verdict.Action, verdict.DominantError));

        /// <summary>The decision path names the evidence that decided it.</summary>
        public static void PathMentions(TriageVerdict verdict, params string[] fragments)
        {
            var path = string.Join(Environment.NewLine, verdict.Path);
            foreach (var fragment in fragments)
            {
                Assert.Contains(fragment, path, StringComparison.Ordinal);
            }
        }

        public static void PathDoesNotMention(TriageVerdict verdict, string fragment)
            => Assert.DoesNotContain(fragment, string.Join(Environment.NewLine, verdict.Path), StringComparison.Ordinal);
    }
}
