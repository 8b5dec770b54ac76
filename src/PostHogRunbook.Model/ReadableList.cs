using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace PostHogRunbook.Model
{
    /// <summary>
    /// A read-only list that reads as its items: Export-Csv and string contexts show "StatusPage: Fail - ...;
    /// PostHogApi: Pass - ..." instead of a list's type name. ConvertTo-Json still writes an array.
    /// </summary>
    public sealed class ReadableList<T> : ReadOnlyCollection<T>
    {
        readonly string separator;

        public ReadableList(IList<T> items, string separator)
            : base(items)
        {
            this.separator = separator;
        }

        public override string ToString() => string.Join(separator, this);
    }

    /// <summary>Builds <see cref="ReadableList{T}"/>s.</summary>
    public static class ReadableList
    {
        public static ReadableList<T> From<T>(IEnumerable<T>? items, string separator = "; ")
            => items as ReadableList<T> ?? new ReadableList<T>((items ?? Enumerable.Empty<T>()).ToList(), separator);
    }
}
