using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using k8s.Models;
using Newtonsoft.Json.Linq;
using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Engine.Http;
using PostHogRunbook.Engine.Journal;
using PostHogRunbook.Engine.Kubernetes;
using PostHogRunbook.Engine.Services;
using PostHogRunbook.Engine.Triage;
using PostHogRunbook.Engine.Triage.Checks;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Remediation
{
    /// <summary>How a change is applied: wait for its rollout (bounded) or not.</summary>
    /// <summary>
    /// How a planned change is applied. <paramref name="IfUnchanged"/>: an env change or a restart patches with the
    /// resourceVersion its plan read as the precondition, for a plan read before the remediation lock was held (a
    /// deployment changed since refuses the patch: DeploymentChanged). A plan read under the lock patches without it,
    /// as kubectl does: the deployment's status moves all through an outage, and writers take turns by the lock.
    /// </summary>
    public sealed record RemediationOptions(bool Wait = true, int RolloutTimeoutSec = 300, bool IfUnchanged = false);

    /// <summary>
    /// The runbook's remediations, exactly (README, "Remediation"): env changes as strategic-merge patches of the
    /// one integration container (what `kubectl set env -c` sends), the key rotation through a backup Secret and a
    /// resourceVersion precondition, and the rollout restart annotation. Each is planned first (reads only, so
    /// -WhatIf shows the real before and after), then applied, awaited with kubectl's rollout logic and verified.
    /// </summary>
    public sealed class Remediator
    {
        public const string FallbackVariable = "POSTHOG_FALLBACK";
        public const string RateLimitVariable = "RATE_LIMIT_MODE";
        public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";
        public const string ManagedByLabel = "app.kubernetes.io/managed-by";
        public const string BackupOfLabel = "posthog-runbook/backup-of";

        readonly RunbookServices services;
        readonly RunbookProfile profile;
        readonly TimeSpan requestTimeout;
        readonly int lockDurationSeconds;

        public Remediator(RunbookServices services, RunbookProfile profile)
            : this(services, profile, RemediationLock.DefaultDurationSeconds)
        {
        }

        /// <summary>With another lease duration for the lock (a test's: expiry and renewal without waiting a minute).</summary>
        internal Remediator(RunbookServices services, RunbookProfile profile, int lockDurationSeconds)
        {
            this.services = services;
            this.profile = profile;
            this.lockDurationSeconds = lockDurationSeconds;
            requestTimeout = TimeSpan.FromSeconds(profile.GetInt(RunbookSetting.TimeoutSec, 10));
        }

        // ---- planning: reads only

        /// <summary>Set (or, with a null value, remove) an env variable of the integration container.</summary>
        public async Task<RemediationPlan> PlanEnvAsync(RemediationAction action, string name, string? value, CancellationToken cancellationToken)
        {
            var (gateway, deployment, target) = await ReadDeploymentAsync(cancellationToken).ConfigureAwait(false);
            var container = IntegrationContainer(deployment, profile.Get(RunbookSetting.Container), profile.Get(RunbookSetting.SecretName)!);
            var existing = container.Env?.FirstOrDefault(e => e.Name == name);
            var before = existing == null ? null : existing.ValueFrom != null ? "(from " + DescribeValueFrom(existing.ValueFrom) + ")" : existing.Value ?? string.Empty;
            var already = value == null ? existing == null : existing != null && existing.ValueFrom == null && existing.Value == value;
            var undo = existing == null
                ? $"kubectl set env deployment/{target.Deployment} -c {container.Name} {name}- -n {target.Namespace}{KubectlContext(target)}"
                : $"kubectl set env deployment/{target.Deployment} -c {container.Name} {name}={existing.Value} -n {target.Namespace}{KubectlContext(target)}";
            return new RemediationPlan(action, value == null ? ChangeKind.RemoveEnv : ChangeKind.SetEnv, target, gateway, container.Name, $"env {name}", before, value, already, undo)
            {
                EnvName = name,
                EnvValue = value,
                EnvHadValueFrom = existing?.ValueFrom != null,
                DeploymentVersion = deployment.Metadata?.ResourceVersion,
            };
        }

        /// <summary>The key rotation: the new key is checked against /flags here (ApiKeyRejected writes nothing).</summary>
        public async Task<RemediationPlan> PlanKeyRotationAsync(SecureString newKey, CancellationToken cancellationToken)
        {
            var (gateway, deployment, target) = await ReadDeploymentAsync(cancellationToken).ConfigureAwait(false);
            var secretName = profile.Get(RunbookSetting.SecretName)!;
            var secretKey = profile.Get(RunbookSetting.SecretKey)!;
            var secret = await WithTimeout(token => gateway.GetSecretAsync(secretName, token), cancellationToken, notFound: () => SecretNotFound(secretName, gateway)).ConfigureAwait(false);
            var current = secret.Data != null && secret.Data.TryGetValue(secretKey, out var bytes) ? Encoding.UTF8.GetString(bytes).Trim() : null;
            var plain = new NetworkCredential(string.Empty, newKey).Password.Trim();
            services.Redactor.AddSecret(plain);
            services.Redactor.AddSecret(current);
            var newHint = Redaction.Redactor.Hint(plain);
            if (current == plain)
            {
                return new RemediationPlan(RemediationAction.RotateApiKey, ChangeKind.RotateKey, target, gateway, null, $"secret {secretName}/{secretKey}", newHint, newHint, true, "none: nothing changed");
            }

            await CheckKeyAsync(plain, deployment, cancellationToken).ConfigureAwait(false);
            var backup = BackupName(secretName);
            var backupKey = $"{secretKey}.{services.Time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
            return new RemediationPlan(RemediationAction.RotateApiKey, ChangeKind.RotateKey, target, gateway, null, $"secret {secretName}/{secretKey}", Redaction.Redactor.Hint(current), newHint, false,
                $"Undo-PostHogRemediation -IncidentId <id>, or restore {secretKey} from backup secret {backup} key {backupKey}: kubectl get secret {backup} -n {target.Namespace} -o jsonpath='{{.data.{backupKey.Replace(".", "\\.", StringComparison.Ordinal)}}}'")
            {
                Secret = secret,
                NewKey = newKey,
                BackupSecretName = backup,
                BackupKey = backupKey,
            };
        }

        /// <summary>Undo of a rotation: the value the rotation saved (its key in the backup Secret), back into the integration secret.</summary>
        public async Task<RemediationPlan> PlanKeyRestoreAsync(string backupSecretName, string backupKey, CancellationToken cancellationToken)
        {
            var (gateway, _, target) = await ReadDeploymentAsync(cancellationToken).ConfigureAwait(false);
            var secretName = profile.Get(RunbookSetting.SecretName)!;
            var secretKey = profile.Get(RunbookSetting.SecretKey)!;
            var backup = await WithTimeout(token => gateway.GetSecretAsync(backupSecretName, token), cancellationToken, notFound: () => SecretNotFound(backupSecretName, gateway)).ConfigureAwait(false);
            var secret = await WithTimeout(token => gateway.GetSecretAsync(secretName, token), cancellationToken, notFound: () => SecretNotFound(secretName, gateway)).ConfigureAwait(false);
            var restored = backup.Data != null && backup.Data.TryGetValue(backupKey, out var saved) ? saved : throw new RunbookException("BackupSecretInvalid", RunbookErrorKind.InvalidResult, $"The backup secret {backupSecretName} has no key '{backupKey}'.", backupSecretName);
            var current = secret.Data != null && secret.Data.TryGetValue(secretKey, out var now) ? now : null;
            services.Redactor.AddSecret(Encoding.UTF8.GetString(restored));
            var already = current != null && current.AsSpan().SequenceEqual(restored);
            return new RemediationPlan(RemediationAction.RotateApiKey, ChangeKind.RestoreKey, target, gateway, null, $"secret {secretName}/{secretKey}",
                Redaction.Redactor.Hint(current == null ? null : Encoding.UTF8.GetString(current)), Redaction.Redactor.Hint(Encoding.UTF8.GetString(restored)), already, "none")
            {
                Secret = secret,
                BackupSecretName = backupSecretName,
                RestoredValue = restored,
            };
        }

        public async Task<RemediationPlan> PlanRestartAsync(CancellationToken cancellationToken)
        {
            var (gateway, deployment, target) = await ReadDeploymentAsync(cancellationToken).ConfigureAwait(false);
            var before = deployment.Spec?.Template?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(RestartedAtAnnotation, out var at) ? at : null;
            return new RemediationPlan(RemediationAction.RestartIntegration, ChangeKind.Restart, target, gateway, null, $"annotation {RestartedAtAnnotation}", before, "now", false, "none: a restart has nothing to take back")
            {
                DeploymentVersion = deployment.Metadata?.ResourceVersion,
            };
        }

        // ---- the lock

        /// <summary>
        /// Takes the remediation lock of the profile's deployment (a Lease, see <see cref="RemediationLock"/>) for
        /// <paramref name="operation"/>, held by <see cref="JournalEntryWriter.DefaultActor"/>; renewed until released.
        /// Another valid holder is RemediationInProgress, unless <paramref name="force"/>.
        /// </summary>
        public async Task<RemediationLock> LockAsync(string operation, bool force, CancellationToken cancellationToken)
        {
            var (gateway, _) = await OpenGatewayAsync(cancellationToken).ConfigureAwait(false);
            return await RemediationLock.AcquireAsync(gateway, profile.Get(RunbookSetting.Deployment)!, JournalEntryWriter.DefaultActor(), operation, force, lockDurationSeconds, services.Time, requestTimeout, cancellationToken).ConfigureAwait(false);
        }

        // ---- applying

        /// <summary>
        /// Makes the planned change (nothing when it is already in state), waits for the rollout unless told not to,
        /// and verifies it. A write the API server refuses, a stale resourceVersion, a stuck rollout: RunbookExceptions
        /// (KubernetesForbidden, SecretConflict, RolloutTimedOut) carrying what is needed to undo.
        /// </summary>
        public async Task<RemediationResult> ApplyAsync(RemediationPlan plan, RemediationOptions options, Action<string>? progress, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            if (plan.AlreadyInState)
            {
                return Result(plan, RemediationOutcome.AlreadyInState, null, VerificationOutcome.Skipped, "nothing written", clock.Elapsed, $"Already in state: {plan.Setting} is {plan.After}; nothing written.");
            }

            var gateway = plan.Gateway;
            var deploymentName = plan.Target.Deployment!;
            V1Deployment patched;
            switch (plan.Kind)
            {
                case ChangeKind.SetEnv:
                case ChangeKind.RemoveEnv:
                    patched = await Unchanged(plan, options.IfUnchanged, () => WithTimeout(token => gateway.PatchDeploymentAsync(deploymentName, EnvPatch(plan, options.IfUnchanged), token), cancellationToken)).ConfigureAwait(false);
                    break;
                case ChangeKind.RotateKey:
                    // The restart follows a write already made (the secret): never refused for a deployment changed since.
                    await ReplaceKeyAsync(plan, Encoding.UTF8.GetBytes(new NetworkCredential(string.Empty, plan.NewKey).Password.Trim()), backUp: true, cancellationToken).ConfigureAwait(false);
                    patched = await RestartAsync(gateway, deploymentName, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ChangeKind.RestoreKey:
                    await ReplaceKeyAsync(plan, plan.RestoredValue!, backUp: false, cancellationToken).ConfigureAwait(false);
                    patched = await RestartAsync(gateway, deploymentName, null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    patched = await Unchanged(plan, options.IfUnchanged, () => RestartAsync(gateway, deploymentName, options.IfUnchanged ? plan.DeploymentVersion : null, cancellationToken)).ConfigureAwait(false);
                    break;
            }

            var after = plan.Kind == ChangeKind.Restart ? patched.Spec?.Template?.Metadata?.Annotations?[RestartedAtAnnotation] : plan.After;
            if (!options.Wait)
            {
                var notWaited = RolloutWatcher.Status(patched, RolloutState.NotWaited, "not awaited (-NoWait)", TimeSpan.Zero);
                return Result(plan, RemediationOutcome.Applied, notWaited, VerificationOutcome.Skipped, "-NoWait: the rollout was not awaited", clock.Elapsed, $"Applied {plan.Setting} = {after}; the rollout was not awaited.", after);
            }

            var (rollout, rolledOut) = await RolloutWatcher.WaitAsync(gateway, patched, TimeSpan.FromSeconds(options.RolloutTimeoutSec), requestTimeout, services.Time, progress, cancellationToken).ConfigureAwait(false);
            if (rollout.State != RolloutState.Complete)
            {
                throw new RemediationException(
                    new RunbookException("RolloutTimedOut", RunbookErrorKind.OperationTimeout,
                        $"The change was made ({plan.Setting} = {after}) but the rollout of {plan.Target.Deployment} did not complete: {rollout.Message}; {rollout.UpdatedReplicas}/{rollout.DesiredReplicas} updated, {rollout.AvailableReplicas} available, {rollout.OldReplicas} old. Undo: {plan.Undo}",
                        plan.ShouldProcessTarget, $"Look at the new pods (kubectl get pods -l {profile.Get(RunbookSetting.Selector)} -n {plan.Target.Namespace}), or take the change back: {plan.Undo}"),
                    Result(plan, RemediationOutcome.Applied, rollout, VerificationOutcome.NotVerified, "the rollout did not complete", clock.Elapsed, $"Applied, but the rollout is stuck: {rollout.Message}.", after, "RolloutTimedOut"));
            }

            var (verification, detail) = await VerifyAsync(plan, rolledOut, cancellationToken).ConfigureAwait(false);
            return Result(plan, RemediationOutcome.Applied, rollout, verification, detail, clock.Elapsed, $"Applied {plan.Setting} = {after}; {rollout.Message}; {detail}.", after);
        }

        /// <summary>The error of a patch refused because the deployment changed since the plan read it: nothing was written.</summary>
        public const string DeploymentChangedErrorId = "DeploymentChanged";

        // The change's first write, with the plan's resourceVersion as its precondition when asked: a 409 is DeploymentChanged.
        static async Task<V1Deployment> Unchanged(RemediationPlan plan, bool conditional, Func<Task<V1Deployment>> patch)
        {
            try
            {
                return await patch().ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesConflict" && conditional && plan.DeploymentVersion != null)
            {
                throw new RunbookException(DeploymentChangedErrorId, RunbookErrorKind.InvalidOperation,
                    $"Deployment {plan.Target.Namespace}/{plan.Target.Deployment} changed since it was read (resourceVersion {plan.DeploymentVersion}): nothing was written. Read it again and retry.",
                    plan.Target.Deployment, ex.Details, ex);
            }
        }

        /// <summary>The result of a change that was not made (-WhatIf declined, or it failed before writing).</summary>
        public static RemediationResult NotApplied(RemediationPlan plan, RemediationOutcome outcome, string message, string? errorId = null)
            => Result(plan, outcome, null, VerificationOutcome.Skipped, null, TimeSpan.Zero, message, plan.After, errorId);

        // ---- the pieces

        /// <summary>The one container the runbook's env belongs to: -Container, else the one that already refers to POSTHOG_* or the secret.</summary>
        internal static V1Container IntegrationContainer(V1Deployment deployment, string? named, string secretName)
        {
            var containers = deployment.Spec?.Template?.Spec?.Containers ?? new List<V1Container>();
            if (!string.IsNullOrEmpty(named))
            {
                return containers.FirstOrDefault(c => c.Name == named)
                    ?? throw new RunbookException("ContainerNotFound", RunbookErrorKind.ObjectNotFound, $"Deployment {deployment.Metadata?.Name} has no container '{named}' (it has: {string.Join(", ", containers.Select(c => c.Name))}).", named);
            }

            var candidates = containers.Where(c =>
                (c.Env ?? new List<V1EnvVar>()).Any(e => e.Name.StartsWith("POSTHOG_", StringComparison.Ordinal) || e.ValueFrom?.SecretKeyRef?.Name == secretName)
                || (c.EnvFrom ?? new List<V1EnvFromSource>()).Any(f => f.SecretRef?.Name == secretName)).ToList();
            if (candidates.Count == 1)
            {
                return candidates[0];
            }

            if (candidates.Count > 1)
            {
                throw new RunbookException("ContainerAmbiguous", RunbookErrorKind.InvalidArgument, $"Deployment {deployment.Metadata?.Name} has several containers that use PostHog settings ({string.Join(", ", candidates.Select(c => c.Name))}): pass -Container.", deployment.Metadata?.Name);
            }

            return containers.Count == 1
                ? containers[0]
                : throw new RunbookException("ContainerNotFound", RunbookErrorKind.ObjectNotFound, $"No container of deployment {deployment.Metadata?.Name} refers to POSTHOG_* or the secret {secretName} (it has: {string.Join(", ", containers.Select(c => c.Name))}): pass -Container.", deployment.Metadata?.Name);
        }

        /// <summary>A strategic-merge patch of one container's env, merged by name: every other entry, container, envFrom and annotation stays.</summary>
        internal static string EnvPatch(RemediationPlan plan, bool ifUnchanged = false)
        {
            var entry = new JObject { ["name"] = plan.EnvName };
            if (plan.EnvValue == null)
            {
                entry["$patch"] = "delete";
            }
            else
            {
                entry["value"] = plan.EnvValue;
                if (plan.EnvHadValueFrom)
                {
                    entry["valueFrom"] = null;
                }
            }

            var container = new JObject { ["name"] = plan.Container, ["env"] = new JArray(entry) };
            var patch = new JObject { ["spec"] = new JObject { ["template"] = new JObject { ["spec"] = new JObject { ["containers"] = new JArray(container) } } } };
            return WithPrecondition(patch, ifUnchanged ? plan.DeploymentVersion : null).ToString(Newtonsoft.Json.Formatting.None);
        }

        // metadata.resourceVersion in a patch: the API server applies it only to that version of the object, else 409.
        static JObject WithPrecondition(JObject patch, string? resourceVersion)
        {
            if (!string.IsNullOrEmpty(resourceVersion))
            {
                patch.AddFirst(new JProperty("metadata", new JObject { ["resourceVersion"] = resourceVersion }));
            }

            return patch;
        }

        async Task<V1Deployment> RestartAsync(IKubernetesGateway gateway, string deployment, string? precondition, CancellationToken cancellationToken)
        {
            var at = services.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
            var patch = WithPrecondition(new JObject { ["spec"] = new JObject { ["template"] = new JObject { ["metadata"] = new JObject { ["annotations"] = new JObject { [RestartedAtAnnotation] = at } } } } }, precondition);
            return await WithTimeout(token => gateway.PatchDeploymentAsync(deployment, patch.ToString(Newtonsoft.Json.Formatting.None), token), cancellationToken).ConfigureAwait(false);
        }

        async Task ReplaceKeyAsync(RemediationPlan plan, byte[] value, bool backUp, CancellationToken cancellationToken)
        {
            var secret = plan.Secret!;
            var gateway = plan.Gateway;
            var secretKey = profile.Get(RunbookSetting.SecretKey)!;
            if (backUp)
            {
                await BackUpAsync(plan, secretKey, cancellationToken).ConfigureAwait(false);
            }

            var data = secret.Data == null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
            data[secretKey] = value;
            var replacement = new V1Secret
            {
                Metadata = new V1ObjectMeta
                {
                    Name = secret.Metadata.Name,
                    NamespaceProperty = secret.Metadata.NamespaceProperty,
                    Labels = secret.Metadata.Labels,
                    Annotations = secret.Metadata.Annotations,
                    // The precondition: a secret someone changed since we read it is a conflict, never an overwrite.
                    ResourceVersion = secret.Metadata.ResourceVersion,
                },
                Type = secret.Type,
                Data = data,
            };
            try
            {
                await WithTimeout(token => gateway.ReplaceSecretAsync(replacement, token), cancellationToken).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesConflict")
            {
                throw new RunbookException("SecretConflict", RunbookErrorKind.InvalidOperation,
                    $"The secret {secret.Metadata.Name} changed since it was read (resourceVersion {secret.Metadata.ResourceVersion}): someone else is changing it. Nothing was overwritten{(backUp ? $"; the backup {plan.BackupSecretName} holds the value read" : string.Empty)}. Read it again and retry.",
                    secret.Metadata.Name, ex.Details, ex);
            }
        }

        /// <summary>
        /// Saves the value being replaced under its own key (api-key.20261202-051500) in the one backup Secret of the
        /// integration secret: one fixed name, so the remediate Role can name it in resourceNames, and every rotation
        /// kept, so each can be undone. Created the first time, else updated with a resourceVersion precondition.
        /// </summary>
        async Task BackUpAsync(RemediationPlan plan, string secretKey, CancellationToken cancellationToken)
        {
            var gateway = plan.Gateway;
            var secret = plan.Secret!;
            var saved = secret.Data != null && secret.Data.TryGetValue(secretKey, out var current) ? current : Array.Empty<byte>();
            V1Secret? existing;
            try
            {
                existing = await WithTimeout(token => gateway.GetSecretAsync(plan.BackupSecretName!, token), cancellationToken).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesNotFound")
            {
                existing = null;
            }

            if (existing == null)
            {
                var created = new V1Secret
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = plan.BackupSecretName,
                        NamespaceProperty = gateway.Namespace,
                        Labels = new Dictionary<string, string> { [ManagedByLabel] = "PostHogRunbook", [BackupOfLabel] = secret.Metadata.Name },
                    },
                    Type = "Opaque",
                    Data = new Dictionary<string, byte[]> { [plan.BackupKey!] = saved },
                };
                await WithTimeout(token => gateway.CreateSecretAsync(created, token), cancellationToken).ConfigureAwait(false);
                return;
            }

            existing.Data ??= new Dictionary<string, byte[]>();
            existing.Data[plan.BackupKey!] = saved;
            try
            {
                await WithTimeout(token => gateway.ReplaceSecretAsync(existing, token), cancellationToken).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (ex.ErrorId == "KubernetesConflict")
            {
                throw new RunbookException("SecretConflict", RunbookErrorKind.InvalidOperation, $"The backup secret {plan.BackupSecretName} changed while the key was being saved: another rotation is running. Nothing was replaced; retry.", plan.BackupSecretName, ex.Details, ex);
            }
        }

        async Task<(VerificationOutcome, string)> VerifyAsync(RemediationPlan plan, V1Deployment rolledOut, CancellationToken cancellationToken)
        {
            switch (plan.Kind)
            {
                case ChangeKind.SetEnv:
                case ChangeKind.RemoveEnv:
                    var container = rolledOut.Spec?.Template?.Spec?.Containers?.FirstOrDefault(c => c.Name == plan.Container);
                    var entry = container?.Env?.FirstOrDefault(e => e.Name == plan.EnvName);
                    var holds = plan.EnvValue == null ? entry == null : entry?.Value == plan.EnvValue;
                    return holds
                        ? (VerificationOutcome.Verified, $"the rolled-out template has {plan.EnvName}={(plan.EnvValue ?? "(unset)")}")
                        : (VerificationOutcome.NotVerified, $"the rolled-out template has {plan.EnvName}={entry?.Value ?? "(unset)"}, not {plan.EnvValue ?? "(unset)"}");
                case ChangeKind.Restart:
                    return await RecheckAsync(TriageCheckName.Workload, cancellationToken).ConfigureAwait(false);
                default:
                    return await RecheckAsync(TriageCheckName.PostHogApi, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Runs the check that motivated the change again (the probe after a rotation, the workload after a restart).</summary>
        async Task<(VerificationOutcome, string)> RecheckAsync(TriageCheckName check, CancellationToken cancellationToken)
        {
            var results = await new TriageEngine(services).RunAsync(new TriageRequest(profile, onlyChecks: new[] { check }), null, cancellationToken).ConfigureAwait(false);
            var result = results[0].Report.Checks.First(c => c.Name == check);
            return result.Status == CheckStatus.Pass
                ? (VerificationOutcome.Verified, $"{check} passes again: {result.Summary}")
                : (VerificationOutcome.NotVerified, $"{check} is {result.Status}: {result.Summary}");
        }

        async Task CheckKeyAsync(string key, V1Deployment deployment, CancellationToken cancellationToken)
        {
            if (!PostHogApiCheck.IsWellFormedProjectKey(key))
            {
                throw new RunbookException("ApiKeyMalformed", RunbookErrorKind.InvalidArgument, $"The new key ({Redaction.Redactor.Hint(key)}) is not of the form phc_ followed by letters and digits: nothing was written.", "NewApiKey");
            }

            var host = profile.Get(RunbookSetting.PostHogHost)
                ?? deployment.Spec?.Template?.Spec?.Containers?.SelectMany(c => c.Env ?? new List<V1EnvVar>()).FirstOrDefault(e => e.Name == "POSTHOG_HOST")?.Value;
            if (host == null || !RunbookProfile.TryParseHttpUri(host, out var baseUri))
            {
                throw new RunbookException("PostHogHostUnknown", RunbookErrorKind.InvalidArgument, "No PostHog host to check the new key against: pass -PostHogHost (the deployment has no POSTHOG_HOST).", "PostHogHost");
            }

            HttpFetchResult answer;
            try
            {
                answer = await PostHogApiCheck.SendFlagsAsync(services.Http, baseUri, key, requestTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (DependencyUnreachableException ex)
            {
                throw ex.Named("PostHogUnreachable", "The new key cannot be checked: PostHog is unreachable, so nothing was written. ", RunbookHttp.Describe(baseUri));
            }

            var outcome = PostHogApiCheck.FlagsOutcome(answer);
            if (outcome == ApiProbeOutcome.KeyRejected)
            {
                throw new RunbookException("ApiKeyRejected", RunbookErrorKind.AuthenticationError, $"PostHog rejects the new key ({Redaction.Redactor.Hint(key)}): /flags answered HTTP 401. Nothing was written.", "NewApiKey", services.Redactor.Redact(answer.BodyPreview(200)));
            }

            if (outcome != ApiProbeOutcome.Ok)
            {
                throw new RunbookException("ApiKeyUnverified", RunbookErrorKind.ResourceUnavailable, $"The new key cannot be checked: /flags answered HTTP {answer.Status} ({outcome}). Nothing was written; retry when PostHog answers.", "NewApiKey", services.Redactor.Redact(answer.BodyPreview(200)));
            }
        }

        async Task<(IKubernetesGateway Gateway, string KubeConfig)> OpenGatewayAsync(CancellationToken cancellationToken)
        {
            // Opening reads the kubeconfig and sets up TLS: synchronous work, on a pool thread.
            return await Task.Run(() => services.Kubernetes.OpenProfileTarget(profile, "No kubeconfig: pass -KubeConfig or set KUBECONFIG."), cancellationToken).ConfigureAwait(false);
        }

        async Task<(IKubernetesGateway Gateway, V1Deployment Deployment, TriageTarget Target)> ReadDeploymentAsync(CancellationToken cancellationToken)
        {
            var (gateway, kubeConfig) = await OpenGatewayAsync(cancellationToken).ConfigureAwait(false);
            var name = profile.Get(RunbookSetting.Deployment)!;
            var deployment = await WithTimeout(token => gateway.GetDeploymentAsync(name, token), cancellationToken,
                notFound: () => new RunbookException("DeploymentNotFound", RunbookErrorKind.ObjectNotFound, $"No deployment {name} in namespace {gateway.Namespace}{(gateway.Context != null ? $" (context {gateway.Context})" : string.Empty)}: check -Deployment and -Namespace.", name)).ConfigureAwait(false);
            var target = new TriageTarget(kubeConfig, gateway.Context, gateway.Namespace, name, profile.Get(RunbookSetting.Selector), profile.Get(RunbookSetting.SecretName), profile.Get(RunbookSetting.SecretKey),
                profile.Get(RunbookSetting.PostHogHost) is { } host ? services.Redactor.Redact(host) : null, profile.GetRegion(), null, null, null);
            return (gateway, deployment, target);
        }

        /// <summary>One Kubernetes call with the whole request timeout; a 404 becomes the caller's own error when it has one.</summary>
        async Task<T> WithTimeout<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Func<RunbookException>? notFound = null)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(requestTimeout);
            try
            {
                return await call(bounded.Token).ConfigureAwait(false);
            }
            catch (RunbookException ex) when (notFound != null && ex.ErrorId == "KubernetesNotFound")
            {
                throw notFound();
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RunbookException("KubernetesTimedOut", RunbookErrorKind.OperationTimeout, $"The Kubernetes API gave no answer within {requestTimeout.TotalSeconds:0} s.", "Kubernetes");
            }
        }

        static RunbookException SecretNotFound(string name, IKubernetesGateway gateway)
            => new("SecretNotFound", RunbookErrorKind.ObjectNotFound, $"The secret {name} does not exist in namespace {gateway.Namespace} (check -SecretName).", name);

        /// <summary>The one backup Secret of an integration secret (deploy/role-remediate.yaml names it).</summary>
        static string BackupName(string secretName) => secretName + "-backup";

        static string KubectlContext(TriageTarget target) => string.IsNullOrEmpty(target.Context) ? string.Empty : $" --context {target.Context}";

        static string DescribeValueFrom(V1EnvVarSource source)
            => source.SecretKeyRef != null ? $"secret {source.SecretKeyRef.Name}/{source.SecretKeyRef.Key}" : source.ConfigMapKeyRef != null ? $"configmap {source.ConfigMapKeyRef.Name}/{source.ConfigMapKeyRef.Key}" : "a reference";

        static RemediationResult Result(RemediationPlan plan, RemediationOutcome outcome, RolloutStatus? rollout, VerificationOutcome verification, string? detail, TimeSpan duration, string message, string? after = null, string? errorId = null)
            => new(plan.Action, plan.Target, plan.Container, plan.Setting, plan.Before, after ?? plan.After, outcome, rollout, verification, detail, duration,
                outcome == RemediationOutcome.Applied && plan.Kind != ChangeKind.Restart ? plan.Undo : null, null, errorId, message);
    }

    /// <summary>A failure after the change was made (a stuck rollout): the error, and the result that says what was done.</summary>
    public sealed class RemediationException : Exception
    {
        public RemediationException(RunbookException error, RemediationResult change)
            : base(error.Message, error)
        {
            Error = error;
            Change = change;
        }

        public RunbookException Error { get; }

        /// <summary>What was done before the failure (the write made, the rollout as far as it got).</summary>
        public RemediationResult Change { get; }
    }
}
