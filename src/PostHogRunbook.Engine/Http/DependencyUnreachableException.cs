using System;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Http
{
    /// <summary>Why a dependency gave no HTTP answer at all.</summary>
    internal enum UnreachableReason
    {
        ConnectionRefused,
        NameNotResolved,
        TimedOut,
        TlsFailure,
        ConnectionLost,
    }

    /// <summary>No HTTP answer: refused, unresolvable, timed out, broken TLS or a dropped connection.</summary>
    internal sealed class DependencyUnreachableException : Exception
    {
        public DependencyUnreachableException(Uri uri, UnreachableReason reason, string message, Exception? inner)
            : base(message, inner)
        {
            Uri = uri;
            Reason = reason;
        }

        public Uri Uri { get; }

        public UnreachableReason Reason { get; }

        /// <summary>The same failure under a dependency's own stable id: a timeout is OperationTimeout, anything else ConnectionError.</summary>
        public RunbookException Named(string errorId, string lead, object target)
            => new(errorId, Reason == UnreachableReason.TimedOut ? RunbookErrorKind.OperationTimeout : RunbookErrorKind.ConnectionError, lead + Message, target, inner: this);
    }
}
