using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>
    /// One process that hosts many labs (--serve): a test run starts it once and asks it for a lab per world, instead
    /// of starting a lab process per world. Each lab is a <see cref="LabHost"/> of its own (its own context, ports,
    /// certificates and state folder), exactly as tests host it in-process; what the labs share is the runtime, so the
    /// second lab's start and first requests do not pay the JIT again (a lab process costs ~1.2 s CPU to start).
    /// POST /labs with the lab's command-line arguments as a JSON array of strings starts one and answers its endpoint
    /// line plus its "labId"; DELETE /labs/{id} stops it. Loopback only, test-only.
    /// </summary>
    sealed class LabServer : IAsyncDisposable
    {
        readonly WebApplication app;
        readonly ConcurrentDictionary<string, LabHost> labs = new(StringComparer.Ordinal);
        readonly CancellationToken stopping;
        int next;

        LabServer(WebApplication app, CancellationToken stopping)
        {
            this.app = app;
            this.stopping = stopping;
        }

        /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
        public string Url { get; private set; } = string.Empty;

        public static async Task<LabServer> StartAsync(CancellationToken stopping)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "PostHogRunbook.Lab" });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            builder.Services.AddRoutingCore();
            builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            var server = new LabServer(app, stopping);
            app.UseRouting();
            app.MapPost("/labs", server.StartLabAsync);
            app.MapDelete("/labs/{id}", server.StopLabAsync);
            await app.StartAsync(stopping);
            server.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single().TrimEnd('/');
            return server;
        }

        /// <summary>The one line the server prints on stdout: where to ask for labs.</summary>
        public string ToJsonLine() => JsonSerializer.Serialize(new Dictionary<string, object> { ["labServer"] = Url, ["pid"] = Environment.ProcessId });

        async Task StartLabAsync(HttpContext http)
        {
            string[]? arguments;
            try
            {
                arguments = await JsonSerializer.DeserializeAsync<string[]>(http.Request.Body, cancellationToken: http.RequestAborted);
            }
            catch (JsonException e)
            {
                await Results.Text($"The body must be a JSON array of the lab's arguments: {e.Message}", statusCode: 400).ExecuteAsync(http);
                return;
            }

            LabCommandLine commandLine;
            try
            {
                commandLine = LabCommandLine.Parse(arguments ?? []);
                if (commandLine.ExitOnStdinEof || commandLine.Serve)
                {
                    throw new ArgumentException("--exit-on-stdin-eof and --serve belong to the server's own command line.");
                }
            }
            catch (ArgumentException e)
            {
                await Results.Text(e.Message + "\n" + LabCommandLine.Usage, statusCode: 400).ExecuteAsync(http);
                return;
            }

            // The lab lives until DELETE or the server's end, not until this request's end.
            LabHost lab;
            try
            {
                lab = await LabHost.StartAsync(commandLine.Options, stopping);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                // A role file that is missing or malformed, a state folder it cannot write: the caller's to fix.
                await Results.Text($"The lab did not start: {e.GetType().Name}: {e.Message}", statusCode: 500).ExecuteAsync(http);
                return;
            }
            var id = Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
            labs[id] = lab;
            var line = lab.Endpoints.ToJsonLine();
            // The endpoint line, with the id to stop it by: {"labId":"1", ...the lab process's own line...}.
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"labId\":\"" + id + "\"," + line[1..], http.RequestAborted);
        }

        async Task StopLabAsync(HttpContext http, string id)
        {
            if (!labs.TryRemove(id, out var lab))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await lab.DisposeAsync();
            http.Response.StatusCode = StatusCodes.Status204NoContent;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await app.StopAsync();
            }
            finally
            {
                await app.DisposeAsync();
                await Task.WhenAll(labs.Values.Select(l => l.DisposeAsync().AsTask()));
                labs.Clear();
            }
        }
    }
}
