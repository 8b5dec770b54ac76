using System.Collections.Concurrent;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>
    /// The project keys that /flags accepts. It starts with the good key only; a test that rotates the deployment's
    /// key adds the new one through the control API, as if it had been created in PostHog's project settings.
    /// </summary>
    public sealed class ProjectKeyRegistry
    {
        readonly ConcurrentDictionary<string, bool> keys = new(StringComparer.Ordinal);

        public ProjectKeyRegistry() => Add(LabKeys.Good);

        public bool Add(string key) => keys.TryAdd(key, true);

        public bool Remove(string key) => keys.TryRemove(key, out _);

        public bool IsValid(string? key) => key is not null && keys.ContainsKey(key);

        public IReadOnlyList<string> Keys => keys.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
    }
}
