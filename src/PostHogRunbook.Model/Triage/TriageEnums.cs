using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace PostHogRunbook.Model
{
    /// <summary>Where the runbook's decision tree ended.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum TriageCategory
    {
        Healthy,
        Intermittent,
        PostHogOutage,
        Authentication,
        RateLimited,
        PostHogServerErrors,
        InternalInfrastructure,
        MonitoringGap,
        Unknown,
    }

    /// <summary>The runbook's severities; None when there is nothing to respond to.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum IncidentSeverity
    {
        None,
        P4,
        P3,
        P2,
        P1,
    }

    /// <summary>What the runbook does next for a category.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum RemediationAction
    {
        None,
        Monitor,
        EnableFallback,
        QueueRequests,
        RotateApiKey,
        RestartIntegration,
        Escalate,
    }

    /// <summary>The six triage checks.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum TriageCheckName
    {
        StatusPage,
        PostHogApi,
        AppHealth,
        ErrorRate,
        Workload,
        ErrorLogs,
    }

    /// <summary>
    /// A check's outcome. Unavailable: its dependency failed (the reason is kept). Skipped: not configured.
    /// </summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum CheckStatus
    {
        Pass,
        Warn,
        Fail,
        Unavailable,
        Skipped,
    }

    /// <summary>What the live PostHog probe found.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum ApiProbeOutcome
    {
        Ok,
        KeyRejected,
        KeyMalformed,
        Forbidden,
        RateLimited,
        ServerError,
        Unreachable,
        TimedOut,
        UnexpectedResponse,
    }

    /// <summary>Where the probe's project key came from.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum ApiKeySource
    {
        None,
        DeploymentSecret,
        Configured,
    }
}
