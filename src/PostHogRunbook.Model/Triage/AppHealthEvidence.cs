using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>What our integration's /health said.</summary>
    public sealed class AppHealthEvidence : TriageEvidence
    {
        public AppHealthEvidence(string url, int httpStatus, string? status, string? postHogService, IReadOnlyDictionary<string, string> services)
        {
            Url = url;
            HttpStatus = httpStatus;
            Status = status;
            PostHogService = postHogService;
            Services = services;
        }

        public string Url { get; }

        public int HttpStatus { get; }

        /// <summary>The overall status field (ok, degraded, down).</summary>
        public string? Status { get; }

        /// <summary>The service's own view of PostHog: .services.posthog.</summary>
        public string? PostHogService { get; }

        public IReadOnlyDictionary<string, string> Services { get; }

        public override string ToString() => $"{Url} HTTP {HttpStatus}: status {Status ?? "(none)"}, posthog {PostHogService ?? "(none)"}";
    }
}
