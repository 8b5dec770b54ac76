using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>Our integration's own view: GET /health, field .services.posthog.</summary>
    internal sealed class AppHealthCheck : ITriageCheck
    {
        public TriageCheckName Name => TriageCheckName.AppHealth;

        public int SequentialCalls => 1;

        public bool UsesKubernetes => false;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var url = context.Profile.GetUri(RunbookSetting.HealthUrl);
            if (url == null)
            {
                return CheckOutcome.Skipped("no -HealthUrl");
            }

            HttpFetchResult answer;
            try
            {
                answer = await context.Http.GetAsync(url, context.CheckTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                throw ex.Named("AppHealthUnreachable", "Our /health is unreachable. ", RunbookHttp.Describe(url));
            }

            var body = answer.BodyAsJsonObject();
            if (body == null)
            {
                if (answer.Status >= 500)
                {
                    var down = new AppHealthEvidence(context.Redactor.Redact(url.ToString()), answer.Status, null, null, new Dictionary<string, string>());
                    return new CheckOutcome(CheckStatus.Fail, $"/health answers HTTP {answer.Status} without a health document.", down);
                }

                throw new RunbookException("AppHealthInvalidResponse", RunbookErrorKind.InvalidResult, $"/health answered HTTP {answer.Status} with '{answer.ContentType ?? "no content type"}', not JSON. It starts: {answer.BodyPreview()}", RunbookHttp.Describe(url));
            }

            var services = (body["services"] as JObject)?.Properties().ToDictionary(p => p.Name, p => ServiceState(p.Value), StringComparer.OrdinalIgnoreCase)
                ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            services.TryGetValue("posthog", out var posthog);
            var overall = body["status"]?.ToString();
            var evidence = new AppHealthEvidence(context.Redactor.Redact(url.ToString()), answer.Status, overall, posthog, services);
            var line = $"/health HTTP {answer.Status}: status {overall ?? "(none)"}, posthog {posthog ?? "(not reported)"}";
            if (answer.Status >= 500 || Is(overall, "down") || Is(posthog, "down"))
            {
                return new CheckOutcome(CheckStatus.Fail, line + ".", evidence);
            }

            return Is(posthog, "ok") || Is(posthog, "healthy") || Is(posthog, "up")
                ? new CheckOutcome(Is(overall, "ok") || overall == null ? CheckStatus.Pass : CheckStatus.Warn, line + ".", evidence)
                : new CheckOutcome(CheckStatus.Warn, line + ".", evidence);
        }

        // A service is "ok" or {"status":"ok", ...}.
        static string ServiceState(JToken value) => value is JObject nested ? nested["status"]?.ToString() ?? nested.ToString(Formatting.None) : value.ToString();

        static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
    }
}
