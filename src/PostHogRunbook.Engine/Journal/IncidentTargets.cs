using System;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Journal
{
    /// <summary>Which workload an incident is about, and the target of the runbook profile for an incident opened by hand.</summary>
    public static class IncidentTargets
    {
        /// <summary>One workload: the same kube context, namespace and deployment (a missing part matches only a missing part).</summary>
        public static bool SameWorkload(TriageTarget? left, TriageTarget? right)
            => left != null && right != null
               && Same(left.Context, right.Context)
               && Same(left.Namespace, right.Namespace)
               && Same(left.Deployment, right.Deployment);

        /// <summary>
        /// The target the profile points at, resolved as triage resolves it (the kubeconfig's current context, the
        /// context's namespace, else "default"), without reading the cluster.
        /// </summary>
        public static TriageTarget FromProfile(RunbookProfile profile)
        {
            var kubeConfig = KubeConfigReader.Locate(profile.Get(RunbookSetting.KubeConfig));
            var context = profile.Get(RunbookSetting.Context);
            var @namespace = profile.Get(RunbookSetting.Namespace);
            if (kubeConfig != null)
            {
                var facts = KubeConfigReader.Describe(kubeConfig, context);
                context = facts.Context;
                @namespace = string.IsNullOrWhiteSpace(@namespace) ? facts.Namespace ?? "default" : @namespace;
            }

            return new TriageTarget(
                kubeConfig,
                context,
                @namespace,
                profile.Get(RunbookSetting.Deployment),
                profile.Get(RunbookSetting.Selector),
                profile.Get(RunbookSetting.SecretName),
                profile.Get(RunbookSetting.SecretKey),
                profile.Get(RunbookSetting.PostHogHost),
                profile.GetRegion(),
                profile.Get(RunbookSetting.StatusPageUrl),
                profile.Get(RunbookSetting.HealthUrl),
                profile.Get(RunbookSetting.PrometheusUrl));
        }

        static bool Same(string? left, string? right)
            => string.Equals(string.IsNullOrEmpty(left) ? null : left, string.IsNullOrEmpty(right) ? null : right, StringComparison.Ordinal);
    }
}
