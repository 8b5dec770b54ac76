using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Triage.Checks;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// Runs the six checks concurrently, each bounded by the timeout, then walks the decision tree. Never throws
    /// because a dependency is down: a dead dependency is an Unavailable check with its reason. Only the caller's
    /// cancellation (Ctrl+C) ends it early.
    /// </summary>
    public static class TriageEngine
    {
        static readonly TimeSpan HardStopMargin = TimeSpan.FromMilliseconds(400);

        /// <summary>One report per context (an empty list means the configured or current context), all at once.</summary>
        public static async Task<IReadOnlyList<TriageReport>> RunAsync(
            RunbookProfile profile,
            IReadOnlyList<string> contexts,
            TimeSpan checkTimeout,
            TriageThresholds thresholds,
            Redactor redactor,
            ITriageObserver? observer,
            CancellationToken cancellationToken,
            IReadOnlyCollection<TriageCheckName>? onlyChecks = null)
        {
            var targets = contexts.Count == 0 ? new string?[] { null } : contexts.Select(c => (string?)c).ToArray();
            // The kubeconfig is read once for the command (when a check first needs it), whatever the number of contexts.
            var kubeConfig = new SharedKubeConfig(KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig)));
            var runs = targets.Select(context => RunOneAsync(profile, context, kubeConfig, checkTimeout, thresholds, redactor, observer, onlyChecks, cancellationToken));
            return await Task.WhenAll(runs).ConfigureAwait(false);
        }

        static async Task<TriageReport> RunOneAsync(RunbookProfile profile, string? kubeContext, SharedKubeConfig kubeConfig, TimeSpan checkTimeout, TriageThresholds thresholds, Redactor redactor, ITriageObserver? observer, IReadOnlyCollection<TriageCheckName>? onlyChecks, CancellationToken cancellationToken)
        {
            var startedAt = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            using var context = new TriageContext(profile, kubeContext, checkTimeout, redactor, observer, cancellationToken, kubeConfig) { OnlyChecks = onlyChecks };
            var checks = await Task.WhenAll(
                RunCheckAsync(TriageCheckName.StatusPage, context, token => StatusPageCheck.RunAsync(context, token), cancellationToken),
                RunCheckAsync(TriageCheckName.PostHogApi, context, token => PostHogApiCheck.RunAsync(context, token), cancellationToken),
                RunCheckAsync(TriageCheckName.AppHealth, context, token => AppHealthCheck.RunAsync(context, token), cancellationToken),
                RunCheckAsync(TriageCheckName.ErrorRate, context, token => ErrorRateCheck.RunAsync(context, thresholds, token), cancellationToken),
                RunCheckAsync(TriageCheckName.Workload, context, token => WorkloadCheck.RunAsync(context, token), cancellationToken),
                RunCheckAsync(TriageCheckName.ErrorLogs, context, token => ErrorLogsCheck.RunAsync(context, token), cancellationToken)).ConfigureAwait(false);

            var verdict = TriageDecision.Decide(checks, thresholds);
            var target = await TargetAsync(context).ConfigureAwait(false);
            clock.Stop();
            return new TriageReport(
                verdict.Category,
                verdict.Severity,
                verdict.Action,
                redactor.Redact(verdict.Summary),
                verdict.Path.Select(redactor.Redact).ToList(),
                verdict.DominantError,
                verdict.ErrorRatio,
                checks,
                target,
                startedAt,
                clock.Elapsed);
        }

        static async Task<TriageCheck> RunCheckAsync(TriageCheckName name, TriageContext context, Func<CancellationToken, Task<CheckOutcome>> body, CancellationToken cancellationToken)
        {
            if (context.OnlyChecks != null && !context.OnlyChecks.Contains(name))
            {
                return new TriageCheck(name, CheckStatus.Skipped, "not selected (-Check)", TimeSpan.Zero, null, null, null);
            }

            var clock = Stopwatch.StartNew();
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // The HTTP calls inside a check use the check timeout itself, so a dependency that never answers is
            // named by the check (StatusPageUnreachable, TimedOut); this hard stop only catches what ignores it.
            bounded.CancelAfter(context.CheckTimeout + HardStopMargin);
            TriageCheck check;
            try
            {
                // WaitAsync bounds the check even if something inside ignores its token: a dependency that never
                // answers costs the timeout, never a hang.
                var outcome = await Task.Run(() => body(bounded.Token), bounded.Token).WaitAsync(context.CheckTimeout + HardStopMargin + HardStopMargin, cancellationToken).ConfigureAwait(false);
                check = new TriageCheck(name, outcome.Status, context.Redactor.Redact(outcome.Summary), clock.Elapsed, outcome.Evidence, null, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (RunbookException ex)
            {
                check = Unavailable(name, context, clock.Elapsed, ex.ErrorId, ex.Message);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
                check = Unavailable(name, context, clock.Elapsed, "CheckTimedOut", $"{name} gave no answer within {context.CheckTimeout.TotalSeconds:0.#} s.");
            }
            catch (AggregateException ex) when (ex.InnerException is RunbookException inner)
            {
                check = Unavailable(name, context, clock.Elapsed, inner.ErrorId, inner.Message);
            }
#pragma warning disable CA1031 // A check must never crash the triage: any failure becomes an Unavailable finding with its reason.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                check = Unavailable(name, context, clock.Elapsed, "CheckFailed", $"{name} failed: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                // Cancel before the source is disposed: when the caller's Ctrl+C completes WaitAsync first, the
                // linked source may not have been cancelled yet, and disposing it would leave the body's
                // requests running (and their sockets open) in the background.
                bounded.Cancel();
            }

            context.Observer?.CheckCompleted(context.ResolvedContext, check);
            return check;
        }

        static TriageCheck Unavailable(TriageCheckName name, TriageContext context, TimeSpan duration, string errorId, string message)
        {
            var redacted = context.Redactor.Redact(message);
            return new TriageCheck(name, CheckStatus.Unavailable, redacted, duration, null, redacted, errorId);
        }

        static async Task<TriageTarget> TargetAsync(TriageContext context)
        {
            var profile = context.Profile;
            // From what the chosen checks read, never more: the target alone does not open Kubernetes (with
            // -Check StatusPage -Region US, no cluster is touched).
            var deploymentRead = context.DeploymentRequested;
            var host = profile.Get(RunbookSetting.PostHogHost) ?? (deploymentRead ? await PostHogApiCheck.DeploymentHostAsync(context).ConfigureAwait(false) : null);
            var region = deploymentRead ? await StatusPageCheck.RegionAsync(context).ConfigureAwait(false) : profile.GetRegion();
            return new TriageTarget(
                context.KubeConfigPath,
                context.ResolvedContext,
                context.ResolvedNamespace,
                context.Deployment,
                context.Selector,
                profile.Get(RunbookSetting.SecretName),
                profile.Get(RunbookSetting.SecretKey),
                host,
                region,
                profile.Get(RunbookSetting.StatusPageUrl),
                profile.Get(RunbookSetting.HealthUrl),
                profile.Get(RunbookSetting.PrometheusUrl));
        }
    }
}
