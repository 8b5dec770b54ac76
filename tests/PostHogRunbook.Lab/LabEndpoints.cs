using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PostHogRunbook.Lab
{
    /// <summary>
    /// Where each part of a running lab listens (http://127.0.0.1:port, no trailing slash), and the keys that reach
    /// it. Kubernetes is null when that part did not start.
    /// </summary>
    public sealed record LabEndpoints(
        string Scenario,
        int ProcessId,
        string StatusPageUrl,
        string StatusPageV2Url,
        string PostHogUrl,
        string AppUrl,
        string ControlUrl,
        string DeadUrl,
        string? KubernetesUrl,
        string? KubeconfigPath,
        string StateDirectory,
        string? NotifyUrl = null)
    {
        public string ProjectApiKey => LabKeys.Good;

        public string PersonalApiKey => LabKeys.Personal;

        /// <summary>The one line the lab process prints on stdout: what a harness reads to find the lab.</summary>
        public string ToJsonLine()
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                json.WriteString("scenario", Scenario);
                json.WriteNumber("pid", ProcessId);
                json.WriteString("statusPage", StatusPageUrl);
                json.WriteString("statusPageV2", StatusPageV2Url);
                json.WriteString("posthog", PostHogUrl);
                json.WriteString("app", AppUrl);
                json.WriteString("control", ControlUrl);
                json.WriteString("deadUrl", DeadUrl);
                if (KubernetesUrl is not null)
                {
                    json.WriteString("kubernetes", KubernetesUrl);
                    json.WriteString("kubeconfig", KubeconfigPath);
                }

                if (NotifyUrl is not null)
                {
                    // Slack, PagerDuty and our Statuspage on one port (Notify/): their addresses and the credentials they take.
                    json.WriteString("notify", NotifyUrl);
                    json.WriteString("slackWebhookUrl", NotifyUrl + Notify.SlackWebhook.GoodPath);
                    json.WriteString("pagerDutyRoutingKey", Notify.PagerDutyEvents.RoutingKey);
                    json.WriteString("statusPageApiKey", Notify.StatuspageIncidents.ApiKey);
                    json.WriteString("statusPagePageId", Notify.StatuspageIncidents.PageId);
                    json.WriteString("statusPageComponentId", Notify.StatuspageIncidents.ComponentId);
                }

                json.WriteString("projectApiKey", ProjectApiKey);
                json.WriteString("revokedProjectApiKey", LabKeys.Revoked);
                json.WriteString("personalApiKey", PersonalApiKey);
                json.WriteString("stateDir", StateDirectory);
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
