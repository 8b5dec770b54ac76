using System;
using System.Collections.Generic;
using System.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>What to triage: the resolved profile, the contexts (none: the profile's), and the checks to run.</summary>
    public sealed class TriageRequest
    {
        public TriageRequest(RunbookProfile profile, IReadOnlyList<string>? contexts = null, IReadOnlyCollection<TriageCheckName>? onlyChecks = null)
        {
            Profile = profile;
            Contexts = contexts ?? Array.Empty<string>();
            OnlyChecks = onlyChecks;
            CheckTimeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
            Thresholds = profile.GetThresholds();

            // Bad windows fail the request here, like bad thresholds, rather than each check that reads them.
            _ = profile.GetWindow(RunbookSetting.MetricsWindow);
            _ = profile.GetWindow(RunbookSetting.RecentWindow);
        }

        public RunbookProfile Profile { get; }

        /// <summary>Kube contexts to triage at once, one report each; empty means the profile's context.</summary>
        public IReadOnlyList<string> Contexts { get; }

        /// <summary>When set, the checks not in it are Skipped.</summary>
        public IReadOnlyCollection<TriageCheckName>? OnlyChecks { get; }

        /// <summary>Whether the check runs (else it is Skipped: not in <see cref="OnlyChecks"/>).</summary>
        public bool Chooses(TriageCheckName check) => OnlyChecks == null || OnlyChecks.Contains(check);

        /// <summary>Each dependency call's whole budget.</summary>
        public TimeSpan CheckTimeout { get; }

        public TriageThresholds Thresholds { get; }
    }

    /// <summary>One target's triage: its report, and the failure that kept its context from being opened, if any.</summary>
    public sealed class TriageResult
    {
        public TriageResult(TriageReport report, Model.RunbookException? targetFailure)
        {
            Report = report;
            TargetFailure = targetFailure;
        }

        public TriageReport Report { get; }

        /// <summary>Why the target's Kubernetes context could not be used (KubeContextNotFound, KubeConfigInvalid...); the report still stands.</summary>
        public Model.RunbookException? TargetFailure { get; }
    }
}
