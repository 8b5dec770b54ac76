using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>What a check's body returns; the runner adds the name, the duration and the failure handling.</summary>
    internal sealed record CheckOutcome(CheckStatus Status, string Summary, TriageEvidence? Evidence)
    {
        public static CheckOutcome Skipped(string why) => new(CheckStatus.Skipped, why, null);
    }
}
