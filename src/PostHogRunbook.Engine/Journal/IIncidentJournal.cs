using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>
    /// The incident journal: append-only, one incident per stream of entries, shared by every command, shell
    /// and job that points at the same store. Every text it writes passes the redactor; every change is a new
    /// entry, never a rewrite. Failures are RunbookExceptions: IncidentNotFound, IncidentAlreadyOpen,
    /// JournalLocked, JournalUnwritable.
    /// </summary>
    public interface IIncidentJournal
    {
        /// <summary>Where the journal lives, for messages (a folder, a namespace).</summary>
        string Location { get; }

        /// <summary>
        /// Opens a new incident (status Investigating). Fails with IncidentAlreadyOpen when the target already
        /// has an open one: one incident per workload at a time.
        /// </summary>
        Task<PostHogIncident> OpenAsync(IncidentOpening opening, CancellationToken cancellationToken);

        /// <summary>
        /// Appends the report to the open incident of its target, or opens a new one from it, atomically: two
        /// writers triaging the same target at once end in one incident.
        /// </summary>
        Task<IncidentOpenResult> OpenOrContinueAsync(TriageReport report, CancellationToken cancellationToken);

        /// <summary>The open (not Resolved) incident of the same kube context, namespace and deployment, or null.</summary>
        Task<PostHogIncident?> FindOpenAsync(TriageTarget target, CancellationToken cancellationToken);

        /// <summary>Appends the records, in order, as one write; returns the incident with them. IncidentNotFound for an unknown id.</summary>
        Task<PostHogIncident> AppendAsync(string incidentId, IReadOnlyList<IncidentRecord> records, CancellationToken cancellationToken);

        /// <summary>One incident; IncidentNotFound for an unknown id.</summary>
        Task<PostHogIncident> GetAsync(string incidentId, CancellationToken cancellationToken);

        /// <summary>Every incident, newest first; only those in <paramref name="statuses"/> when given.</summary>
        Task<IReadOnlyList<PostHogIncident>> ListAsync(IReadOnlyCollection<IncidentStatus>? statuses, CancellationToken cancellationToken);
    }

    public static class IncidentJournalExtensions
    {
        /// <summary>Appends one record.</summary>
        public static Task<PostHogIncident> AppendAsync(this IIncidentJournal journal, string incidentId, IncidentRecord record, CancellationToken cancellationToken)
            => journal.AppendAsync(incidentId, new[] { record }, cancellationToken);
    }
}
