using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// Set-PostHogRunbookConfig's values, one set per runspace: two runspaces of one pwsh (ForEach-Object
    /// -Parallel, a job, a hosted PowerShell) never see each other's profile. A set lives as long as its runspace.
    /// </summary>
    internal static class SessionSettings
    {
        static readonly ConditionalWeakTable<Runspace, ConcurrentDictionary<string, string>> ByRunspace = new();

        // Outside any runspace (never in practice: cmdlets run on a pipeline thread) one set serves.
        static readonly ConcurrentDictionary<string, string> NoRunspace = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The current runspace's settings.</summary>
        public static ConcurrentDictionary<string, string> Current
            => Runspace.DefaultRunspace is { } runspace
                ? ByRunspace.GetValue(runspace, _ => new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase))
                : NoRunspace;

        public static IReadOnlyDictionary<string, string> Snapshot() => new Dictionary<string, string>(Current, StringComparer.OrdinalIgnoreCase);

        public static void Set(string name, string? value)
        {
            if (value == null)
            {
                Current.TryRemove(name, out _);
            }
            else
            {
                Current[name] = value;
            }
        }

        public static void Clear() => Current.Clear();
    }
}
