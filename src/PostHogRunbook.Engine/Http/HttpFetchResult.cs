using System;
using System.Net;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PostHogRunbook.Engine.Http
{
    /// <summary>A whole, bounded HTTP answer: what every check needs, and nothing that holds a socket open.</summary>
    internal sealed class HttpFetchResult
    {
        public HttpFetchResult(Uri requestUri, HttpStatusCode statusCode, string? contentType, byte[] body, bool truncated, TimeSpan elapsed, TimeSpan? retryAfter)
        {
            RequestUri = requestUri;
            StatusCode = statusCode;
            ContentType = contentType;
            Body = body;
            Truncated = truncated;
            Elapsed = elapsed;
            RetryAfter = retryAfter;
        }

        public Uri RequestUri { get; }

        public HttpStatusCode StatusCode { get; }

        public int Status => (int)StatusCode;

        public bool IsSuccess => Status >= 200 && Status <= 299;

        public string? ContentType { get; }

        public byte[] Body { get; }

        /// <summary>The body was longer than the limit and was cut.</summary>
        public bool Truncated { get; }

        public TimeSpan Elapsed { get; }

        public TimeSpan? RetryAfter { get; }

        public string BodyText => Encoding.UTF8.GetString(Body);

        /// <summary>The body as a JSON object; null when it is not JSON or not an object (HTML, text, an array).</summary>
        public JObject? BodyAsJsonObject()
        {
            try
            {
                return JToken.Parse(BodyText) as JObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        /// <summary>The first bytes of the body, printable, for an error message that shows what came back.</summary>
        public string BodyPreview(int maxChars = 120)
        {
            var text = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, maxChars * 4));
            var builder = new StringBuilder(Math.Min(text.Length, maxChars));
            foreach (var c in text)
            {
                if (builder.Length >= maxChars)
                {
                    builder.Append('…');
                    break;
                }

                builder.Append(char.IsControl(c) ? ' ' : c);
            }

            return builder.ToString().Trim();
        }
    }
}
