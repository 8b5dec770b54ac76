using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Newtonsoft.Json.Linq;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>Lenient reads from a JSON document: a missing or oddly typed field is null, never an exception.</summary>
    internal static class JsonRead
    {
        public static string? String(JToken? token, string name)
        {
            var value = (token as JObject)?[name];
            return value == null || value.Type == JTokenType.Null ? null : value.Type == JTokenType.String ? (string?)value : value.ToString();
        }

        public static DateTimeOffset? Date(JToken? token, params string[] names)
        {
            foreach (var name in names)
            {
                var value = (token as JObject)?[name];
                if (value == null || value.Type == JTokenType.Null)
                {
                    continue;
                }

                if (value.Type == JTokenType.Date)
                {
                    var date = value.Value<DateTime>();
                    return new DateTimeOffset(date.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(date, DateTimeKind.Utc) : date);
                }

                if (DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return parsed;
                }
            }

            return null;
        }

        public static IEnumerable<JObject> Objects(JToken? token, string name)
            => ((token as JObject)?[name] as JArray)?.OfType<JObject>() ?? Enumerable.Empty<JObject>();

        public static bool Has(JToken? token, string name) => (token as JObject)?.ContainsKey(name) == true;
    }
}
