using System;
using System.Management.Automation;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>Turns the engine's named failures into ErrorRecords with their stable ids.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(RunbookException exception)
        {
            var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), exception.Target);
            if (!string.IsNullOrEmpty(exception.Details))
            {
                record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.Details };
            }

            return record;
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
            _ => ErrorCategory.InvalidOperation,
        };
    }
}
