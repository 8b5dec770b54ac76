using System;
using System.Collections.Generic;
using System.Linq;

namespace PostHogRunbook.Model
{
    /// <summary>One source of the evidence bundle that could not be collected: the bundle was written without it.</summary>
    public sealed class BundleFailure
    {
        public BundleFailure(string source, string errorId, string message)
        {
            Source = source;
            ErrorId = errorId;
            Message = message;
        }

        /// <summary>What is missing: metrics, status-page.json, logs/&lt;pod&gt;/&lt;container&gt;.log...</summary>
        public string Source { get; }

        /// <summary>The stable error id (PrometheusUnreachable, KubernetesForbidden...).</summary>
        public string ErrorId { get; }

        /// <summary>Why, redacted.</summary>
        public string Message { get; }

        public override string ToString() => $"{Source}: {ErrorId}";
    }

    /// <summary>An incident's evidence bundle: the zip Export-PostHogIncidentBundle wrote, and what went into it.</summary>
    public sealed class IncidentBundle
    {
        public IncidentBundle(
            string path,
            string? incidentId,
            int files,
            long bytes,
            string sha256,
            DateTimeOffset windowStart,
            DateTimeOffset windowEnd,
            IReadOnlyDictionary<string, int> redactions,
            IReadOnlyList<BundleFailure> failures)
        {
            Path = path;
            IncidentId = incidentId;
            Files = files;
            Bytes = bytes;
            Sha256 = sha256;
            WindowStart = windowStart;
            WindowEnd = windowEnd;
            Redactions = redactions;
            Failures = ReadableList.From(failures);
        }

        /// <summary>The zip's full path.</summary>
        public string Path { get; }

        /// <summary>The incident the bundle is evidence of; null for a bundle of the profile's target alone.</summary>
        public string? IncidentId { get; }

        /// <summary>How many entries the zip holds (manifest.json included).</summary>
        public int Files { get; }

        /// <summary>The zip's size.</summary>
        public long Bytes { get; }

        /// <summary>The zip's SHA-256, upper-case hex, as Get-FileHash shows it: what a ticket can quote.</summary>
        public string Sha256 { get; }

        /// <summary>Where the logs begin.</summary>
        public DateTimeOffset WindowStart { get; }

        public DateTimeOffset WindowEnd { get; }

        /// <summary>What the redactor removed from the bundle, by rule.</summary>
        public IReadOnlyDictionary<string, int> Redactions { get; }

        public int RedactionTotal => Redactions.Values.Sum();

        /// <summary>The sources that could not be collected (the manifest says the same).</summary>
        public IReadOnlyList<BundleFailure> Failures { get; }

        public override string ToString() => Path;
    }
}
