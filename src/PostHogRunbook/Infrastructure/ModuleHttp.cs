using System.Net.Http;
using System.Threading;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// The module's one connection pool, for its load: every command's RunbookServices sends through it, so a warm
    /// triage reuses its connections (and TLS sessions) instead of paying new ones. Disposed on Remove-Module.
    /// </summary>
    internal static class ModuleHttp
    {
        static readonly object Gate = new();
        static HttpClient? client;

        public static HttpClient Client
        {
            get
            {
                lock (Gate)
                {
                    return client ??= Engine.Services.RunbookServices.CreateHttpClient();
                }
            }
        }

        public static void Release()
        {
            HttpClient? released;
            lock (Gate)
            {
                released = client;
                client = null;
            }

            released?.Dispose();
        }
    }
}
