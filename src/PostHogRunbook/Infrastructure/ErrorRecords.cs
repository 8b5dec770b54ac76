using System;
using System.Management.Automation;
using PostHogRunbook.Engine.Redaction;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>Turns the engine's named failures into ErrorRecords with their stable ids.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(RunbookException exception, Redactor redactor)
        {
            exception = Redacted(exception ?? throw new ArgumentNullException(nameof(exception)), redactor);
            var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), exception.Target);
            if (!string.IsNullOrEmpty(exception.Details))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.Details };
            }

            return record;
        }

        /// <summary>
        /// The failure as it may be shown: its message, target and details through the one redactor, so a URL's
        /// credentials (user:password@, ?token=) never reach the console or $Error.
        /// </summary>
        static RunbookException Redacted(RunbookException exception, Redactor redactor)
        {
            var before = redactor.Total;
            var message = redactor.Redact(exception.Message);
            var target = exception.Target is string text ? redactor.Redact(text) : exception.Target;
            var details = exception.Details == null ? null : redactor.Redact(exception.Details);
            if (redactor.Total == before)
            {
                return exception;
            }

            var inner = exception.InnerException;
            var keepInner = inner == null || redactor.Redact(inner.Message) == inner.Message;
            return new RunbookException(exception.ErrorId, exception.Kind, message, target, details, keepInner ? inner : null);
        }

        public static ErrorRecord Stopped(string target)
            => new(new OperationCanceledException("The operation was stopped."), "OperationStopped", ErrorCategory.OperationStopped, target);

        public static ErrorCategory Category(RunbookErrorKind kind) => kind switch
        {
            RunbookErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            RunbookErrorKind.InvalidResult => ErrorCategory.InvalidResult,
            RunbookErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            RunbookErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            RunbookErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            RunbookErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            RunbookErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
            RunbookErrorKind.OperationStopped => ErrorCategory.OperationStopped,
            RunbookErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
            RunbookErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            RunbookErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.InvalidOperation,
        };
    }
}
