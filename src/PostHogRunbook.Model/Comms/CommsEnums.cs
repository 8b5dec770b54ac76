using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace PostHogRunbook.Model
{
    /// <summary>Who a message is for: Internal (the team's Slack, names and hosts included) or External (the status page, none).</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum IncidentAudience
    {
        Internal,
        External,
    }

    /// <summary>Where Send-PostHogIncidentNotification sends.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum NotificationChannel
    {
        Slack,
        PagerDuty,
        StatusPage,
    }

    /// <summary>The PagerDuty Events API v2 event_action; Auto chooses it from the incident's status.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum PagerDutyEventAction
    {
        Auto,
        Trigger,
        Acknowledge,
        Resolve,
    }
}
