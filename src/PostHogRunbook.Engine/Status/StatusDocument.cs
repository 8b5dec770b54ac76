using System;
using System.Collections.Generic;
using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Status
{
    /// <summary>What either provider's document says, before the region filter: the parsers' common output.</summary>
    internal sealed class StatusDocument
    {
        public StatusDocument(
            StatusPageProvider provider,
            IReadOnlyList<PostHogComponentStatus> components,
            IReadOnlyList<PostHogStatusIncident> incidents,
            IReadOnlyList<PostHogMaintenance> maintenancesInProgress,
            IReadOnlyList<PostHogMaintenance> scheduledMaintenances,
            ServiceState? declaredOverall)
        {
            Provider = provider;
            Components = components;
            Incidents = incidents;
            MaintenancesInProgress = maintenancesInProgress;
            ScheduledMaintenances = scheduledMaintenances;
            DeclaredOverall = declaredOverall;
        }

        public StatusPageProvider Provider { get; }

        public IReadOnlyList<PostHogComponentStatus> Components { get; }

        public IReadOnlyList<PostHogStatusIncident> Incidents { get; }

        public IReadOnlyList<PostHogMaintenance> MaintenancesInProgress { get; }

        public IReadOnlyList<PostHogMaintenance> ScheduledMaintenances { get; }

        /// <summary>Statuspage's page-wide indicator; incident.io has none.</summary>
        public ServiceState? DeclaredOverall { get; }
    }
}
