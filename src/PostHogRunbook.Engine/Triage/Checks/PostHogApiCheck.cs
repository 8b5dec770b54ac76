using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage.Checks
{
    /// <summary>
    /// The live probe: POST /flags?v=2 with the key the deployment really uses (its secret, when RBAC allows;
    /// else the configured key). Capture endpoints accept any well-formed key, /flags looks it up, so only
    /// /flags tells a wrong key. With a personal key, the private API too.
    /// </summary>
    internal static class PostHogApiCheck
    {
        static readonly Regex ProjectKeyShape = new(@"^phc_[A-Za-z0-9_-]{16,}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public static async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var host = context.Profile.Get(RunbookSetting.PostHogHost) ?? await DeploymentHostAsync(context).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(host))
            {
                return CheckOutcome.Skipped("no PostHog host: pass -PostHogHost, or let the deployment's POSTHOG_HOST be read");
            }

            if (!RunbookProfile.TryParseHttpUri(host, out var baseUri))
            {
                throw new RunbookException("InvalidSettingUrl", RunbookErrorKind.InvalidArgument, $"The PostHog host '{host}' is not an http(s) URL or host name.", "PostHogHost");
            }

            var (key, source, keyNote) = await FindKeyAsync(context, cancellationToken).ConfigureAwait(false);
            if (key == null)
            {
                return CheckOutcome.Skipped("no project key: the deployment's secret is not readable" + (keyNote != null ? $" ({keyNote})" : string.Empty) + " and no -ProjectApiKey is set");
            }

            context.Redactor.AddSecret(key);
            var personalOutcome = await ProbePersonalAsync(context, baseUri, cancellationToken).ConfigureAwait(false);
            if (!ProjectKeyShape.IsMatch(key))
            {
                var malformed = new ApiProbeEvidence(baseUri.Host, ApiProbeOutcome.KeyMalformed, null, null, 0, source, Redaction.Redactor.Hint(key), "the key is not of the form phc_ followed by letters and digits: not sent", personalOutcome);
                return new CheckOutcome(CheckStatus.Fail, $"The project key from {Describe(source)} is malformed ({malformed.KeyHint}); capture would drop events silently.", malformed);
            }

            var body = new JObject { ["api_key"] = key, ["distinct_id"] = "posthog-runbook-probe" }.ToString(Formatting.None);
            HttpFetchResult answer;
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                // What is left of the check's time, less a margin: a /flags that never answers is a TimedOut finding
                // with its evidence, not a check cut off by its own deadline.
                var budget = context.CheckTimeout - clock.Elapsed - TimeSpan.FromMilliseconds(250);
                answer = await RunbookHttp.SendAsync(HttpMethod.Post, new Uri(baseUri, "/flags?v=2"), budget > TimeSpan.FromMilliseconds(100) ? budget : TimeSpan.FromMilliseconds(100), cancellationToken, content).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                var outcome = ex.Reason == UnreachableReason.TimedOut ? ApiProbeOutcome.TimedOut : ApiProbeOutcome.Unreachable;
                var evidence = new ApiProbeEvidence(baseUri.Host, outcome, null, null, context.CheckTimeout.TotalMilliseconds, source, Redaction.Redactor.Hint(key), context.Redactor.Redact(ex.Message), personalOutcome);
                return new CheckOutcome(CheckStatus.Fail, context.Redactor.Redact(ex.Message), evidence);
            }

            return Judge(context, baseUri, answer, source, key, keyNote, personalOutcome);
        }

        static CheckOutcome Judge(TriageContext context, Uri baseUri, HttpFetchResult answer, ApiKeySource source, string key, string? keyNote, ApiProbeOutcome? personalOutcome)
        {
            var detail = context.Redactor.Redact(ErrorDetail(answer));
            var outcome = answer.Status switch
            {
                >= 200 and < 300 => LooksLikeFlags(answer) ? ApiProbeOutcome.Ok : ApiProbeOutcome.UnexpectedResponse,
                401 => ApiProbeOutcome.KeyRejected,
                403 => ApiProbeOutcome.Forbidden,
                429 => ApiProbeOutcome.RateLimited,
                >= 500 => ApiProbeOutcome.ServerError,
                _ => ApiProbeOutcome.UnexpectedResponse,
            };
            var evidence = new ApiProbeEvidence(baseUri.Host, outcome, answer.Status, answer.RetryAfter?.TotalSeconds, Math.Round(answer.Elapsed.TotalMilliseconds, 1), source, Redaction.Redactor.Hint(key), outcome == ApiProbeOutcome.Ok ? keyNote : detail, personalOutcome);
            var latency = $"{answer.Elapsed.TotalMilliseconds:0} ms";
            var keyText = $"the key from {Describe(source)} ({evidence.KeyHint})";
            return outcome switch
            {
                ApiProbeOutcome.Ok when personalOutcome is { } personal && personal != ApiProbeOutcome.Ok
                    => new CheckOutcome(CheckStatus.Warn, $"/flags accepts {keyText} in {latency}; the private API answered {personal} to the personal key.", evidence),
                ApiProbeOutcome.Ok => new CheckOutcome(CheckStatus.Pass, $"/flags accepts {keyText} in {latency}.", evidence),
                ApiProbeOutcome.KeyRejected => new CheckOutcome(CheckStatus.Fail, $"/flags rejects {keyText}: HTTP 401 {detail}", evidence),
                ApiProbeOutcome.RateLimited => new CheckOutcome(CheckStatus.Fail, $"PostHog throttles us: HTTP 429{(answer.RetryAfter is { } wait ? $", Retry-After {wait.TotalSeconds:0} s" : string.Empty)} {detail}", evidence),
                ApiProbeOutcome.ServerError => new CheckOutcome(CheckStatus.Fail, $"PostHog answers HTTP {answer.Status}: {detail}", evidence),
                _ => new CheckOutcome(CheckStatus.Fail, $"/flags answered HTTP {answer.Status} ({answer.ContentType ?? "no content type"}): {detail}", evidence),
            };
        }

        /// <summary>The deployment's POSTHOG_HOST, when Kubernetes is configured and the deployment readable.</summary>
        internal static async Task<string?> DeploymentHostAsync(TriageContext context)
        {
            if (!context.HasKubernetes)
            {
                return null;
            }

            try
            {
                var deployment = await context.DeploymentAsync().ConfigureAwait(false);
                return deployment?.Spec?.Template?.Spec?.Containers?
                    .SelectMany(c => c.Env ?? new List<k8s.Models.V1EnvVar>())
                    .FirstOrDefault(e => e.Name == "POSTHOG_HOST")?.Value;
            }
            catch (RunbookException)
            {
                // The workload check reports why the deployment is unreadable; here it only means "no host from it".
                return null;
            }
        }

        static async Task<(string? Key, ApiKeySource Source, string? Note)> FindKeyAsync(TriageContext context, CancellationToken cancellationToken)
        {
            string? note = null;
            if (context.HasKubernetes)
            {
                try
                {
                    var secretName = context.Profile.Get(RunbookSetting.SecretName) ?? "posthog-secrets";
                    var secretKey = context.Profile.Get(RunbookSetting.SecretKey) ?? "api-key";
                    var gateway = await context.GatewayAsync().ConfigureAwait(false);
                    var fromSecret = await gateway.ReadSecretValueAsync(secretName, secretKey, cancellationToken).ConfigureAwait(false);
                    if (!string.IsNullOrEmpty(fromSecret))
                    {
                        return (fromSecret.Trim(), ApiKeySource.DeploymentSecret, null);
                    }

                    note = $"secret {secretName} has no '{secretKey}'";
                }
                catch (RunbookException ex)
                {
                    note = $"{ex.ErrorId}: reading the secret";
                    context.Verbose($"PostHogApi: the deployment's secret is not readable ({ex.ErrorId}); using the configured key if any.");
                }
            }

            var configured = context.Profile.Get(RunbookSetting.ProjectApiKey);
            return string.IsNullOrEmpty(configured)
                ? (null, ApiKeySource.None, note)
                : (configured.Trim(), ApiKeySource.Configured, note == null ? null : $"probed the configured key: {note}");
        }

        static async Task<ApiProbeOutcome?> ProbePersonalAsync(TriageContext context, Uri baseUri, CancellationToken cancellationToken)
        {
            var personal = context.Profile.Get(RunbookSetting.PersonalApiKey);
            if (string.IsNullOrEmpty(personal))
            {
                return null;
            }

            context.Redactor.AddSecret(personal);
            var privateHost = new UriBuilder(baseUri) { Host = PrivateHost(baseUri.Host) }.Uri;
            try
            {
                var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + personal.Trim() };
                var answer = await RunbookHttp.GetAsync(new Uri(privateHost, "/api/users/@me/"), context.CheckTimeout, cancellationToken, headers).ConfigureAwait(false);
                return answer.Status switch
                {
                    >= 200 and < 300 => ApiProbeOutcome.Ok,
                    401 => ApiProbeOutcome.KeyRejected,
                    403 => ApiProbeOutcome.Forbidden,
                    429 => ApiProbeOutcome.RateLimited,
                    >= 500 => ApiProbeOutcome.ServerError,
                    _ => ApiProbeOutcome.UnexpectedResponse,
                };
            }
            catch (DependencyUnreachableException ex)
            {
                return ex.Reason == UnreachableReason.TimedOut ? ApiProbeOutcome.TimedOut : ApiProbeOutcome.Unreachable;
            }
        }

        /// <summary>us.i.posthog.com (ingestion) serves the private API as us.posthog.com; other hosts serve both.</summary>
        internal static string PrivateHost(string host)
            => host.EndsWith(".i.posthog.com", StringComparison.OrdinalIgnoreCase) ? host.Replace(".i.posthog.com", ".posthog.com", StringComparison.OrdinalIgnoreCase) : host;

        static bool LooksLikeFlags(HttpFetchResult answer)
            => answer.BodyAsJsonObject() is { } body && (body.ContainsKey("flags") || body.ContainsKey("featureFlags"));

        static string ErrorDetail(HttpFetchResult answer)
        {
            if (answer.BodyAsJsonObject() is { } body)
            {
                var code = body["code"]?.ToString();
                var detail = body["detail"]?.ToString();
                if (code != null || detail != null)
                {
                    return string.Join(": ", new[] { code, detail }.Where(s => !string.IsNullOrEmpty(s)));
                }
            }

            // Not JSON, or not PostHog's error shape: the body's first bytes say what it is.
            return answer.BodyPreview(160);
        }

        static string Describe(ApiKeySource source) => source switch
        {
            ApiKeySource.DeploymentSecret => "the deployment's secret",
            ApiKeySource.Configured => "the configuration",
            _ => "nowhere",
        };
    }
}
