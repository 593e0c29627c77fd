using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using GtmMart.Contracts.V1;
using GtmMart.Server;
using GtmMart.Server.Security;
using GtmMart.Serving;
using GtmMart.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// TLS as docs/SERVING.md describes it: an HTTPS endpoint from Kestrel configuration (PEM certificate and key), no
/// code change. A client trusting that certificate scores over it; one that does not trust it, or speaks cleartext,
/// gets no answer.
/// </summary>
public sealed class TlsTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    [Fact]
    public async Task An_https_endpoint_from_Kestrel_configuration_serves_scores_to_a_client_that_trusts_its_certificate()
    {
        using var folder = new TempDirectory();
        using var certificate = SelfSigned(folder.File("server.crt"), folder.File("server.key"));
        var app = GtmServer.Build(new ServerOptions
        {
            Warehouse = server.Db.Warehouse,
            Registry = server.Registry,
            ApiKeyHashes = [ApiKeyHashes.Hash(GrpcServerFixture.ApiKey)],
            LoadOnStart = false,
            Args =
            [
                "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
                $"--Kestrel:Endpoints:Https:Certificate:Path={folder.File("server.crt")}",
                $"--Kestrel:Endpoints:Https:Certificate:KeyPath={folder.File("server.key")}",
            ],
        });
        app.Services.GetRequiredService<ServingState>().Load();
        var address = await GrpcServerFixture.StartAsync(app);
        try
        {
            Assert.StartsWith("https://127.0.0.1:", address, StringComparison.Ordinal);
            var id = server.State.Features!.OpenOpportunities[0].OpportunityId;

            using (var trusting = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = Trusting(certificate) }))
            {
                var response = await new ScoringService.ScoringServiceClient(trusting).ScoreOpportunitiesAsync(
                    new ScoreOpportunitiesRequest { OpportunityIds = { id } }, GrpcServerFixture.Auth());
                Assert.Equal(id, response.Results[0].Score.OpportunityId);
            }

            using (var untrusting = GrpcChannel.ForAddress(address))
            {
                var refused = await Assert.ThrowsAsync<RpcException>(() =>
                    new ScoringService.ScoringServiceClient(untrusting).PingAsync(new Empty(), GrpcServerFixture.Auth()).ResponseAsync);
                Assert.NotEqual(StatusCode.OK, refused.StatusCode);
                Assert.True(Chain(refused.Status.DebugException).Any(e => e is System.Security.Authentication.AuthenticationException),
                    $"expected a certificate rejection, got {refused.Status}");
            }

            using (var cleartext = GrpcChannel.ForAddress(address.Replace("https://", "http://", StringComparison.Ordinal)))
            {
                var refused = await Assert.ThrowsAsync<RpcException>(() =>
                    new ScoringService.ScoringServiceClient(cleartext).PingAsync(new Empty(), GrpcServerFixture.Auth(deadline: TimeSpan.FromSeconds(10))).ResponseAsync);
                Assert.NotEqual(StatusCode.OK, refused.StatusCode);
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>A client handler that accepts exactly this certificate (as a CRM pinned to a private CA would).</summary>
    private static SocketsHttpHandler Trusting(X509Certificate2 certificate) => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.Thumbprint },
    };

    /// <summary>A self-signed server certificate for 127.0.0.1 and localhost, written as PEM certificate and key.</summary>
    private static X509Certificate2 SelfSigned(string certificatePath, string keyPath)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }
}
