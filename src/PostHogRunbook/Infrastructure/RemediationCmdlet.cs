using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Remediation;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// What the remediation primitives share: the profile parameters or a piped TriageReport / PostHogIncident as
    /// the target, plan first (reads only), ShouldProcess on the pipeline thread (-WhatIf shows the real before and
    /// after and writes nothing), then apply, wait for the rollout, verify, journal. A failure of one piped target
    /// is that target's error record; the next target goes on.
    /// </summary>
    public abstract class RemediationCmdlet : RunbookCmdlet
    {
        /// <summary>A TriageReport or PostHogIncident (from the pipeline) naming the integration to act on.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? KubeConfig { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(KubeContextCompleter))]
        public string? Context { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Namespace { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Deployment { get; set; }

        /// <summary>The integration's container; by default the one whose env or envFrom refers to POSTHOG_* or the secret.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Container { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? PostHogHost { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConfigPath { get; set; }

        /// <summary>Each Kubernetes or PostHog request's budget.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; }

        /// <summary>How long to wait for the rollout after the change.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int RolloutTimeoutSec { get; set; } = 300;

        /// <summary>Make the change and return: do not wait for the rollout (nor verify it).</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>The incident to journal the change in (default: the piped incident, else the target's open incident).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? IncidentId { get; set; }

        /// <summary>The journal folder (default: the profile's JournalPath, $env:POSTHOG_RUNBOOK_JOURNAL, else the user's data folder).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Where the journal lives: File (the JournalPath folder) or Kubernetes (ConfigMaps in the profile's namespace).</summary>
        [Parameter]
        public JournalStore JournalStore { get; set; }

        /// <summary>Take the deployment's remediation lock even when another holder's lease is still valid (its holder is gone).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The remediation locks this command holds for the target being processed; released when it is done.</summary>
        readonly List<RemediationLock> heldLocks = new();

        /// <summary>
        /// Appends the records to the named, piped or open incident of the target; the incident's id, or null when
        /// there is none (the change is then only in the result).
        /// </summary>
        internal string? JournalInto(RunbookProfile profile, TriageTarget? target, IReadOnlyList<IncidentRecord> records)
        {
            var journal = IncidentJournalAccess.Open(this, profile);
            var id = IncidentId ?? (TargetBinding.Unwrap(InputObject) as PostHogIncident)?.Id;
            if (id == null && target != null)
            {
                id = Await(token => journal.FindOpenAsync(target, token))?.Id;
            }

            if (id == null)
            {
                WriteVerbose($"No open incident for {target}: the change is not journaled (pass -IncidentId, or use Resolve-PostHogIncident).");
                return null;
            }

            Await(token => journal.AppendAsync(id, records, token));
            return id;
        }

        /// <summary>
        /// One try at a change: planned, shown, applied. LockRefused: another writer holds the deployment's lock (nothing
        /// was written). LockRecords: what the journal must say about the lock (a takeover, a lock lost mid-change).
        /// </summary>
        internal sealed record Attempt(RemediationPlan? Plan, RemediationResult? Change, RunbookException? Error, bool Declined)
        {
            public bool LockRefused { get; init; }

            public IReadOnlyList<IncidentRecord> LockRecords { get; init; } = Array.Empty<IncidentRecord>();
        }

        /// <summary>
        /// Plan, ShouldProcess, apply and wait. Declined: -WhatIf or the user said no (nothing was written). A failure
        /// after the write (a stuck rollout) carries both the result of what was done and the error.
        /// </summary>
        internal Attempt Remediate(RunbookProfile profile, Func<Remediator, CancellationToken, Task<RemediationPlan>> plan, string? alsoDoes)
        {
            var remediator = new Remediator(Services, profile);

            // When nothing can decline the change between the plan and the write (-Confirm:$false and no -WhatIf: a
            // script, a CI job) and no lock is held yet, the lock is taken while the plan is read, and an env change or
            // a restart patches with the plan's resourceVersion as its precondition instead of reading it again under
            // the lock: two round trips to the API server fewer. A change made in between refuses the patch; it is then
            // read again under the lock and written as kubectl would.
            var early = heldLocks.Count == 0 && CannotDecline() ? Task.Run(() => remediator.LockAsync(LockOperation, Force.IsPresent, StopToken), StopToken) : null;
            RemediationPlan planned;
            try
            {
                planned = Await(token => plan(remediator, token));
            }
            catch (RunbookException ex)
            {
                AdoptQuietly(early);
                return new Attempt(null, null, ex, false);
            }
            catch
            {
                // Ctrl+C while planning: a lock taken meanwhile is released with the others.
                AdoptQuietly(early);
                throw;
            }

            WriteVerbose($"{planned.ShouldProcessTarget}: {planned.ShouldProcessAction}{(planned.AlreadyInState ? " (already in state: nothing to write)" : string.Empty)}");
            var action = planned.AlreadyInState ? $"Nothing to write: {planned.Setting} is already {planned.After}" : planned.ShouldProcessAction;
            if (!ShouldProcess(planned.ShouldProcessTarget, alsoDoes == null ? action : $"{alsoDoes}; {action}"))
            {
                AdoptQuietly(early);
                return new Attempt(planned, null, null, true);
            }

            // Past ShouldProcess, before any write: the deployment's lock. -WhatIf never gets here.
            var records = new List<IncidentRecord>();
            var ifUnchanged = false;
            RemediationLock held;
            try
            {
                var (taken, newly) = early != null ? Adopt(early) : HoldLock(remediator, planned.Target);
                held = taken;
                if (newly)
                {
                    if (taken.Takeover != null)
                    {
                        records.Add(IncidentRemediation.TakeoverRecord(taken.Takeover));
                    }

                    // The plan was read before the lock: read it again under the lock, so that a change another writer
                    // finished meanwhile is seen (already in state: nothing written twice). Read while the lock was
                    // being taken, an env change or a restart is checked by its patch's precondition instead.
                    if (early == null || planned.ReadAgainUnderLock)
                    {
                        planned = ReadAgain(remediator, plan, planned);
                    }
                    else
                    {
                        ifUnchanged = true;
                    }
                }
            }
            catch (RunbookException ex) when (ex.ErrorId == RemediationLock.InProgressErrorId)
            {
                return new Attempt(planned, null, ex, false) { LockRefused = true };
            }
            catch (RunbookException ex)
            {
                return new Attempt(planned, null, ex, false) { LockRecords = records };
            }

            var messages = new ConcurrentQueue<string>();
            var progress = new ProgressRecord(2, $"{planned.Action} on {planned.Target}", "Applying");
            try
            {
                while (true)
                {
                    var options = new RemediationOptions(!NoWait.IsPresent, RolloutTimeoutSec, ifUnchanged);
                    try
                    {
                        var result = AwaitWithUpdates(token => remediator.ApplyAsync(planned, options, messages.Enqueue, token), () => Drain(messages, progress));
                        return new Attempt(planned, result, null, false) { LockRecords = WithLoss(records, held) };
                    }
                    catch (RunbookException ex) when (ex.ErrorId == Remediator.DeploymentChangedErrorId && ifUnchanged)
                    {
                        // Changed between the read and the lock (nothing was written): read it again, now under the
                        // lock, and write what that reading calls for.
                        WriteVerbose(ex.Message);
                        planned = ReadAgain(remediator, plan, planned);
                        ifUnchanged = false;
                    }
                }
            }
            catch (RemediationException ex)
            {
                return new Attempt(planned, ex.Change, ex.Error, false) { LockRecords = WithLoss(records, held) };
            }
            catch (RunbookException ex)
            {
                return new Attempt(planned, null, ex, false) { LockRecords = WithLoss(records, held) };
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }

        RemediationPlan ReadAgain(Remediator remediator, Func<Remediator, CancellationToken, Task<RemediationPlan>> plan, RemediationPlan planned)
        {
            var replanned = Await(token => plan(remediator, token));
            if (replanned.AlreadyInState != planned.AlreadyInState || replanned.Before != planned.Before)
            {
                WriteVerbose($"Read again under the lock: {replanned.Setting} is now {replanned.Before ?? "unset"}{(replanned.AlreadyInState ? " (already in state: nothing to write)" : string.Empty)}.");
            }

            return replanned;
        }

        /// <summary>
        /// Whether ShouldProcess is sure to say yes without asking: -Confirm:$false was passed, and -WhatIf is not in
        /// effect (not passed, or passed as $false, and $WhatIfPreference off). Any other case may ask or decline.
        /// </summary>
        bool CannotDecline()
        {
            if (!MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) || confirm is not SwitchParameter { IsPresent: false })
            {
                return false;
            }

            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf))
            {
                return whatIf is SwitchParameter { IsPresent: false };
            }

            return !LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
        }

        string LockOperation => $"{MyInvocation.MyCommand.Name} (process {Environment.ProcessId})";

        /// <summary>The lock taken while planning, now held by this command (RemediationInProgress and the like are thrown here).</summary>
        (RemediationLock Lock, bool Newly) Adopt(Task<RemediationLock> early) => (Held(early.GetAwaiter().GetResult()), true);

        // A lock taken while planning, when the change will not be made after all: held only to be released.
        void AdoptQuietly(Task<RemediationLock>? early)
        {
            if (early == null)
            {
                return;
            }

            try
            {
                heldLocks.Add(early.GetAwaiter().GetResult());
            }
            catch (Exception ex) when (ex is RunbookException or OperationCanceledException)
            {
                // Not taken: nothing to release.
            }
        }

        /// <summary>
        /// The lock of the target's deployment: the one this command already holds for it, or newly taken (and then
        /// its takeover, if any, said as a warning). RemediationInProgress when another writer holds it.
        /// </summary>
        internal (RemediationLock Lock, bool Newly) HoldLock(Remediator remediator, TriageTarget target)
        {
            foreach (var existing in heldLocks)
            {
                if (existing.Deployment == target.Deployment && existing.Namespace == target.Namespace && existing.Context == target.Context)
                {
                    return (existing, false);
                }
            }

            return (Held(Await(token => remediator.LockAsync(LockOperation, Force.IsPresent, token))), true);
        }

        RemediationLock Held(RemediationLock taken)
        {
            heldLocks.Add(taken);
            WriteVerbose($"Holding the remediation lock {taken.LeaseName} (Lease in namespace {taken.Namespace}) as {taken.Holder}, {taken.Duration.TotalSeconds:0} s, renewed while held.");
            if (taken.Takeover != null)
            {
                WriteWarning(taken.Takeover.Message);
            }

            return taken;
        }

        /// <summary>
        /// Releases every lock this command holds: at the end of each target, also after a failure and after Ctrl+C
        /// (the release has its own time budget; a lease it cannot delete expires by itself).
        /// </summary>
        internal void ReleaseLocks()
        {
            foreach (var held in heldLocks)
            {
                var problem = Task.Run(held.ReleaseAsync, CancellationToken.None).GetAwaiter().GetResult();
                if (problem != null && !StopToken.IsCancellationRequested)
                {
                    WriteWarning(problem);
                }
            }

            heldLocks.Clear();
        }

        /// <summary>Holds the locks for the body (one target's whole work), and releases them after it, however it ends.</summary>
        internal void WhileLocking(Action body)
        {
            try
            {
                body();
            }
            finally
            {
                ReleaseLocks();
            }
        }

        List<IncidentRecord> WithLoss(List<IncidentRecord> records, RemediationLock held)
        {
            if (held.Lost != null)
            {
                if (!StopToken.IsCancellationRequested)
                {
                    WriteWarning(held.Lost);
                }

                records.Add(IncidentRecord.Note(held.Lost + "."));
            }

            return records;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && heldLocks.Count > 0)
            {
                // A last resort: every path through ProcessRecord releases its locks already.
                foreach (var held in heldLocks)
                {
                    Task.Run(held.ReleaseAsync, CancellationToken.None).GetAwaiter().GetResult();
                }

                heldLocks.Clear();
            }

            base.Dispose(disposing);
        }

        void Drain(ConcurrentQueue<string> messages, ProgressRecord progress)
        {
            while (messages.TryDequeue(out var message))
            {
                WriteVerbose(message);
                progress.StatusDescription = message;
                WriteProgress(progress);
            }
        }
    }

    /// <summary>A remediation primitive: one planned change, journaled in the incident when there is one.</summary>
    public abstract class RemediationPrimitiveCmdlet : RemediationCmdlet
    {
        /// <summary>What the primitive plans: reads only.</summary>
        protected abstract Task<RemediationPlan> PlanAsync(Remediator remediator, CancellationToken cancellationToken);

        protected override void ProcessRecord()
        {
            Guard(() =>
            {
                var target = TargetBinding.TargetOf(InputObject);
                var profile = ResolveProfile(ConfigPath, target);
                WhileLocking(() =>
                {
                    var attempt = Remediate(profile, PlanAsync, null);
                    if (attempt.Declined)
                    {
                        return;
                    }

                    // Every attempt that reached the cluster is journaled when there is an incident to journal it in.
                    var records = new List<IncidentRecord>(attempt.LockRecords)
                    {
                        attempt.Change != null ? IncidentRemediation.RecordOf(attempt.Change) : IncidentRemediation.FailureOf(Action, attempt.Plan, attempt.Error!),
                    };
                    var incident = JournalInto(profile, attempt.Plan?.Target ?? target, records);
                    if (attempt.Change != null)
                    {
                        WriteObject(incident == null ? attempt.Change : attempt.Change.InIncident(incident));
                    }

                    if (attempt.Error != null)
                    {
                        WriteFailure(attempt.Error);
                    }
                });
            });
        }

        /// <summary>The runbook action this primitive carries out (for the journal).</summary>
        protected abstract RemediationAction Action { get; }
    }
}
