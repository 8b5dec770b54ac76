using System.Collections.Concurrent;

namespace PostHogRunbook.Lab.Notify
{
    /// <summary>One request to the notification services, with its body as sent: tests assert exactly what arrived.</summary>
    public sealed record NotifyRequest(DateTimeOffset At, string Service, string Method, string Path, int Status, string Body, bool HadCredential);

    /// <summary>A planned answer: the next <see cref="Times"/> requests to <see cref="Service"/> get it instead of the real one.</summary>
    public sealed record NotifyFault(string Service, int Status, string Body, int? RetryAfterSeconds, int Times);

    /// <summary>A status page incident as the lab's Statuspage keeps it.</summary>
    public sealed class LabStatusPageIncident
    {
        public required string Id { get; init; }

        public required string PageId { get; init; }

        public required string Name { get; set; }

        public required string Status { get; set; }

        public required string Impact { get; set; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; set; }

        public List<(DateTimeOffset At, string Status, string Body)> Updates { get; } = new();

        public Dictionary<string, string> Components { get; } = new();
    }

    /// <summary>The notification services' shared state: what they received, the faults planned, the status page's incidents.</summary>
    public sealed class NotifyState
    {
        public const string Slack = "slack";
        public const string PagerDuty = "pagerduty";
        public const string StatusPage = "statuspage";

        readonly ConcurrentQueue<NotifyRequest> requests = new();
        readonly object faultLock = new();
        readonly List<NotifyFault> faults = new();

        public ConcurrentDictionary<string, LabStatusPageIncident> Incidents { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<NotifyRequest> Requests => requests.ToArray();

        public void Record(NotifyRequest request) => requests.Enqueue(request);

        public void Clear()
        {
            requests.Clear();
            lock (faultLock)
            {
                faults.Clear();
            }
        }

        public void Plan(NotifyFault fault)
        {
            lock (faultLock)
            {
                faults.Add(fault);
            }
        }

        /// <summary>The next planned answer for a service, used up by this request; null when none is planned.</summary>
        public NotifyFault? TakeFault(string service)
        {
            lock (faultLock)
            {
                var index = faults.FindIndex(f => string.Equals(f.Service, service, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    return null;
                }

                var fault = faults[index];
                if (fault.Times <= 1)
                {
                    faults.RemoveAt(index);
                }
                else
                {
                    faults[index] = fault with { Times = fault.Times - 1 };
                }

                return fault;
            }
        }
    }
}
