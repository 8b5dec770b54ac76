namespace PostHogRunbook.Model
{
    /// <summary>
    /// Where the incident journal lives: File, a folder of JSON-lines files (one machine, or a shared folder);
    /// Kubernetes, ConfigMaps in the integration's namespace, shared by everyone who can reach the cluster.
    /// </summary>
    public enum JournalStore
    {
        File,
        Kubernetes,
    }

    /// <summary>Where an incident stands. Only Resolved closes it: a new triage of the same target then opens a new one.</summary>
    public enum IncidentStatus
    {
        Investigating,
        Identified,
        Mitigated,
        Monitoring,
        Resolved,
    }

    /// <summary>
    /// What a journal entry records. A kind this version does not know (written by a newer one) reads as
    /// <see cref="Unknown"/>, with its message kept.
    /// </summary>
    public enum IncidentEntryKind
    {
        Unknown,
        Opened,
        Triage,
        Action,
        ActionFailed,
        Undo,
        Verification,
        StatusChanged,
        Commander,
        Impact,
        Note,
        Notification,
    }

    /// <summary>
    /// How a change to production went. Unknown only for a value written by a newer version of the module.
    /// </summary>
    public enum RemediationOutcome
    {
        Unknown,
        Applied,
        AlreadyInState,
        Skipped,
        Failed,
    }
}
