using System;
using System.Collections.Generic;

namespace PostHogRunbook.Lab
{
    // The contract between the lab's parts: one scenario names what every part of the simulated world does.
    // The HTTP half (status pages, PostHog API, our app) reads StatusPage/PostHogApi/App/ErrorRates;
    // the Kubernetes half reads Kubernetes. Add a scenario by adding one entry to All.

    public enum StatusPageBehaviour
    {
        Operational,
        UsIncident,          // ongoing incident on US Cloud components (full outage on ingestion)
        EuIncident,          // ongoing incident on EU Cloud components only
        UsMaintenance,       // maintenance in progress on US Cloud components
        UsRateLimitIncident, // incident on US ingestion: degraded performance, "elevated 429s"
        Html,                // 200 text/html instead of JSON (a captive portal, a CDN error page)
        MalformedJson,       // 200 application/json that does not parse
        ServerError,         // 502 with an HTML body
        Hang,                // accepts, never answers
        NovelValues,         // a US incident in values no client knows (an impact, a component status, an indicator)
    }

    public enum PostHogApiBehaviour
    {
        Ok,
        BadKey,        // /flags answers 401 invalid_api_key; capture still 200 (capture checks only the key's shape)
        RateLimited,   // 429 throttled with Retry-After on everything
        ServerErrors,  // 503 transient error, please retry
        Hang,          // accepts, never answers
    }

    public enum AppHealthBehaviour
    {
        Ok,             // {"status":"ok","services":{"posthog":"ok"}}
        PostHogDegraded,
        PostHogDown,
        AppDown,        // 503 {"status":"down",...}
    }

    public enum PodBehaviour
    {
        Running,
        CrashLoopBackOff, // restarts, waiting reason CrashLoopBackOff, a previous container log
        OOMKilled,        // last termination reason OOMKilled
    }

    public sealed record KubernetesBehaviour(
        PodBehaviour Pods = PodBehaviour.Running,
        bool RolloutStuck = false,
        bool ReadOnly = false,
        int AvailableReplicas = 3,
        // Resources (plural names) the lab's user may not even read: RBAC refusals for reads.
        IReadOnlyList<string>? DeniedResources = null);

    public sealed record LabScenario(
        string Name,
        string Description,
        StatusPageBehaviour StatusPage,
        PostHogApiBehaviour PostHogApi,
        AppHealthBehaviour App,
        // posthog_errors_total growth per second, by HTTP status ("401", "429", "503", "timeout").
        IReadOnlyDictionary<string, double> ErrorRates,
        // posthog_requests_total growth per second.
        double RequestRate,
        KubernetesBehaviour Kubernetes,
        // The least latency every answer of the world's parts pays in this scenario (the "slow" world).
        int MinimumLatencyMs = 0)
    {
        static readonly IReadOnlyDictionary<string, double> NoErrors = new Dictionary<string, double>();

        static Dictionary<string, double> Errors(string status, double perSecond) =>
            new Dictionary<string, double> { [status] = perSecond };

        public static readonly IReadOnlyList<LabScenario> All = new[]
        {
            new LabScenario("healthy", "Everything works.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour()),
            new LabScenario("us-outage", "PostHog US Cloud is down and says so.", StatusPageBehaviour.UsIncident, PostHogApiBehaviour.ServerErrors, AppHealthBehaviour.PostHogDown, Errors("503", 15), 20, new KubernetesBehaviour()),
            new LabScenario("eu-outage", "PostHog EU Cloud is down; a US integration is fine.", StatusPageBehaviour.EuIncident, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour()),
            new LabScenario("maintenance", "PostHog US Cloud maintenance in progress, degraded ingestion.", StatusPageBehaviour.UsMaintenance, PostHogApiBehaviour.ServerErrors, AppHealthBehaviour.PostHogDegraded, Errors("503", 2), 20, new KubernetesBehaviour()),
            new LabScenario("bad-key", "The deployment's project key is rejected by /flags.", StatusPageBehaviour.Operational, PostHogApiBehaviour.BadKey, AppHealthBehaviour.PostHogDown, Errors("401", 18), 20, new KubernetesBehaviour()),
            new LabScenario("rate-limited", "PostHog throttles us; its status page is green.", StatusPageBehaviour.Operational, PostHogApiBehaviour.RateLimited, AppHealthBehaviour.PostHogDegraded, Errors("429", 4), 20, new KubernetesBehaviour()),
            new LabScenario("rate-limit-outage", "A 429 storm that PostHog declares as an incident.", StatusPageBehaviour.UsRateLimitIncident, PostHogApiBehaviour.RateLimited, AppHealthBehaviour.PostHogDegraded, Errors("429", 4), 20, new KubernetesBehaviour()),
            new LabScenario("server-errors", "PostHog answers 503; its status page is green.", StatusPageBehaviour.Operational, PostHogApiBehaviour.ServerErrors, AppHealthBehaviour.PostHogDown, Errors("503", 12), 20, new KubernetesBehaviour()),
            new LabScenario("html", "The status page serves HTML; PostHog answers 503.", StatusPageBehaviour.Html, PostHogApiBehaviour.ServerErrors, AppHealthBehaviour.PostHogDown, Errors("503", 12), 20, new KubernetesBehaviour()),
            new LabScenario("malformed", "The status page serves JSON that does not parse.", StatusPageBehaviour.MalformedJson, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour()),
            new LabScenario("status-error", "The status page answers 502.", StatusPageBehaviour.ServerError, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour()),
            new LabScenario("slow", "Everything works, every answer takes at least 2 s (more with --latency-ms).", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(), MinimumLatencyMs: 2000),
            new LabScenario("unreachable", "PostHog and its status page accept connections and never answer.", StatusPageBehaviour.Hang, PostHogApiBehaviour.Hang, AppHealthBehaviour.PostHogDown, Errors("timeout", 10), 20, new KubernetesBehaviour()),
            new LabScenario("infra-down", "Our own integration crash-loops; PostHog is fine.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.AppDown, NoErrors, 0, new KubernetesBehaviour(PodBehaviour.CrashLoopBackOff, AvailableReplicas: 0)),
            new LabScenario("oom", "Our integration is OOMKilled, one replica left.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(PodBehaviour.OOMKilled, AvailableReplicas: 1)),
            new LabScenario("rollout-stuck", "Everything works, but a new rollout never progresses.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(RolloutStuck: true)),
            new LabScenario("novel-values", "The status page uses values no client knows yet; everything else works.", StatusPageBehaviour.NovelValues, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour()),
            new LabScenario("rbac-read-only", "Everything works; the lab's user may read but not write.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(ReadOnly: true)),
            new LabScenario("rbac-no-secrets", "Everything works; the lab's user may not read secrets.", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(DeniedResources: new[] { "secrets" })),
            new LabScenario("rbac-no-pods", "Everything works; the lab's user may not read pods (nor their logs).", StatusPageBehaviour.Operational, PostHogApiBehaviour.Ok, AppHealthBehaviour.Ok, NoErrors, 20, new KubernetesBehaviour(DeniedResources: new[] { "pods" })),
        };

        public static LabScenario Find(string name)
        {
            foreach (var scenario in All)
            {
                if (string.Equals(scenario.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return scenario;
                }
            }

            throw new ArgumentException($"Unknown scenario '{name}'. Known: {string.Join(", ", System.Linq.Enumerable.Select(All, s => s.Name))}.");
        }
    }
}
