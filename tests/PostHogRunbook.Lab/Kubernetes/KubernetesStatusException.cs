using System.Text.Json.Nodes;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// A failure the API server answers with a Status object. Thrown from deep inside a handler (a patch that
    /// conflicts, a selector that does not parse) and turned into the response in one place.
    /// </summary>
    public sealed class KubernetesStatusException : Exception
    {
        public KubernetesStatusException()
            : this(500, "InternalError", "an error on the server has prevented the request from succeeding")
        {
        }

        public KubernetesStatusException(string message)
            : this(500, "InternalError", message)
        {
        }

        public KubernetesStatusException(string message, Exception innerException)
            : base(message, innerException)
        {
            Code = 500;
            Reason = "InternalError";
        }

        public KubernetesStatusException(int code, string reason, string message, JsonObject? details = null)
            : base(message)
        {
            Code = code;
            Reason = reason;
            Details = details;
        }

        public int Code { get; }

        public string Reason { get; }

        public JsonObject? Details { get; }

        /// <summary>The Status body, field for field as the real server writes it.</summary>
        public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Details);
    }
}
