using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Triage.Checks;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// Runs the checks concurrently, each bounded by the timeout, then walks the decision tree. Never throws
    /// because a dependency is down: a dead dependency is an Unavailable check with its reason. Only the caller's
    /// cancellation (Ctrl+C) ends it early.
    /// </summary>
    public sealed class TriageEngine
    {
        static readonly TimeSpan HardStopMargin = TimeSpan.FromMilliseconds(400);

        readonly RunbookServices services;
        readonly IReadOnlyList<ITriageCheck> checks;

        public TriageEngine(RunbookServices services)
            : this(services, TriageChecks.Default)
        {
        }

        internal TriageEngine(RunbookServices services, IReadOnlyList<ITriageCheck> checks)
        {
            this.services = services;
            this.checks = checks;
        }

        /// <summary>How many checks a request runs per target (for progress).</summary>
        public int CheckCount(TriageRequest request)
            => checks.Count(check => request.Chooses(check.Name));

        /// <summary>One result per context (none asked: the profile's context), all at once.</summary>
        public async Task<IReadOnlyList<TriageResult>> RunAsync(TriageRequest request, ITriageObserver? observer, CancellationToken cancellationToken)
        {
            var targets = request.Contexts.Count == 0 ? new string?[] { null } : request.Contexts.Select(c => (string?)c).ToArray();
            var runs = targets.Select(context => RunOneAsync(new TriageContext(services, request, context, observer, cancellationToken), cancellationToken));
            return await Task.WhenAll(runs).ConfigureAwait(false);
        }

        async Task<TriageResult> RunOneAsync(TriageContext context, CancellationToken cancellationToken)
        {
            var startedAt = services.Time.GetUtcNow();
            var clock = Stopwatch.StartNew();

            // Opening the cluster (the kubeconfig read, the client built, TLS) is the longest start of a fresh
            // process's triage: it is queued before the checks, so it is under way before the checks that need it
            // ask. (On a busy two-core pool it may still wait 35-75 ms for a thread behind their bodies; a thread of
            // its own measured no faster.) A triage whose chosen checks read no cluster never opens one.
            if (context.HasKubernetes && checks.Any(check => check.UsesKubernetes && context.Chooses(check.Name)))
            {
                _ = context.GatewayAsync();
            }

            var results = await Task.WhenAll(checks.Select(check => RunCheckAsync(check, context, cancellationToken))).ConfigureAwait(false);

            var verdict = TriageDecision.Decide(results, context.Thresholds);
            var target = await TargetAsync(context).ConfigureAwait(false);
            clock.Stop();
            var redactor = services.Redactor;
            var steps = verdict.Steps
                .Select(step => new DecisionStep(step.Question, step.Answer, step.Value, step.Evidence.Select(e => new DecisionEvidence(e.Check, redactor.Redact(e.Fact))).ToList(), redactor.Redact(step.Text)))
                .ToList();
            var report = new TriageReport(
                verdict.Category,
                verdict.Severity,
                verdict.Action,
                redactor.Redact(verdict.Summary),
                steps,
                verdict.DominantError,
                verdict.ErrorRatio,
                results,
                target,
                startedAt,
                clock.Elapsed);
            return new TriageResult(report, context.GatewayFailure);
        }

        static async Task<TriageCheck> RunCheckAsync(ITriageCheck check, TriageContext context, CancellationToken cancellationToken)
        {
            var name = check.Name;
            if (!context.Chooses(name))
            {
                return new TriageCheck(name, CheckStatus.Skipped, "not selected (-Check)", TimeSpan.Zero, null, null, null);
            }

            var clock = Stopwatch.StartNew();
            // Each dependency call inside a check uses the whole check timeout, so a dependency that never answers
            // is named by the check (StatusPageUnreachable, TimedOut); this hard stop only catches what ignores it.
            var hardStop = (context.CheckTimeout * Math.Max(1, check.SequentialCalls)) + HardStopMargin;
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(hardStop);
            TriageCheck result;
            try
            {
                // WaitAsync bounds the check even if something inside ignores its token: a dependency that never
                // answers costs the timeout, never a hang.
                var outcome = await Task.Run(() => check.RunAsync(context, bounded.Token), bounded.Token).WaitAsync(hardStop + HardStopMargin, cancellationToken).ConfigureAwait(false);
                result = new TriageCheck(name, outcome.Status, context.Redactor.Redact(outcome.Summary), clock.Elapsed, outcome.Evidence, null, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (RunbookException ex)
            {
                result = Unavailable(name, context, clock.Elapsed, ex.ErrorId, ex.Message);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                result = Unavailable(name, context, clock.Elapsed, "CheckTimedOut", $"{name} gave no answer within {context.CheckTimeout.TotalSeconds:0.#} s.");
            }
#pragma warning disable CA1031 // A check must never crash the triage: any failure becomes an Unavailable finding with its reason.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result = Unavailable(name, context, clock.Elapsed, "CheckFailed", $"{name} failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                // Cancel before the source is disposed: when the caller's Ctrl+C completes WaitAsync first, the
                // linked source may not have been cancelled yet, and disposing it would leave the body's
                // requests running (and their sockets open) in the background.
                bounded.Cancel();
            }

            context.Observer?.CheckCompleted(context.ResolvedContext, result);
            return result;
        }

        static TriageCheck Unavailable(TriageCheckName name, TriageContext context, TimeSpan duration, string errorId, string message)
        {
            var redacted = context.Redactor.Redact(message);
            return new TriageCheck(name, CheckStatus.Unavailable, redacted, duration, null, redacted, errorId);
        }

        static async Task<TriageTarget> TargetAsync(TriageContext context)
        {
            var profile = context.Profile;
            // What the checks read, reused: a triage whose checks need no cluster never opens one for its target.
            var host = profile.Get(RunbookSetting.PostHogHost) ?? (context.DeploymentRead ? await PostHogApiCheck.DeploymentHostAsync(context).ConfigureAwait(false) : null);
            var region = profile.GetRegion() != PostHogRegion.All || host == null ? profile.GetRegion() : RunbookProfile.RegionOfHost(host);
            var redactor = context.Redactor;
            return new TriageTarget(
                context.KubeConfigPath,
                context.ResolvedContext,
                context.ResolvedNamespace,
                context.Deployment,
                context.Selector,
                profile.Get(RunbookSetting.SecretName),
                profile.Get(RunbookSetting.SecretKey),
                RedactOrNull(host),
                region,
                RedactOrNull(profile.Get(RunbookSetting.StatusPageUrl)),
                RedactOrNull(profile.Get(RunbookSetting.HealthUrl)),
                RedactOrNull(profile.Get(RunbookSetting.PrometheusUrl)));

            // URLs may carry credentials (user:pass@, ?token=): the target is shown, journaled and exported.
            string? RedactOrNull(string? text) => text == null ? null : redactor.Redact(text);
        }

        /// <summary>A URL as reports show it: without the credentials it may carry (user:password@, ?token=).</summary>
        static string? Shown(TriageContext context, string? url) => url == null ? null : context.Redactor.Redact(url);
    }
}
