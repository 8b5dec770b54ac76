namespace PostHogRunbook.Model
{
    /// <summary>The runbook's postmortem template filled from an incident's journal. Output of New-PostHogPostmortem.</summary>
    public sealed class Postmortem
    {
        public Postmortem(string incidentId, string title, string markdown, string? path)
        {
            IncidentId = incidentId;
            Title = title;
            Markdown = markdown;
            Path = path;
        }

        public string IncidentId { get; }

        public string Title { get; }

        /// <summary>The whole document, markdown, already redacted.</summary>
        public string Markdown { get; }

        /// <summary>The file it was written to (-Path); null when only sent down the pipeline.</summary>
        public string? Path { get; }

        public override string ToString() => Markdown;
    }
}
