using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// The cmdlets' common ground: the composition root (the command's RunbookServices, built once and disposed
    /// with it), the profile resolved with this runspace's session values, a cancellation source that Ctrl+C
    /// (StopProcessing) trips, a plain blocking wait on engine tasks (no marshalling back to this thread), and
    /// engine failures as ErrorRecords: terminating for the whole command, WriteError for one target.
    /// </summary>
    public abstract partial class RunbookCmdlet : PSCmdlet, IDisposable
    {
        readonly CancellationTokenSource stopping = new();
        RunbookServices? services;
        bool disposed;

        protected CancellationToken StopToken => stopping.Token;

        /// <summary>This command's services: HTTP through the module's pool, one Kubernetes connector, one redactor, the clock.</summary>
        internal RunbookServices Services => services ??= RunbookServices.Create(ModuleHttp.Client);

        /// <summary>
        /// The runbook profile for this command: the bound parameters, then <paramref name="target"/> (what a piped
        /// report or incident names), then this runspace's session values, the config file, the environment, the
        /// defaults; paths as this shell resolves them. Its warnings are written; with <paramref name="validate"/>
        /// its first problem (InvalidSetting, ConfigFile...) is terminating, since nothing the command does can be
        /// right with it. Get-PostHogRunbookConfig resolves without it, to show a broken profile.
        /// </summary>
        protected RunbookProfile ResolveProfile(string? configPath, TriageTarget? target = null, IReadOnlyDictionary<string, string?>? parameters = null, bool validate = true)
        {
            var values = parameters != null ? new Dictionary<string, string?>(parameters, StringComparer.OrdinalIgnoreCase) : BoundProfileParameters();
            if (target != null)
            {
                foreach (var (name, value) in TargetBinding.SettingsOf(target))
                {
                    if (!values.TryGetValue(name, out var given) || string.IsNullOrEmpty(given))
                    {
                        values[name] = value;
                    }
                }
            }

            var profile = RunbookProfile.Resolve(values, configPath, ShellEnvironment, SessionSettings.Snapshot(), new SecretInputs(BoundSecrets(), SessionSettings.SecretsSnapshot()));
            if (validate)
            {
                foreach (var warning in profile.Warnings)
                {
                    WriteWarning(warning);
                }

                profile.ThrowIfInvalid();
            }

            return profile;
        }

        /// <summary>The profile settings the user actually bound, as strings, for the profile resolver (other parameters are not settings).</summary>
        protected Dictionary<string, string?> BoundProfileParameters()
        {
            var bound = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in MyInvocation.BoundParameters)
            {
                // Keys are not text: they travel as SecureString (BoundSecrets) until the request that sends them.
                if (RunbookSetting.Find(entry.Key) == null || entry.Value is System.Security.SecureString)
                {
                    continue;
                }

                bound[entry.Key] = entry.Value switch
                {
                    null => null,
                    string[] many => string.Join(",", many),
                    IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                    _ => entry.Value.ToString(),
                };
            }

            return bound;
        }

        /// <summary>The keys the user bound (SecureString parameters that are profile settings), as they were given.</summary>
        protected Dictionary<string, System.Security.SecureString> BoundSecrets()
        {
            var secrets = new Dictionary<string, System.Security.SecureString>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in MyInvocation.BoundParameters)
            {
                if (entry.Value is System.Security.SecureString secure && RunbookSetting.Find(entry.Key) is { IsSecret: true } setting)
                {
                    secrets[setting.Name] = secure;
                }
            }

            return secrets;
        }

        protected override void StopProcessing()
        {
            CancelWork();
            base.StopProcessing();
        }

        // How long a stopped command waits for its work's clean-up.
        static readonly TimeSpan CleanUpWait = TimeSpan.FromSeconds(10);

        /// <summary>Runs engine work to completion on the thread pool and waits for it here, cancellably.</summary>
        protected T Await<T>(Func<CancellationToken, Task<T>> work)
        {
            return Task.Run(() => work(StopToken), StopToken).GetAwaiter().GetResult();
        }

        /// <summary>
        /// Runs engine work on the thread pool and, while it runs, calls <paramref name="onTick"/> here on the
        /// pipeline thread every 200 ms, so progress and verbose messages queued by workers are written safely.
        /// </summary>
        protected T AwaitWithUpdates<T>(Func<CancellationToken, Task<T>> work, Action onTick)
        {
            var task = Task.Run(() => work(StopToken), StopToken);
            try
            {
                while (!task.IsCompleted)
                {
                    try
                    {
                        task.Wait(200, StopToken);
                    }
                    catch (AggregateException)
                    {
                        // The task's own failure is rethrown, unwrapped, by GetResult below.
                        break;
                    }

                    onTick();
                }

                onTick();
                return task.GetAwaiter().GetResult();
            }
            finally
            {
                // A stop can reach this thread first, as a PipelineStoppedException from a Write*, before
                // StopProcessing runs: the work must not go on in the background. Its own clean-up (a half-written
                // file removed, a lease released) is awaited before the command returns, for a bounded time, so a
                // stop never returns with a temporary file still beside -Path, and a stuck call never holds it up.
                if (!task.IsCompleted)
                {
                    CancelWork();
                    ((IAsyncResult)task).AsyncWaitHandle.WaitOne(CleanUpWait);
                }
            }
        }

        /// <summary>Terminating: a failure the whole command cannot continue past.</summary>
        protected void Fail(RunbookException exception) => ThrowTerminatingError(ErrorRecords.From(exception, Services.Redactor));

        /// <summary>Non-terminating: one target or item failed; the others go on (-ErrorAction decides what the user sees).</summary>
        protected void WriteFailure(RunbookException exception) => WriteError(ErrorRecords.From(exception, Services.Redactor));

        /// <summary>
        /// Runs the body and maps failures: RunbookException to its stable id, Ctrl+C to a quiet stop.
        /// </summary>
        protected void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (RunbookException ex)
            {
                Fail(ex);
            }
            catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        void CancelWork()
        {
            lock (stopping)
            {
                if (!disposed && !stopping.IsCancellationRequested)
                {
                    stopping.Cancel();
                }
            }
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing)
            {
                return;
            }

            lock (stopping)
            {
                if (disposed)
                {
                    return;
                }

                // Whatever is still running for this command ends with it.
                if (!stopping.IsCancellationRequested)
                {
                    stopping.Cancel();
                }

                disposed = true;
                stopping.Dispose();
            }

            services?.Dispose();
        }
    }
}
