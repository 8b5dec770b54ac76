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
    internal sealed class PostHogApiCheck : ITriageCheck
    {
        static readonly Regex ProjectKeyShape = new(@"^phc_[A-Za-z0-9_-]{16,}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        public TriageCheckName Name => TriageCheckName.PostHogApi;

        // The deployment's host and its secret (read at once), then /flags: each with the whole timeout.
        public int SequentialCalls => 2;

        public bool UsesKubernetes => true;

        public async Task<CheckOutcome> RunAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var configuredHost = context.Profile.Get(RunbookSetting.PostHogHost);
            var hostRead = configuredHost != null ? Task.FromResult<string?>(configuredHost) : DeploymentHostAsync(context);
            var keyRead = FindKeyAsync(context, cancellationToken);
            var host = await hostRead.ConfigureAwait(false);
            var (key, source, keyNote) = await keyRead.ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(host))
            {
                return CheckOutcome.Skipped("no PostHog host: pass -PostHogHost, or let the deployment's POSTHOG_HOST be read");
            }

            if (key == null)
            {
                return CheckOutcome.Skipped("no project key: no kubeconfig to read the deployment's secret, and no -ProjectApiKey");
            }

            if (!RunbookProfile.TryParseHttpUri(host, out var baseUri))
            {
                throw new RunbookException("InvalidSettingUrl", RunbookErrorKind.InvalidArgument, $"The PostHog host '{host}' is not an http(s) URL or host name.", "PostHogHost");
            }

            context.Redactor.AddSecret(key);
            var personalProbe = ProbePersonalAsync(context, baseUri, cancellationToken);
            if (!ProjectKeyShape.IsMatch(key))
            {
                var personal = await personalProbe.ConfigureAwait(false);
                var malformed = new ApiProbeEvidence(baseUri.Host, ApiProbeOutcome.KeyMalformed, null, null, 0, source, Redaction.Redactor.Hint(key), "the key is not of the form phc_ followed by letters and digits: not sent", personal);
                return new CheckOutcome(CheckStatus.Fail, $"The project key from {Describe(source)} is malformed ({malformed.KeyHint}); capture would drop events silently.", malformed);
            }

            HttpFetchResult answer;
            try
            {
                // The whole timeout: reading the host and the secret had their own.
                answer = await SendFlagsAsync(context.Http, baseUri, key, context.CheckTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                var outcome = ex.Reason == UnreachableReason.TimedOut ? ApiProbeOutcome.TimedOut : ApiProbeOutcome.Unreachable;
                var evidence = new ApiProbeEvidence(baseUri.Host, outcome, null, null, context.CheckTimeout.TotalMilliseconds, source, Redaction.Redactor.Hint(key), context.Redactor.Redact(ex.Message), await personalProbe.ConfigureAwait(false));
                return new CheckOutcome(CheckStatus.Fail, context.Redactor.Redact(ex.Message), evidence);
            }

            return Judge(context, baseUri, answer, source, key, keyNote, await personalProbe.ConfigureAwait(false));
        }

        static CheckOutcome Judge(TriageContext context, Uri baseUri, HttpFetchResult answer, ApiKeySource source, string key, string? keyNote, ApiProbeOutcome? personalOutcome)
        {
            var detail = context.Redactor.Redact(ErrorDetail(answer));
            var outcome = FlagsOutcome(answer);
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
                return deployment.Spec?.Template?.Spec?.Containers?
                    .SelectMany(c => c.Env ?? new List<k8s.Models.V1EnvVar>())
                    .FirstOrDefault(e => e.Name == "POSTHOG_HOST")?.Value;
            }
            catch (RunbookException)
            {
                // The workload check reports why the deployment is unreadable; here it only means "no host from it".
                return null;
            }
        }

        /// <summary>
        /// The key the deployment really uses (its secret), else the configured one. When the secret cannot be read
        /// and no key is configured, the check is Unavailable with the reason (SecretNotFound, KubernetesForbidden...);
        /// a null key means neither is configured at all.
        /// </summary>
        static async Task<(string? Key, ApiKeySource Source, string? Note)> FindKeyAsync(TriageContext context, CancellationToken cancellationToken)
        {
            RunbookException? secretFailure = null;
            var secretName = context.Profile.Get(RunbookSetting.SecretName)!;
            var secretKey = context.Profile.Get(RunbookSetting.SecretKey)!;
            if (context.HasKubernetes)
            {
                try
                {
                    var gateway = await context.GatewayAsync().ConfigureAwait(false);
                    using var bounded = context.Bounded(cancellationToken);
                    var fromSecret = await gateway.ReadSecretValueAsync(secretName, secretKey, bounded.Token).ConfigureAwait(false);
                    if (!string.IsNullOrEmpty(fromSecret))
                    {
                        return (fromSecret.Trim(), ApiKeySource.DeploymentSecret, null);
                    }

                    secretFailure = new RunbookException("SecretKeyMissing", RunbookErrorKind.ObjectNotFound, $"The secret {secretName} has no key '{secretKey}' (check -SecretKey).", secretName);
                }
                catch (RunbookException ex)
                {
                    secretFailure = ex.ErrorId == "KubernetesNotFound"
                        ? new RunbookException("SecretNotFound", RunbookErrorKind.ObjectNotFound, $"The secret {secretName} does not exist in namespace {context.ResolvedNamespace} (check -SecretName).", secretName, inner: ex)
                        : ex;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    secretFailure = new RunbookException("KubernetesTimedOut", RunbookErrorKind.OperationTimeout, $"Reading the secret {secretName} took longer than {context.CheckTimeout.TotalSeconds:0.#} s.", secretName);
                }

                context.Verbose($"PostHogApi: the deployment's secret is not readable ({secretFailure.ErrorId}); using the configured key if any.");
            }

            var configured = SecretInputs.Reveal(context.Profile.GetSecret(RunbookSetting.ProjectApiKey));
            if (!string.IsNullOrEmpty(configured))
            {
                return (configured.Trim(), ApiKeySource.Configured, secretFailure == null ? null : $"probed the configured key: {secretFailure.ErrorId}: reading the secret");
            }

            return secretFailure == null ? (null, ApiKeySource.None, null) : throw secretFailure;
        }

        static async Task<ApiProbeOutcome?> ProbePersonalAsync(TriageContext context, Uri baseUri, CancellationToken cancellationToken)
        {
            var personal = SecretInputs.Reveal(context.Profile.GetSecret(RunbookSetting.PersonalApiKey));
            if (string.IsNullOrEmpty(personal))
            {
                return null;
            }

            context.Redactor.AddSecret(personal);
            var privateHost = new UriBuilder(baseUri) { Host = PrivateHost(baseUri.Host) }.Uri;
            try
            {
                var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + personal.Trim() };
                var answer = await context.Http.GetAsync(new Uri(privateHost, "/api/users/@me/"), context.CheckTimeout, cancellationToken, headers).ConfigureAwait(false);
                return OutcomeOf(answer.Status, expectedBody: true);
            }
            catch (DependencyUnreachableException ex)
            {
                return ex.Reason == UnreachableReason.TimedOut ? ApiProbeOutcome.TimedOut : ApiProbeOutcome.Unreachable;
            }
        }

        /// <summary>POST /flags?v=2 with a project key: the one call that tells whether PostHog knows the key.</summary>
        internal static async Task<HttpFetchResult> SendFlagsAsync(IRunbookHttp http, Uri baseUri, string key, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var body = new JObject { ["api_key"] = key, ["distinct_id"] = "posthog-runbook-probe" }.ToString(Formatting.None);
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            return await http.SendAsync(HttpMethod.Post, new Uri(baseUri, "/flags?v=2"), timeout, cancellationToken, content).ConfigureAwait(false);
        }

        /// <summary>What /flags' answer says of the key it was sent.</summary>
        internal static ApiProbeOutcome FlagsOutcome(HttpFetchResult answer) => OutcomeOf(answer.Status, LooksLikeFlags(answer));

        internal static bool IsWellFormedProjectKey(string key) => ProjectKeyShape.IsMatch(key);

        /// <summary>What an HTTP answer of PostHog's means for the probe; a 2xx counts only with the body expected.</summary>
        static ApiProbeOutcome OutcomeOf(int status, bool expectedBody) => status switch
        {
            >= 200 and < 300 => expectedBody ? ApiProbeOutcome.Ok : ApiProbeOutcome.UnexpectedResponse,
            401 => ApiProbeOutcome.KeyRejected,
            403 => ApiProbeOutcome.Forbidden,
            429 => ApiProbeOutcome.RateLimited,
            >= 500 => ApiProbeOutcome.ServerError,
            _ => ApiProbeOutcome.UnexpectedResponse,
        };

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
