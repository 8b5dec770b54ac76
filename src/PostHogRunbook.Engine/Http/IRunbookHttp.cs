using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace PostHogRunbook.Engine.Http
{
    /// <summary>The one HTTP layer, as the engine's services see it (RunbookHttp; a test may pass another).</summary>
    internal interface IRunbookHttp
    {
        /// <summary>
        /// Sends a request and reads the whole answer (up to <paramref name="maxBodyBytes"/>) within
        /// <paramref name="timeout"/>. Throws <see cref="DependencyUnreachableException"/> when there is no answer,
        /// <see cref="OperationCanceledException"/> when the caller cancelled. Any HTTP status is an answer.
        /// </summary>
        Task<HttpFetchResult> SendAsync(
            HttpMethod method,
            Uri uri,
            TimeSpan timeout,
            CancellationToken cancellationToken,
            HttpContent? content = null,
            IReadOnlyDictionary<string, string>? headers = null,
            int maxBodyBytes = RunbookHttp.DefaultMaxBodyBytes);
    }

    internal static class RunbookHttpExtensions
    {
        public static Task<HttpFetchResult> GetAsync(this IRunbookHttp http, Uri uri, TimeSpan timeout, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? headers = null)
            => http.SendAsync(HttpMethod.Get, uri, timeout, cancellationToken, headers: headers);
    }
}
