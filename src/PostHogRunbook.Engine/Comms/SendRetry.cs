using System;
using System.Threading;
using System.Threading.Tasks;
using PostHogRunbook.Engine.Http;
using Polly;
using Polly.Retry;

namespace PostHogRunbook.Engine.Comms
{
    /// <summary>
    /// How a notification is retried, with Polly.Core's retry strategy: on a 429 or a 5xx (and on no answer at all),
    /// after the service's Retry-After when it gives one, else an exponential backoff from one second; never on
    /// another 4xx, which a retry cannot fix. The whole send, waits included, stays within the channel's budget
    /// (-TimeoutSec): a retry whose wait would end past it is not made, and the last answer stands.
    /// </summary>
    internal sealed class SendRetry
    {
        public const int MaxRetries = 5;
        public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
        public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

        readonly TimeProvider time;

        public SendRetry(TimeProvider time)
        {
            this.time = time;
        }

        /// <summary>Whether an answer is worth another try: rate limited or the service's own failure.</summary>
        public static bool IsTransient(int status) => status == 429 || status >= 500;

        /// <summary>
        /// Runs <paramref name="attempt"/> (given the time left) until it succeeds, fails for good, or the budget ends.
        /// Returns the last answer (or, when the last attempt got none, why) and the number of attempts.
        /// </summary>
        public async Task<(HttpFetchResult? Result, int Attempts, DependencyUnreachableException? Unreachable)> RunAsync(Func<TimeSpan, CancellationToken, Task<HttpFetchResult>> attempt, TimeSpan budget, CancellationToken cancellationToken)
        {
            var deadline = time.GetUtcNow() + budget;
            var attempts = 0;
            var pipeline = new ResiliencePipelineBuilder<HttpFetchResult> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<HttpFetchResult>
                {
                    MaxRetryAttempts = MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = FirstDelay,
                    MaxDelay = MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(Worth(args.Outcome) && Fits(WaitBefore(args.Outcome, args.AttemptNumber), deadline)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(WaitBefore(args.Outcome, args.AttemptNumber)),
                })
                .Build();

            try
            {
                var result = await pipeline.ExecuteAsync(
                    async token =>
                    {
                        attempts++;
                        var left = deadline - time.GetUtcNow();
                        return await attempt(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
                return (result, attempts, null);
            }
            catch (DependencyUnreachableException ex)
            {
                return (null, attempts, ex);
            }
        }

        static bool Worth(Outcome<HttpFetchResult> outcome)
            => outcome.Exception is DependencyUnreachableException || (outcome.Result is { } answer && IsTransient(answer.Status));

        /// <summary>The service's Retry-After when it said one; else 1 s, 2 s, 4 s... up to 30 s.</summary>
        public static TimeSpan WaitBefore(Outcome<HttpFetchResult> outcome, int attemptNumber)
        {
            if (outcome.Result?.RetryAfter is { } after)
            {
                return after;
            }

            var backoff = TimeSpan.FromTicks(FirstDelay.Ticks * (1L << Math.Min(attemptNumber, 10)));
            return backoff < MaxDelay ? backoff : MaxDelay;
        }

        bool Fits(TimeSpan wait, DateTimeOffset deadline) => time.GetUtcNow() + wait < deadline;
    }
}
