using System.Net;
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
    /// One part of the simulated world (a status page, the PostHog API, our app, the control plane) on its own
    /// loopback listener with an ephemeral port. Every request is recorded, with the part's name and the final status;
    /// the world's parts also pay the injected latency first.
    /// </summary>
    sealed class LabPart : IAsyncDisposable
    {
        /// <summary>Recorded for a request that the client abandoned before the lab answered (nginx's convention).</summary>
        public const int ClientClosedRequest = 499;

        readonly WebApplication app;

        LabPart(string name, WebApplication app, string url)
        {
            Name = name;
            this.app = app;
            Url = url;
        }

        public string Name { get; }

        /// <summary>http://127.0.0.1:port, without a trailing slash.</summary>
        public string Url { get; }

        public static async Task<LabPart> StartAsync(
            string name, LabContext context, bool injectsLatency, Action<WebApplication> mapRoutes, CancellationToken cancellationToken)
        {
            // The empty builder: no configuration files, no default logging to stdout, no console lifetime. It starts
            // in milliseconds, and the lab's stdout stays reserved for its one JSON line.
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "PostHogRunbook.Lab" });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            builder.Services.AddRoutingCore();
            builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            var app = builder.Build();
            app.Use((http, next) => RecordAsync(name, context, http, next));
            if (injectsLatency)
            {
                app.Use(async (http, next) =>
                {
                    var latency = context.EffectiveLatencyMs;
                    if (latency > 0)
                    {
                        await LabRequestTime.DelayAsync(http, latency);
                    }

                    await next(http);
                });
            }

            app.UseRouting();
            mapRoutes(app);

            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new LabPart(name, app, address.TrimEnd('/'));
        }

        static async Task RecordAsync(string part, LabContext context, HttpContext http, RequestDelegate next)
        {
            var at = DateTimeOffset.UtcNow;
            int? status = null;
            try
            {
                await next(http);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                status = ClientClosedRequest;
            }
            catch (OperationCanceledException) when (IsStopping(http))
            {
                // The lab is stopping under a request that never answers: drop the connection, as a dying server does.
                status = ClientClosedRequest;
                http.Abort();
            }
            catch
            {
                status = StatusCodes.Status500InternalServerError;
                throw;
            }
            finally
            {
                var request = http.Request;
                var path = (request.PathBase + request.Path).Value ?? "/";
                context.Record(new RequestRecord(at, part, request.Method, path, request.QueryString.Value ?? string.Empty, status ?? http.Response.StatusCode));
            }
        }

        static bool IsStopping(HttpContext http) =>
            http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await app.StopAsync();
            }
            finally
            {
                await app.DisposeAsync();
            }
        }
    }
}
