namespace PostHogRunbook.Engine.Tests.LabKubernetes
{
    /// <summary>The repository's deploy/ manifests, found from the test assembly's folder (the tests enforce the real files).</summary>
    static class DeployManifests
    {
        public static string TriageRole => File("role-triage.yaml");

        public static string RemediateRole => File("role-remediate.yaml");

        public static string File(string name)
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (System.IO.File.Exists(Path.Combine(directory.FullName, "PostHogRunbook.sln")))
                {
                    var path = Path.Combine(directory.FullName, "deploy", name);
                    return System.IO.File.Exists(path) ? path : throw new FileNotFoundException("deploy/ has no " + name, path);
                }
            }

            throw new DirectoryNotFoundException("No PostHogRunbook.sln above " + AppContext.BaseDirectory);
        }
    }
}
