using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>
    /// Waiting inside a request (injected latency, or a part that never answers). The wait ends when the client gives
    /// up, or when the lab stops: a hung request must never hold the lab's shutdown hostage.
    /// </summary>
    static class LabRequestTime
    {
        public static Task DelayAsync(HttpContext context, int milliseconds) => WaitAsync(context, milliseconds);

        /// <summary>Accept the request, then never answer: the client's timeout is the only way out.</summary>
        public static Task NeverAnswerAsync(HttpContext context) => WaitAsync(context, Timeout.Infinite);

        static async Task WaitAsync(HttpContext context, int milliseconds)
        {
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            await Task.Delay(milliseconds, aborted.Token);
        }
    }
}
