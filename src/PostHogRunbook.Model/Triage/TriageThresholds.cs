namespace PostHogRunbook.Model
{
    /// <summary>The ratios the severity rules compare the integration's error ratio with.</summary>
    public sealed class TriageThresholds
    {
        public static readonly TriageThresholds Default = new(0.01, 0.05, 0.50);

        public TriageThresholds(double noiseFloor, double degradedRatio, double outageRatio)
        {
            NoiseFloor = noiseFloor;
            DegradedRatio = degradedRatio;
            OutageRatio = outageRatio;
        }

        /// <summary>Below this error ratio, errors are noise (default 1%).</summary>
        public double NoiseFloor { get; }

        /// <summary>At or above: P2, degraded (default 5%).</summary>
        public double DegradedRatio { get; }

        /// <summary>At or above: P1, complete outage (default 50%).</summary>
        public double OutageRatio { get; }
    }
}
