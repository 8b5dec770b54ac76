using System.Collections.Generic;
using PostHogRunbook.Model;

namespace PostHogRunbook.Infrastructure
{
    /// <summary>
    /// The one way a cmdlet takes its target from a pipeline object by value (-InputObject): a TriageReport or a
    /// TriageTarget (later an incident) names the kubeconfig, context, namespace, deployment, secret and endpoints
    /// the next command acts on, so `Invoke-PostHogTriage | Resolve-PostHogIncident` repeats no parameter.
    /// Parameters the user types still win.
    /// </summary>
    internal static class TargetBinding
    {
        /// <summary>The target a pipeline object names; null for an object that names none.</summary>
        public static TriageTarget? TargetOf(object? inputObject) => Unwrap(inputObject) switch
        {
            TriageReport report => report.Target,
            PostHogIncident incident => incident.Target,
            TriageTarget target => target,
            _ => null,
        };

        /// <summary>The profile settings a target names, by setting name (Region as text).</summary>
        public static IEnumerable<KeyValuePair<string, string?>> SettingsOf(TriageTarget target)
        {
            yield return new("KubeConfig", target.KubeConfig);
            yield return new("Context", target.Context);
            yield return new("Namespace", target.Namespace);
            yield return new("Deployment", target.Deployment);
            yield return new("Selector", target.Selector);
            yield return new("SecretName", target.SecretName);
            yield return new("SecretKey", target.SecretKey);
            yield return new("PostHogHost", target.PostHogHost);
            yield return new("Region", target.Region == PostHogRegion.All ? null : target.Region.ToString());
            yield return new("StatusPageUrl", target.StatusPageUrl);
            yield return new("HealthUrl", target.HealthUrl);
            yield return new("PrometheusUrl", target.PrometheusUrl);
        }

        /// <summary>A PSObject around the value (as the pipeline hands it over) is seen through.</summary>
        public static object? Unwrap(object? value) => value is System.Management.Automation.PSObject wrapped ? wrapped.BaseObject : value;
    }
}
