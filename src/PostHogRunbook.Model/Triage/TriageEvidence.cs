namespace PostHogRunbook.Model
{
    /// <summary>
    /// What a check saw, as data: the base of PostHogStatus, ApiProbeEvidence, AppHealthEvidence,
    /// ErrorRateEvidence, WorkloadEvidence and ErrorLogEvidence. Every renderer (the console, the journal, the
    /// bundle's manifest, the postmortem, Slack) reads these, never the sentences made from them.
    /// </summary>
    public abstract class TriageEvidence
    {
    }
}
