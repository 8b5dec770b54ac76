@{
    Synopsis    = 'Copies incidents from the file journal into the cluster journal (JournalStore Kubernetes), every entry as it was written.'
    Description = @(
        'Copy-PostHogIncident moves an incident that one machine kept in its journal folder into the ConfigMaps of the integration''s namespace, where every SRE and the scheduled job share it. The entries are copied line for line: their times, their actors (user@host) and their redactions are kept, and the incident reads back the same from either store. The file is left as it is.'
        'It is idempotent: an incident already in the cluster with every entry writes nothing (the verbose stream says so); one that is there with some of them (an interrupted copy, or notes added to the file since) gets only the missing entries appended. An open incident takes its workload''s place as the open incident in the cluster, so the next triage continues it; when the cluster already has another open incident for the same deployment, the copy is refused with IncidentAlreadyOpen and nothing is written: resolve one of them first.'
        'The source is the file journal (-JournalPath, the JournalPath setting, else the user''s data folder); the destination is the cluster of the profile (-KubeConfig, -Context, -Namespace). It needs get, list, create and update on configmaps in that namespace (KubernetesForbidden names what is missing).'
    )
    Parameters  = @{
        Id          = 'The file incidents to copy (20261129-075631-k3f9x2). Binds from the pipeline by property name, so Get-PostHogIncident -JournalStore File | Copy-PostHogIncident copies them all. An id the file journal does not hold is the error IncidentNotFound.'
        To          = 'The store to copy into: Kubernetes, the only one besides the file journal it reads from.'
        JournalPath = 'The journal folder to copy from. A relative path is relative to the current location; ~ is the home folder.'
        KubeConfig  = 'The kubeconfig of the cluster to copy into (default $env:KUBECONFIG, then ~/.kube/config).'
        Context     = 'The kube context of that cluster (default the kubeconfig''s current-context).'
        Namespace   = 'The integration''s namespace, where the incidents'' ConfigMaps are (default the context''s namespace).'
        ConfigPath  = 'A JSON config file for the profile (JournalPath, KubeConfig, Context, Namespace), instead of $env:POSTHOG_RUNBOOK_CONFIG or the user''s config folder.'
    }
    Outputs     = @{ 'PostHogRunbook.Model.PostHogIncident' = 'Each incident as the cluster journal holds it after the copy, Timeline included.' }
    Examples    = @(
        @{ Title = 'Hand an incident to the team'; Code = 'Copy-PostHogIncident 20261129-075631-k3f9x2 -Context prod-us -Namespace posthog'; Remarks = 'The incident is now the ConfigMap posthog-incident-20261129-075631-k3f9x2 in prod-us/posthog; continue it with Set-PostHogIncident -JournalStore Kubernetes.' }
        @{ Title = 'Move every open file incident, then use the cluster from now on'; Code = 'Get-PostHogIncident -JournalStore File -Status Investigating, Identified, Mitigated, Monitoring | Copy-PostHogIncident; Set-PostHogRunbookConfig -JournalStore Kubernetes'; Remarks = 'Running it again copies nothing twice.' }
    )
    Links       = @('about_PostHogRunbook', 'Get-PostHogIncident', 'Set-PostHogIncident')
}
