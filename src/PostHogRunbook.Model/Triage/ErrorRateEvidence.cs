using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>What Prometheus says about the integration's PostHog errors over the window.</summary>
    public sealed class ErrorRateEvidence : TriageEvidence
    {
        public ErrorRateEvidence(
            string prometheusUrl,
            string window,
            IReadOnlyDictionary<string, double> errorsPerSecondByStatus,
            double errorsPerSecond,
            double? requestsPerSecond,
            double? errorRatio,
            double errorsPerSecondNow,
            double errorsInWindow,
            string? dominantStatus,
            IReadOnlyList<string> queries,
            string recentWindow = "1m")
        {
            PrometheusUrl = prometheusUrl;
            Window = window;
            ErrorsPerSecondByStatus = errorsPerSecondByStatus;
            ErrorsPerSecond = errorsPerSecond;
            RequestsPerSecond = requestsPerSecond;
            ErrorRatio = errorRatio;
            ErrorsPerSecondNow = errorsPerSecondNow;
            ErrorsInWindow = errorsInWindow;
            DominantStatus = dominantStatus;
            Queries = queries;
            RecentWindow = recentWindow;
        }

        public string PrometheusUrl { get; }

        public string Window { get; }

        /// <summary>rate(errors[window]) by status label.</summary>
        public IReadOnlyDictionary<string, double> ErrorsPerSecondByStatus { get; }

        public double ErrorsPerSecond { get; }

        /// <summary>rate(requests[window]); null when the request metric is absent.</summary>
        public double? RequestsPerSecond { get; }

        /// <summary>Errors / requests over the window; null without the request metric.</summary>
        public double? ErrorRatio { get; }

        /// <summary>rate(errors[RecentWindow]): are the errors still happening?</summary>
        public double ErrorsPerSecondNow { get; }

        /// <summary>increase(errors[window]): were there any in the window at all?</summary>
        public double ErrorsInWindow { get; }

        public string? DominantStatus { get; }

        public IReadOnlyList<string> Queries { get; }

        /// <summary>What "now" meant, a Prometheus duration (the RecentWindow setting; default 1m).</summary>
        public string RecentWindow { get; }

        public override string ToString()
            => string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{ErrorsPerSecond:0.###} errors/s over {Window}{(ErrorRatio is { } ratio ? $" ({ratio:P1} of requests)" : string.Empty)}, {ErrorsPerSecondNow:0.###}/s now{(DominantStatus != null ? $", mostly {DominantStatus}" : string.Empty)}");
    }
}
