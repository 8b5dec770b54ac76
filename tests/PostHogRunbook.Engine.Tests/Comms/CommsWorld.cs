using System.Net.Http;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Comms;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Engine.Tests.Journal;
using PostHogRunbook.Engine.Tests.Lab;
using PostHogRunbook.Lab.Notify;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Tests.Comms
{
    /// <summary>The in-process lab's notification services, a journal of its own, and a notifier whose waits take no time.</summary>
    internal sealed class CommsWorld : IAsyncDisposable
    {
        static readonly HttpClient Client = RunbookHttp.CreateClient();

        CommsWorld(RunningLab lab)
        {
            Lab = lab;
        }

        public RunningLab Lab { get; }

        public JournalTestWorld JournalWorld { get; } = new();

        public InstantClock Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

        public Redactor Redactor { get; } = new();

        public NotifyState Received => Lab.Host.Notifications;

        public static async Task<CommsWorld> StartAsync() => new(await RunningLab.StartAsync());

        public NotificationSettings Settings(string? slackPath = null, string? routingKey = null, string? statusPageKey = null, int timeoutSec = 20)
        {
            var notify = Lab.Endpoints.NotifyUrl!;
            return new NotificationSettings(
                SecretInputs.Protect(notify + (slackPath ?? SlackWebhook.GoodPath)),
                SecretInputs.Protect(routingKey ?? PagerDutyEvents.RoutingKey),
                new Uri(notify),
                SecretInputs.Protect(statusPageKey ?? StatuspageIncidents.ApiKey),
                new Uri(notify),
                StatuspageIncidents.PageId,
                StatuspageIncidents.ComponentId,
                TimeSpan.FromSeconds(timeoutSec));
        }

        public IncidentNotifier Notifier(NotificationSettings? settings = null)
            => new(new RunbookHttp(Client), Redactor, Clock, JournalWorld.Journal(), settings ?? Settings());

        public Task<PostHogIncident> OpenAsync(IncidentSeverity severity = IncidentSeverity.P1)
            => JournalWorld.Journal().OpenAsync(IncidentOpening.FromReport(JournalWorld.Report(severity: severity)), CancellationToken.None);

        public Task<PostHogIncident> ReadAsync(string id) => JournalWorld.Journal().GetAsync(id, CancellationToken.None);

        public async Task<PostHogIncident> SetStatusAsync(string id, IncidentStatus status)
            => await JournalWorld.Journal().AppendAsync(id, IncidentRecord.StatusChange(status), CancellationToken.None);

        public async Task<NotificationResult> SendAsync(NotificationChannel channel, PostHogIncident incident, IncidentNotifier? notifier = null, PagerDutyEventAction action = PagerDutyEventAction.Auto)
        {
            notifier ??= Notifier();
            return await notifier.SendAsync(notifier.Plan(channel, incident, null, null, action), CancellationToken.None);
        }

        public IReadOnlyList<NotifyRequest> Requests(string service) => Received.Requests.Where(r => r.Service == service).ToArray();

        public static JObject Body(NotifyRequest request) => JObject.Parse(request.Body);

        public async ValueTask DisposeAsync()
        {
            JournalWorld.Dispose();
            await Lab.DisposeAsync();
        }
    }

    /// <summary>A clock whose timers fire at once, moving now by their due time: Polly's waits take no time and are measured exactly.</summary>
    internal sealed class InstantClock : TimeProvider
    {
        readonly object gate = new();
        DateTimeOffset now;

        public InstantClock(DateTimeOffset start)
        {
            now = start;
        }

        /// <summary>Every wait asked for, in order.</summary>
        public List<TimeSpan> Waits { get; } = new();

        public override DateTimeOffset GetUtcNow()
        {
            lock (gate)
            {
                return now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Timer(this, callback, state, dueTime);

        void Fire(TimeSpan dueTime, TimerCallback callback, object? state)
        {
            lock (gate)
            {
                now += dueTime;
                Waits.Add(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        sealed class Timer : ITimer
        {
            readonly InstantClock clock;
            readonly TimerCallback callback;
            readonly object? state;
            bool fired;

            public Timer(InstantClock clock, TimerCallback callback, object? state, TimeSpan dueTime)
            {
                this.clock = clock;
                this.callback = callback;
                this.state = state;
                Change(dueTime, Timeout.InfiniteTimeSpan);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (!fired && dueTime != Timeout.InfiniteTimeSpan)
                {
                    fired = true;
                    clock.Fire(dueTime, callback, state);
                }

                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
