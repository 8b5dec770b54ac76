namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>Stops the lab when its stdin reaches end of file (the parent process closed it, or died).</summary>
    static class StdinWatch
    {
        public static void StopAtEndOfInput(CancellationTokenSource stop) =>
            // A blocking read on a thread of its own: it must not hold a pool thread for the lab's whole life.
            _ = Task.Factory.StartNew(
                () =>
                {
                    using var stdin = Console.OpenStandardInput();
                    var buffer = new byte[4096];
                    while (stdin.Read(buffer, 0, buffer.Length) > 0)
                    {
                        // Input is ignored: only its end matters.
                    }

                    stop.Cancel();
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
    }
}
