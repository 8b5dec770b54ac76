using System.Text.Encodings.Web;
using System.Text.Json;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// One validation failure of one field, worded as apimachinery's field errors of a 1.32 server word them
    /// ("Required value: ...", "Invalid value: 0: must be greater than 0", "Too long: may not be more than 1048576
    /// bytes"): Reason is the cause type of the Status, Body what follows the field's path in the message.
    /// </summary>
    internal sealed record FieldError(string Reason, string Field, string Body)
    {
        static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public override string ToString() => Field + ": " + Body;

        public static FieldError Required(string field, string detail) =>
            new("FieldValueRequired", field, detail.Length == 0 ? "Required value" : "Required value: " + detail);

        /// <summary>value is already printed as Go prints it: a quoted string, a number, []string{"a"}.</summary>
        public static FieldError Invalid(string field, string value, string detail) =>
            new("FieldValueInvalid", field, $"Invalid value: {value}: {detail}");

        public static FieldError TooLong(string field, int maxBytes) =>
            new("FieldValueTooLong", field, $"Too long: may not be more than {maxBytes} bytes");

        public static FieldError NotSupported(string field, string value, params string[] supported) =>
            new("FieldValueNotSupported", field, $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}");

        /// <summary>Go's %q of a string.</summary>
        public static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed);

        /// <summary>Go's %#v of a []string.</summary>
        public static string StringSlice(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(Quote)) + "}";
    }
}
