namespace PostHogRunbook.Lab.StatusPage
{
    /// <summary>
    /// A component's state, in neither generation's words: each generation renders it in its own vocabulary.
    /// Declared from best to worst, so the worst of several is the largest.
    /// </summary>
    enum ComponentHealth
    {
        Operational,
        UnderMaintenance,
        DegradedPerformance,
        PartialOutage,
        FullOutage,
        Novel, // a value no client knows yet (rendered as an invented word): clients must keep it, not crash
    }
}
