using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>The query of GET .../pods/{name}/log (PodLogOptions), validated the way the API server validates it.</summary>
    internal sealed record PodLogRequest(
        string? Container,
        bool Follow,
        bool Previous,
        DateTimeOffset? Since,
        bool Timestamps,
        long? TailLines,
        long? LimitBytes)
    {
        public static PodLogRequest Parse(IQueryCollection query, string podName, DateTimeOffset now)
        {
            var sinceSeconds = Long(query, "sinceSeconds", podName);
            var sinceTimeText = query["sinceTime"].ToString();
            DateTimeOffset? since = null;
            if (sinceSeconds is not null && sinceTimeText.Length > 0)
            {
                throw Invalid(podName, "sinceSeconds", "at most one of `sinceTime` or `sinceSeconds` may be specified");
            }

            if (sinceSeconds is not null)
            {
                if (sinceSeconds < 1)
                {
                    throw Invalid(podName, "sinceSeconds", $"Invalid value: {sinceSeconds}: must be greater than 0");
                }

                since = now.AddSeconds(-sinceSeconds.Value);
            }
            else if (sinceTimeText.Length > 0)
            {
                if (!KubeTime.TryParse(sinceTimeText, out var parsed))
                {
                    throw StatusObjects.BadRequest($"parsing time \"{sinceTimeText}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{sinceTimeText}\" as \"2006\"");
                }

                since = parsed;
            }

            var tail = Long(query, "tailLines", podName);
            if (tail < 0)
            {
                throw Invalid(podName, "tailLines", $"Invalid value: {tail}: must be greater than or equal to 0");
            }

            var limit = Long(query, "limitBytes", podName);
            if (limit < 1)
            {
                throw Invalid(podName, "limitBytes", $"Invalid value: {limit}: must be greater than 0");
            }

            var container = query["container"].ToString();
            return new PodLogRequest(
                container.Length == 0 ? null : container,
                Bool(query, "follow"),
                Bool(query, "previous"),
                since,
                Bool(query, "timestamps"),
                tail,
                limit);
        }

        static bool Bool(IQueryCollection query, string name)
        {
            var text = query[name].ToString();
            return text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        static long? Long(IQueryCollection query, string name, string podName)
        {
            var text = query[name].ToString();
            if (text.Length == 0)
            {
                return null;
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                throw Invalid(podName, name, $"Invalid value: \"{text}\": must be an integer");
            }

            return value;
        }

        static KubernetesStatusException Invalid(string podName, string field, string problem) =>
            new(422, "Invalid", $"PodLogOptions \"{podName}\" is invalid: {field}: {problem}");
    }
}
