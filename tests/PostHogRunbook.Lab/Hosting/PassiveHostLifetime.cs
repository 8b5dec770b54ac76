using Microsoft.Extensions.Hosting;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>
    /// Replaces the console lifetime in each part's host: the lab runs several hosts in one process, and only the
    /// process (Program, or a test) decides when they stop. Nothing here reacts to signals or writes to the console.
    /// </summary>
    sealed class PassiveHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
