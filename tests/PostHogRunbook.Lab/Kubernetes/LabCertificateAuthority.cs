using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PostHogRunbook.Lab.Kubernetes
{
    /// <summary>
    /// A throwaway CA and the API server's certificate it signs (SAN IP 127.0.0.1 and DNS localhost), made at
    /// start: kubectl and KubernetesClient verify the server against certificate-authority-data like they would
    /// against a real cluster, with no "insecure-skip-tls-verify" to hide a mistake.
    /// </summary>
    internal sealed class LabCertificateAuthority : IDisposable
    {
        LabCertificateAuthority(X509Certificate2 authority, X509Certificate2 server)
        {
            Authority = authority;
            Server = server;
        }

        /// <summary>The CA (public part only is ever written out).</summary>
        public X509Certificate2 Authority { get; }

        /// <summary>The server certificate with its private key, for Kestrel.</summary>
        public X509Certificate2 Server { get; }

        public string AuthorityPem => Authority.ExportCertificatePem();

        public static LabCertificateAuthority Create()
        {
            var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
            var notAfter = DateTimeOffset.UtcNow.AddDays(7);

            using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var authorityRequest = new CertificateRequest("CN=posthog-runbook-lab-ca", authorityKey, HashAlgorithmName.SHA256);
            authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
            using var authorityWithKey = authorityRequest.CreateSelfSigned(notBefore, notAfter);

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            names.AddDnsName("kubernetes.default.svc");
            serverRequest.CertificateExtensions.Add(names.Build());
            serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
            serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authorityWithKey, true, false));

            var serial = new byte[16];
            RandomNumberGenerator.Fill(serial);
            serial[0] &= 0x7F; // a positive serial: Go's x509 rejects negative ones
            using var serverPublic = serverRequest.Create(authorityWithKey, notBefore, notAfter.AddMinutes(-1), serial);
            using var serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);

            // Round-trip through PKCS#12 so the key is a persisted, exportable one that SslStream accepts on every platform.
            var server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);
            var authority = X509CertificateLoader.LoadCertificate(authorityWithKey.Export(X509ContentType.Cert));
            return new LabCertificateAuthority(authority, server);
        }

        public void Dispose()
        {
            Authority.Dispose();
            Server.Dispose();
        }
    }
}
