using System;
using System.Runtime.InteropServices;

namespace PostHogRunbook.Engine.Bundle
{
    /// <summary>
    /// Gives the C library's free heap memory back to the system (glibc's malloc_trim), where there is one. A bundle
    /// makes and frees native memory on many threads for every log it streams (zlib's state, TLS records), and glibc
    /// keeps what was freed in each thread's arena, resident: measured, 25 MB of a 1.3 GB export's peak was such free
    /// memory. Trimming changes no setting of the process; it only returns pages nothing uses. Elsewhere (musl,
    /// macOS, Windows) it does nothing.
    /// </summary>
    internal static class NativeHeap
    {
        static bool unavailable = !OperatingSystem.IsLinux();

        public static void Trim()
        {
            if (unavailable)
            {
                return;
            }

            try
            {
                _ = malloc_trim(UIntPtr.Zero);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                // Not glibc.
                unavailable = true;
            }
        }

        [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        static extern int malloc_trim(UIntPtr pad);
    }
}
