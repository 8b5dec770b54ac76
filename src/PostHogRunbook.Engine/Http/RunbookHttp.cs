using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;

namespace PostHogRunbook.Engine.Http
{
    /// <summary>
    /// The one HTTP layer: every call to a status page, PostHog, our app, Prometheus or a webhook goes
    /// through here, so timeouts, cancellation, body limits and failure naming are the same everywhere.
    /// It sends through the connection pool it is given (the module keeps one for its lifetime, so a warm
    /// triage reuses its connections; a test passes its own).
    /// </summary>
    internal sealed class RunbookHttp : IRunbookHttp
    {
        /// <summary>Bodies above this are cut: a status page or a health answer is a few kilobytes.</summary>
        public const int DefaultMaxBodyBytes = 4 * 1024 * 1024;

        readonly HttpClient client;

        public RunbookHttp(HttpClient client)
        {
            this.client = client;
        }

        /// <summary>The client every RunbookHttp of a module load shares: per-call timeouts, redirects, decompression.</summary>
        public static HttpClient CreateClient()
        {
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = true,
                MaxAutomaticRedirections = 5,
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = Timeout.InfiniteTimeSpan,
            };

            // Timeouts are per call (a linked token), so one client serves every caller.
            var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PostHogRunbook", typeof(RunbookHttp).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
            return client;
        }

        /// <inheritdoc/>
        public async Task<HttpFetchResult> SendAsync(
            HttpMethod method,
            Uri uri,
            TimeSpan timeout,
            CancellationToken cancellationToken,
            HttpContent? content = null,
            IReadOnlyDictionary<string, string>? headers = null,
            int maxBodyBytes = DefaultMaxBodyBytes)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeoutSource.CancelAfter(timeout);
            using var request = new HttpRequestMessage(method, uri) { Content = content };
            request.Headers.Accept.ParseAdd("application/json, text/plain;q=0.9, */*;q=0.5");
            if (headers != null)
            {
                foreach (var header in headers)
                {
                    request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            var stopwatch = Stopwatch.StartNew();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
                var (body, truncated) = await ReadBoundedAsync(response.Content, maxBodyBytes, timeoutSource.Token).ConfigureAwait(false);
                stopwatch.Stop();
                return new HttpFetchResult(
                    response.RequestMessage?.RequestUri ?? uri,
                    response.StatusCode,
                    response.Content.Headers.ContentType?.ToString(),
                    body,
                    truncated,
                    stopwatch.Elapsed,
                    ReadRetryAfter(response));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                throw new DependencyUnreachableException(uri, UnreachableReason.TimedOut, $"No answer from {Describe(uri)} within {timeout.TotalSeconds:0.#} s.", ex);
            }
            catch (HttpRequestException ex)
            {
                var reason = Classify(ex);
                throw new DependencyUnreachableException(uri, reason, $"{Describe(uri)} is unreachable: {DescribeReason(reason)} ({ex.Message})", ex);
            }
            catch (IOException ex)
            {
                throw new DependencyUnreachableException(uri, UnreachableReason.ConnectionLost, $"{Describe(uri)} dropped the connection: {ex.Message}", ex);
            }
        }

        /// <summary>Scheme, host and path: never the query, which may hold a key.</summary>
        public static string Describe(Uri uri) => uri.GetLeftPart(UriPartial.Path);

        static async Task<(byte[] Body, bool Truncated)> ReadBoundedAsync(HttpContent content, int maxBodyBytes, CancellationToken cancellationToken)
        {
            using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var read = await stream.ReadAsync(chunk.AsMemory(0, chunk.Length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.ToArray(), false);
                }

                var room = maxBodyBytes - (int)buffer.Length;
                if (read > room)
                {
                    buffer.Write(chunk, 0, room);
                    return (buffer.ToArray(), true);
                }

                buffer.Write(chunk, 0, read);
            }
        }

        static TimeSpan? ReadRetryAfter(HttpResponseMessage response)
        {
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is { } delta)
            {
                return delta;
            }

            if (retryAfter?.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return null;
        }

        static UnreachableReason Classify(HttpRequestException ex)
        {
            for (Exception? inner = ex; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                {
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => UnreachableReason.ConnectionRefused,
                        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => UnreachableReason.NameNotResolved,
                        SocketError.TimedOut => UnreachableReason.TimedOut,
                        _ => UnreachableReason.ConnectionLost,
                    };
                }

                if (inner is AuthenticationException)
                {
                    return UnreachableReason.TlsFailure;
                }
            }

            return ex.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => UnreachableReason.NameNotResolved,
                HttpRequestError.ConnectionError => UnreachableReason.ConnectionRefused,
                HttpRequestError.SecureConnectionError => UnreachableReason.TlsFailure,
                _ => UnreachableReason.ConnectionLost,
            };
        }

        static string DescribeReason(UnreachableReason reason) => reason switch
        {
            UnreachableReason.ConnectionRefused => "connection refused",
            UnreachableReason.NameNotResolved => "the host name does not resolve",
            UnreachableReason.TimedOut => "timed out",
            UnreachableReason.TlsFailure => "the TLS handshake failed",
            _ => "the connection was lost",
        };
    }
}
