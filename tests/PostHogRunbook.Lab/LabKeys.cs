namespace PostHogRunbook.Lab
{
    /// <summary>
    /// The lab's PostHog keys. They have the real shapes (a 4-character prefix and 43 letters or digits), so that
    /// the module's redactor and shape checks see what production would give them, and they are obviously fake.
    /// </summary>
    public static class LabKeys
    {
        /// <summary>A project key that /flags accepts (in the valid set from the start).</summary>
        public const string Good = "phc_LabGoodProjectKey01234567890123456789012345";

        /// <summary>A well-formed project key that /flags rejects in every scenario: what the deployment holds in bad-key.</summary>
        public const string Revoked = "phc_LabRevokedProjectKey01234567890123456789012";

        /// <summary>The one personal API key that the private API (/api/users/@me/) accepts as a Bearer token.</summary>
        public const string Personal = "phx_LabPersonalKey01234567890123456789012345678";

        /// <summary>
        /// The project key the simulated deployment uses (its secret's value): the revoked key when the scenario says
        /// the key is bad, the good one otherwise.
        /// </summary>
        public static string DeploymentKey(LabScenario scenario) =>
            scenario.PostHogApi == PostHogApiBehaviour.BadKey ? Revoked : Good;
    }
}
