namespace PostHogRunbook.Engine.Metrics
{
    /// <summary>
    /// A metric name narrowed by the MetricsSelector setting's label matchers, as PromQL writes it:
    /// posthog_errors_total + namespace="posthog" is posthog_errors_total{namespace="posthog"}.
    /// </summary>
    internal static class MetricSeries
    {
        public static string Select(string metric, string? selector)
        {
            var matchers = selector?.Trim() ?? string.Empty;
            if (matchers.StartsWith('{') && matchers.EndsWith('}'))
            {
                matchers = matchers[1..^1].Trim();
            }

            if (matchers.Length == 0)
            {
                return metric;
            }

            // A metric setting that already has matchers (name{job="x"}) gets these added to its own.
            var name = metric.Trim();
            if (name.EndsWith('}'))
            {
                var own = name[..^1].TrimEnd();
                return own.EndsWith('{') ? own + matchers + "}" : own + "," + matchers + "}";
            }

            return name + "{" + matchers + "}";
        }
    }
}
