using System;
using System.Management.Automation;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// How the journal cmdlets reach the journal: the folder from the profile, with paths given the meaning the
    /// user's shell gives them, and the output shapes (a table for lists, a list for one incident).
    /// </summary>
    internal static class IncidentJournalAccess
    {
        /// <summary>Selects the list view: one incident shown whole, Timeline included.</summary>
        public const string DetailTypeName = "PostHogRunbook.Model.PostHogIncident#Detail";

        /// <summary>
        /// The journal of the profile (its JournalStore: the file folder, or ConfigMaps through the command's own
        /// Kubernetes client), writing through the command's redactor and clock.
        /// </summary>
        public static IIncidentJournal Open(RunbookCmdlet cmdlet, RunbookProfile profile)
            => IncidentJournals.Open(profile, cmdlet.Services, path => ResolveUserPath(cmdlet, path));

        /// <summary>After a write: how many lost races the cluster journal retried (the verbose stream; the bench reads it).</summary>
        public static void ReportRetries(RunbookCmdlet cmdlet, IIncidentJournal journal)
        {
            if (journal is KubernetesIncidentJournal cluster && cluster.ConflictRetries > 0)
            {
                cmdlet.WriteVerbose($"Journal {cluster.Location}: {cluster.ConflictRetries} write(s) lost a race to another writer (409 Conflict) and were retried.");
            }
        }

        /// <summary>A path as PowerShell means it: relative to the current location, ~ expanded; only file system paths.</summary>
        public static string ResolveUserPath(PSCmdlet cmdlet, string path)
        {
            string resolved;
            ProviderInfo provider;
            try
            {
                resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception ex) when (ex is ProviderNotFoundException or DriveNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
            {
                throw new RunbookException("JournalPathInvalid", RunbookErrorKind.InvalidArgument, $"The journal path '{path}' is not a folder path: {ex.Message}", path);
            }

            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                throw new RunbookException("JournalPathInvalid", RunbookErrorKind.InvalidArgument, $"The journal path '{path}' is on the {provider.Name} provider; the journal needs a file system folder.", path);
            }

            return resolved;
        }

        /// <summary>One incident, tagged so that it formats as a list with its Timeline.</summary>
        public static PSObject Detailed(PostHogIncident incident)
        {
            var shown = new PSObject(incident);
            shown.TypeNames.Insert(0, DetailTypeName);
            return shown;
        }
    }
}
