namespace PostHogRunbook.Model
{
    /// <summary>How one send to one channel went. Output of Send-PostHogIncidentNotification, one per channel and incident.</summary>
    public sealed class NotificationResult
    {
        public NotificationResult(string incidentId, NotificationChannel channel, bool succeeded, int? httpStatus, int attempts, string? externalId, string? errorId, string? error)
        {
            IncidentId = incidentId;
            Channel = channel;
            Succeeded = succeeded;
            HttpStatus = httpStatus;
            Attempts = attempts;
            ExternalId = externalId;
            ErrorId = errorId;
            Error = error;
        }

        public string IncidentId { get; }

        public NotificationChannel Channel { get; }

        public bool Succeeded { get; }

        /// <summary>The status of the last answer; null when no answer came (unreachable, timed out).</summary>
        public int? HttpStatus { get; }

        /// <summary>Requests made, retries included.</summary>
        public int Attempts { get; }

        /// <summary>What the service calls it: PagerDuty's dedup_key, the status page incident's id; null for Slack.</summary>
        public string? ExternalId { get; }

        /// <summary>The stable error id of a failure (SlackChannelNotFound, PagerDutyInvalidEvent, StatusPageUnauthorized...).</summary>
        public string? ErrorId { get; }

        /// <summary>What went wrong, with the service's own words; redacted.</summary>
        public string? Error { get; }

        public override string ToString() => Succeeded ? $"{Channel}: sent ({HttpStatus}, {Attempts} attempt(s))" : $"{Channel}: {ErrorId} {Error}";
    }
}
