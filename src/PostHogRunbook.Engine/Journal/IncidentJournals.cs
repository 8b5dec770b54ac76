using System;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>The journal a profile points at: its JournalStore setting picks the file folder or the cluster's ConfigMaps.</summary>
    public static class IncidentJournals
    {
        /// <summary>The store of the profile's JournalStore setting, parsed (File when unset).</summary>
        public static JournalStore StoreOf(RunbookProfile profile)
        {
            ArgumentNullException.ThrowIfNull(profile);
            return Enum.TryParse<JournalStore>(profile.Get(RunbookSetting.JournalStore), ignoreCase: true, out var store) ? store : JournalStore.File;
        }

        /// <summary>
        /// The journal of the profile, writing through the command's redactor and clock. <paramref name="resolveUserPath"/>
        /// gives a JournalPath typed by the user the shell's meaning.
        /// </summary>
        public static IIncidentJournal Open(RunbookProfile profile, RunbookServices services, Func<string, string> resolveUserPath)
            => StoreOf(profile) == JournalStore.Kubernetes ? OpenKubernetes(profile, services) : OpenFile(profile, services, resolveUserPath);

        public static FileIncidentJournal OpenFile(RunbookProfile profile, RunbookServices services, Func<string, string> resolveUserPath)
        {
            ArgumentNullException.ThrowIfNull(services);
            return new FileIncidentJournal(JournalFolder.Resolve(profile, resolveUserPath), services.Redactor, services.Time);
        }

        /// <summary>
        /// The cluster journal in the profile's namespace, through the command's own gateway (the profile's kubeconfig
        /// and context): a command that triages, remediates and journals makes one client for all three.
        /// </summary>
        public static KubernetesIncidentJournal OpenKubernetes(RunbookProfile profile, RunbookServices services)
        {
            ArgumentNullException.ThrowIfNull(profile);
            ArgumentNullException.ThrowIfNull(services);
            var (gateway, _) = services.Kubernetes.OpenProfileTarget(profile, "No kubeconfig for the cluster journal (JournalStore Kubernetes): pass -KubeConfig or set KUBECONFIG, or use JournalStore File.");
            return new KubernetesIncidentJournal(gateway, services.Redactor, services.Time)
            {
                RequestTimeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10)),
            };
        }
    }
}
