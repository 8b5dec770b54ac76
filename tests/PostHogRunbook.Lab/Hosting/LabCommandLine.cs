using System.Globalization;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>The lab process's arguments: the options that size the world, and how the process ends.</summary>
    sealed record LabCommandLine(LabOptions Options, bool ExitOnStdinEof, bool Serve = false)
    {
        public const string Usage =
            "usage: PostHogRunbook.Lab [--scenario NAME] [--latency-ms N] [--pods N] [--log-bytes-per-pod N] " +
            "[--state-dir PATH] [--rbac-role FILE]... [--rbac-user NAME] [--exit-on-stdin-eof]\n" +
            "       PostHogRunbook.Lab --serve [--exit-on-stdin-eof]   (many labs in one process: POST /labs, DELETE /labs/{id})";

        /// <summary>Throws ArgumentException, with a message for the user, on anything it does not understand.</summary>
        public static LabCommandLine Parse(IReadOnlyList<string> args)
        {
            var options = new LabOptions(Scenario: "healthy", LatencyMs: 0, PodCount: 3, LogBytesPerPod: 0, StateDirectory: string.Empty);
            var exitOnStdinEof = false;
            var serve = false;
            var roleFiles = new List<string>();
            for (var i = 0; i < args.Count; i++)
            {
                switch (args[i])
                {
                    case "--scenario":
                        options = options with { Scenario = LabScenario.Find(Value(args, ref i)).Name };
                        break;
                    case "--latency-ms":
                        options = options with { LatencyMs = (int)Number(args, ref i, int.MaxValue) };
                        break;
                    case "--pods":
                        options = options with { PodCount = (int)Number(args, ref i, int.MaxValue) };
                        break;
                    case "--log-bytes-per-pod":
                        options = options with { LogBytesPerPod = Number(args, ref i, long.MaxValue) };
                        break;
                    case "--state-dir":
                        options = options with { StateDirectory = Path.GetFullPath(Value(args, ref i)) };
                        break;
                    case "--rbac-role":
                        roleFiles.Add(Path.GetFullPath(Value(args, ref i)));
                        break;
                    case "--rbac-user":
                        options = options with { RbacUser = Value(args, ref i) };
                        break;
                    case "--exit-on-stdin-eof":
                        exitOnStdinEof = true;
                        break;
                    case "--serve":
                        serve = true;
                        break;
                    default:
                        throw new ArgumentException($"Unknown argument '{args[i]}'.");
                }
            }

            if (roleFiles.Count > 0)
            {
                // Read and validated now, so that a bad Role file is a usage error, not a lab that never starts.
                try
                {
                    new Kubernetes.LabRbac().EnforceFiles(roleFiles, options.RbacUser);
                }
                catch (FormatException e)
                {
                    throw new ArgumentException(e.Message, e);
                }

                options = options with { RbacRoleFiles = roleFiles };
            }

            return new LabCommandLine(options, exitOnStdinEof, serve);
        }

        static string Value(IReadOnlyList<string> args, ref int i)
        {
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }

            return args[++i];
        }

        static long Number(IReadOnlyList<string> args, ref int i, long max)
        {
            var name = args[i];
            var text = Value(args, ref i);
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            {
                throw new ArgumentException($"{name} needs a whole number, 0 or more; got '{text}'.");
            }

            return value;
        }
    }
}
