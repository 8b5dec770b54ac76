using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// How the comms cmdlets find the incident they speak of: a piped incident or message, or -IncidentId, read from
    /// the journal as it stands now (a piped object may be older than the last send).
    /// </summary>
    internal static class IncidentInput
    {
        /// <summary>The incident id a pipeline object names (an incident, a message, a postmortem); null for anything else.</summary>
        public static string? IdOf(object? inputObject) => TargetBinding.Unwrap(inputObject) switch
        {
            PostHogIncident incident => incident.Id,
            IncidentMessage message => message.IncidentId,
            Postmortem postmortem => postmortem.IncidentId,
            string id => id,
            _ => null,
        };

        public static RunbookException NotAnIncident(object? inputObject)
            => new(
                "InputNotAnIncident",
                RunbookErrorKind.InvalidArgument,
                $"'{TargetBinding.Unwrap(inputObject)?.GetType().Name ?? "null"}' names no incident: pipe a PostHogIncident (Get-PostHogIncident) or an IncidentMessage, or give -IncidentId.",
                inputObject?.ToString());

        /// <summary>The id to read from the journal: -IncidentId, else the piped object's.</summary>
        public static string IdFrom(object? inputObject, string? incidentId) => incidentId ?? IdOf(inputObject) ?? throw NotAnIncident(inputObject);
    }
}
