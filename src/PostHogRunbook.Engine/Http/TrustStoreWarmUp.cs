using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace PostHogRunbook.Engine.Http
{
    /// <summary>
    /// The first TLS handshake of a process validates the server's chain, and on Linux .NET then loads the machine's
    /// whole trust store (every certificate of /etc/ssl/certs, ca-certificates.crt and the folder, parsed by
    /// OpenSSL) into a process-wide cache, whatever the trust mode: 70-100 ms measured here, on the critical path of
    /// the first Kubernetes request (and of the first https request to PostHog or its status page). Called on another
    /// core while the kubeconfig is read and the connection opens (<see cref="Kubernetes.KubernetesWarmUp"/>), it
    /// loads that cache first. It reads only the machine's own store, sends nothing, and never fails a caller:
    /// whatever it did not load, the handshake loads as before.
    /// </summary>
    internal static class TrustStoreWarmUp
    {
        static int loaded;

        /// <summary>Loads the store into that cache on the calling thread, the first time only (Linux only: elsewhere the OS holds it).</summary>
        public static void LoadOnce()
        {
            if (OperatingSystem.IsLinux() && Interlocked.Exchange(ref loaded, 1) == 0)
            {
                Load();
            }
        }

        static void Load()
        {
            try
            {
                using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                foreach (var certificate in store.Certificates)
                {
                    certificate.Dispose();
                }
            }
            catch (Exception ex) when (ex is CryptographicException or UnauthorizedAccessException or System.IO.IOException)
            {
                // Unreadable: the handshake loads what it can itself and reports its own errors.
            }
        }
    }
}
