using System.Net;
using System.Net.Sockets;

namespace PostHogRunbook.Lab.Hosting
{
    /// <summary>
    /// A loopback URL where nothing listens (connection refused at once): a port the OS gave us, then closed. A
    /// client pointed there meets a dependency that is down, not one that is slow.
    /// </summary>
    static class DeadEndpoint
    {
        public static string Reserve()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            try
            {
                return "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            finally
            {
                listener.Stop();
            }
        }
    }
}
