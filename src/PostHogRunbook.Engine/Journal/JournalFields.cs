namespace PostHogRunbook.Engine.Journal
{
    /// <summary>The names in a journal line: the model's own property names, so a line reads like the object it folds into.</summary>
    internal static class JournalFields
    {
        public const string At = "At";
        public const string Kind = "Kind";
        public const string Actor = "Actor";
        public const string Message = "Message";
        public const string Journal = "Journal";
        public const string Id = "Id";
        public const string Target = "Target";
        public const string Category = "Category";
        public const string Severity = "Severity";
        public const string Report = "Report";
        public const string RecommendedAction = "RecommendedAction";
        public const string Summary = "Summary";
        public const string DecisionPath = "DecisionPath";
        public const string DominantError = "DominantError";
        public const string ErrorRatio = "ErrorRatio";
        public const string Action = "Action";
        public const string Container = "Container";
        public const string Before = "Before";
        public const string After = "After";
        public const string Outcome = "Outcome";
        public const string Undo = "Undo";
        public const string ErrorId = "ErrorId";
        public const string Status = "Status";
        public const string Commander = "Commander";
        public const string Impact = "Impact";
        public const string Channel = "Channel";
        public const string Notification = "Notification";
        public const string Succeeded = "Succeeded";
        public const string HttpStatus = "HttpStatus";
        public const string Attempts = "Attempts";
        public const string ExternalId = "ExternalId";
        public const string EventAction = "EventAction";
    }
}
