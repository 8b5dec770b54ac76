namespace PostHogRunbook.Model
{
    /// <summary>What the live probe of PostHog's /flags (and the private API, with a personal key) saw.</summary>
    public sealed class ApiProbeEvidence : TriageEvidence
    {
        public ApiProbeEvidence(
            string host,
            ApiProbeOutcome outcome,
            int? httpStatus,
            double? retryAfterSec,
            double latencyMs,
            ApiKeySource keySource,
            string? keyHint,
            string? detail,
            ApiProbeOutcome? personalApiOutcome)
        {
            Host = host;
            Outcome = outcome;
            HttpStatus = httpStatus;
            RetryAfterSec = retryAfterSec;
            LatencyMs = latencyMs;
            KeySource = keySource;
            KeyHint = keyHint;
            Detail = detail;
            PersonalApiOutcome = personalApiOutcome;
        }

        public string Host { get; }

        public ApiProbeOutcome Outcome { get; }

        public int? HttpStatus { get; }

        public double? RetryAfterSec { get; }

        public double LatencyMs { get; }

        /// <summary>Whether the key probed was the one the deployment really uses (its secret) or the configured one.</summary>
        public ApiKeySource KeySource { get; }

        /// <summary>The key's prefix and last four characters (phc_…Ab12): enough to tell keys apart, never the key.</summary>
        public string? KeyHint { get; }

        /// <summary>PostHog's own words (its error code and detail), redacted.</summary>
        public string? Detail { get; }

        /// <summary>The private API's answer to the personal key; null when no personal key is set.</summary>
        public ApiProbeOutcome? PersonalApiOutcome { get; }

        public override string ToString()
            => $"{Outcome}{(HttpStatus is { } status ? $" (HTTP {status})" : string.Empty)} from {Host} in {LatencyMs:0} ms, key {KeyHint ?? "(none)"} ({KeySource})";
    }
}
