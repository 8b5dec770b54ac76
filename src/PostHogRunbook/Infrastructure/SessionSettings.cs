using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// Set-PostHogRunbookConfig's values, one set per runspace: two runspaces of one pwsh (ForEach-Object
    /// -Parallel, a job, a hosted PowerShell) never see each other's profile. A set lives as long as its runspace.
    /// </summary>
    internal static class SessionSettings
    {
        static readonly ConditionalWeakTable<Runspace, ConcurrentDictionary<string, string>> ByRunspace = new();

        // The keys (ProjectApiKey, PersonalApiKey), kept as SecureString copies, never as text.
        static readonly ConditionalWeakTable<Runspace, ConcurrentDictionary<string, SecureString>> SecretsByRunspace = new();

        static readonly ConcurrentDictionary<string, SecureString> NoRunspaceSecrets = new(StringComparer.OrdinalIgnoreCase);

        // Outside any runspace (never in practice: cmdlets run on a pipeline thread) one set serves.
        static readonly ConcurrentDictionary<string, string> NoRunspace = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>The current runspace's settings.</summary>
        public static ConcurrentDictionary<string, string> Current
            => Runspace.DefaultRunspace is { } runspace
                ? ByRunspace.GetValue(runspace, _ => new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase))
                : NoRunspace;

        static ConcurrentDictionary<string, SecureString> CurrentSecrets
            => Runspace.DefaultRunspace is { } runspace
                ? SecretsByRunspace.GetValue(runspace, _ => new ConcurrentDictionary<string, SecureString>(StringComparer.OrdinalIgnoreCase))
                : NoRunspaceSecrets;

        public static IReadOnlyDictionary<string, SecureString> SecretsSnapshot() => new Dictionary<string, SecureString>(CurrentSecrets, StringComparer.OrdinalIgnoreCase);

        /// <summary>Keeps a read-only copy of the key: the caller's SecureString may be disposed after the command.</summary>
        public static void SetSecret(string name, SecureString value)
        {
            var copy = value.Copy();
            copy.MakeReadOnly();
            CurrentSecrets[name] = copy;
        }

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

        public static void Clear()
        {
            Current.Clear();
            CurrentSecrets.Clear();
        }
    }
}
