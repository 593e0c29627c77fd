using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Hosting;

/// <summary>
/// The addresses the server listens on: gRPC endpoints (HTTP/2 cleartext, h2c) and REST endpoints (HTTP/1.1, JSON
/// transcoding). Cleartext HTTP/1.1 and HTTP/2 cannot share a port, so each address gets one protocol; with TLS (from
/// Kestrel configuration) one port can carry both (<c>Protocols: Http1AndHttp2</c>, docs/SERVING.md).
/// </summary>
public sealed partial class Listeners
{
    private readonly List<(ListenOptions Options, bool IsRest)> bound = [];

    /// <summary>The gRPC addresses as bound (a port 0 replaced by the one Kestrel picked), once the host has started.</summary>
    public IReadOnlyList<string> Grpc => Addresses(rest: false);

    /// <summary>The REST (HTTP/1.1) addresses as bound, once the host has started.</summary>
    public IReadOnlyList<string> Rest => Addresses(rest: true);

    /// <summary>Listens on each address with its protocol. Addresses are <c>http://host:port</c> or <c>host:port</c>.</summary>
    public void Configure(KestrelServerOptions kestrel, IEnumerable<string> grpcUrls, IEnumerable<string> restUrls)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        foreach (var url in grpcUrls)
        {
            Listen(kestrel, url, HttpProtocols.Http2, rest: false);
        }

        foreach (var url in restUrls)
        {
            Listen(kestrel, url, HttpProtocols.Http1, rest: true);
        }
    }

    /// <summary>Warns about each address other hosts can reach over cleartext: API keys and scores would cross the network unencrypted.</summary>
    public static void WarnIfExposed(ILogger logger, IEnumerable<string> cleartextUrls)
    {
        foreach (var url in cleartextUrls)
        {
            if (Uri.TryCreate(WithScheme(url), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri.Host))
            {
                LogExposed(logger, url);
            }
        }
    }

    /// <summary><c>host:port</c> becomes <c>http://host:port</c>; an address with a scheme is kept.</summary>
    public static string WithScheme(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;
    }

    private void Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols, bool rest)
    {
        var what = rest ? "--rest-urls" : "--urls";
        if (!Uri.TryCreate(WithScheme(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal)), UriKind.Absolute, out var uri)
            || uri.Port < 0 || uri.AbsolutePath != "/")
        {
            throw new ArgumentException($"{what}: '{Bounded(url)}' is not an address like http://127.0.0.1:5080 or 127.0.0.1:5080");
        }

        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"{what}: '{Bounded(url)}': only http:// addresses here; for TLS configure a Kestrel endpoint (docs/SERVING.md, TLS)");
        }

        void Configure(ListenOptions options)
        {
            options.Protocols = protocols;
            bound.Add((options, rest));
        }

        if (uri.IsLoopback && uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.Listen(IPAddress.Loopback, uri.Port, Configure);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, uri.Port, Configure);
        }
        else
        {
            throw new ArgumentException($"{what}: '{Bounded(url)}': listen on an IP address, localhost or * (not a host name)");
        }
    }

    private List<string> Addresses(bool rest) =>
        [.. bound.Where(b => b.IsRest == rest).Select(b => b.Options.IPEndPoint is { } endpoint
            ? "http://" + (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString())
                + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture)
            : b.Options.ToString() ?? "")];

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string Bounded(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "listening on {Url} without TLS: other hosts can reach it, and API keys and scores cross the network unencrypted; bind to 127.0.0.1 behind a TLS proxy, or configure a TLS endpoint (docs/SERVING.md)")]
    private static partial void LogExposed(ILogger logger, string url);
}
