using System.Runtime.InteropServices;
using PostHogRunbook.Lab;
using PostHogRunbook.Lab.Hosting;

// The lab process: start every part, print one JSON line that says where they listen, run until SIGTERM, Ctrl+C,
// or (with --exit-on-stdin-eof) the end of stdin. Stdout carries that one line and nothing else. With --serve, the
// line says where to ask for labs instead, and the process hosts as many as it is asked for.

LabCommandLine commandLine;
try
{
    commandLine = LabCommandLine.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(LabCommandLine.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void RequestStop(PosixSignalContext signal)
{
    signal.Cancel = true; // stop cleanly below, rather than being torn down by the runtime
    stop.Cancel();
}

using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);

// --serve: no lab of its own, but any number of them on request (LabServer), for a whole test run.
await using IAsyncDisposable running = commandLine.Serve
    ? await LabServer.StartAsync(stop.Token)
    : await LabHost.StartAsync(commandLine.Options, stop.Token);
await Console.Out.WriteLineAsync(running is LabServer server ? server.ToJsonLine() : ((LabHost)running).Endpoints.ToJsonLine());
await Console.Out.FlushAsync();

if (commandLine.ExitOnStdinEof)
{
    // How a harness guarantees no orphan lab: when the parent dies, its end of our stdin closes.
    StdinWatch.StopAtEndOfInput(stop);
}

try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    // A requested stop: dispose the lab and exit 0.
}

return 0;
