using System;
using System.Security;
using PostHogRunbook.Engine.Configuration;

namespace PostHogRunbook.Engine.Comms
{
    /// <summary>
    /// Where and how to send: the three services' addresses and credentials from the profile (credentials as
    /// SecureString from parameters, the session or the environment, never from a config file) and the time
    /// budget of one channel's send, retries included.
    /// </summary>
    public sealed record NotificationSettings(
        SecureString? SlackWebhookUrl,
        SecureString? PagerDutyRoutingKey,
        Uri PagerDutyEventsUrl,
        SecureString? StatusPageApiKey,
        Uri StatusPageApiUrl,
        string? StatusPagePageId,
        string? StatusPageComponentId,
        TimeSpan Timeout)
    {
        public static NotificationSettings FromProfile(RunbookProfile profile)
        {
            ArgumentNullException.ThrowIfNull(profile);
            return new NotificationSettings(
                profile.GetSecret(RunbookSetting.SlackWebhookUrl),
                profile.GetSecret(RunbookSetting.PagerDutyRoutingKey),
                profile.GetUri(RunbookSetting.PagerDutyEventsUrl) ?? new Uri("https://events.pagerduty.com"),
                profile.GetSecret(RunbookSetting.StatusPageApiKey),
                profile.GetUri(RunbookSetting.StatusPageApiUrl) ?? new Uri("https://api.statuspage.io"),
                profile.Get(RunbookSetting.StatusPagePageId),
                profile.Get(RunbookSetting.StatusPageComponentId),
                TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10)));
        }
    }
}
