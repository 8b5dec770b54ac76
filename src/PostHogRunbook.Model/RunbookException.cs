using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using System;

namespace PostHogRunbook.Model
{
    /// <summary>What kind of failure a <see cref="RunbookException"/> is; the cmdlets map it to an ErrorCategory.</summary>
    [JsonConverter(typeof(StringEnumConverter))]
    public enum RunbookErrorKind
    {
        ConnectionError,
        InvalidResult,
        InvalidArgument,
        ObjectNotFound,
        PermissionDenied,
        ResourceUnavailable,
        OperationTimeout,
        OperationStopped,
        InvalidOperation,
        AuthenticationError,
        LimitsExceeded,

        /// <summary>Someone else is using it right now (the remediation lock): try again later.</summary>
        ResourceBusy,
    }

    /// <summary>
    /// A failure the runbook can name. <see cref="ErrorId"/> is stable API: scripts match on it
    /// (<c>Should -Throw -ErrorId 'StatusPageUnreachable,*'</c>).
    /// </summary>
    public sealed class RunbookException : Exception
    {
        public RunbookException(string errorId, RunbookErrorKind kind, string message, object? target = null, string? details = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
            Details = details;
        }

        public string ErrorId { get; }

        public RunbookErrorKind Kind { get; }

        /// <summary>What the failure was about: a URL, a resource name. Never a secret.</summary>
        public object? Target { get; }

        /// <summary>What the server said, already redacted; shown in ErrorDetails.</summary>
        public string? Details { get; }
    }
}
