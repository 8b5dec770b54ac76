namespace PostHogRunbook.Engine.Configuration
{
    /// <summary>Where a resolved value came from, in order of precedence.</summary>
    public enum SettingSource
    {
        Parameter,
        Session,
        ConfigFile,
        Environment,
        Default,
        Unset,
    }
}
