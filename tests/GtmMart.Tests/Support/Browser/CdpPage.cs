using System.Collections.Concurrent;
using System.Text.Json;

namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// One tab over a flattened CDP session. Collects, from the moment it is created, every console error
/// (<c>Runtime.consoleAPICalled</c> error/assert), uncaught exception (<c>Runtime.exceptionThrown</c>), browser log
/// error (<c>Log.entryAdded</c>, e.g. a Content-Security-Policy violation) and every network request URL.
/// </summary>
public sealed class CdpPage : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly CdpConnection connection;
    private readonly ConcurrentQueue<string> errors = new();
    private readonly ConcurrentQueue<string> requests = new();
    private readonly IDisposable subscription;

    internal CdpPage(CdpConnection connection, string targetId, string sessionId)
    {
        this.connection = connection;
        TargetId = targetId;
        SessionId = sessionId;
        subscription = connection.Listen(Collect);
    }

    public string TargetId { get; }

    public string SessionId { get; }

    public IReadOnlyList<string> Errors => [.. errors];

    public IReadOnlyList<string> Requests => [.. requests];

    internal async Task EnableAsync()
    {
        foreach (var domain in new[] { "Runtime.enable", "Log.enable", "Network.enable", "Page.enable" })
        {
            await Send(domain);
        }
    }

    public Task<JsonElement> Send(string method, object? parameters = null) => connection.SendAsync(method, parameters, SessionId, Timeout);

    /// <summary>Navigates and waits (bounded) for the load event.</summary>
    public async Task NavigateAsync(string url)
    {
        using var loaded = connection.WaitFor("Page.loadEventFired", SessionId);
        var result = await Send("Page.navigate", new { url });
        if (result.TryGetProperty("errorText", out var error))
        {
            throw new InvalidOperationException($"navigation to {url} failed: {error.GetString()}");
        }

        await loaded.WaitAsync(Timeout);
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its value (JSON); a thrown error fails.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await Send("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            throw new InvalidOperationException($"page script failed: {details}");
        }

        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    /// <summary>Lays the page out as a screen of <paramref name="width"/> × <paramref name="height"/> CSS pixels.</summary>
    public Task SetViewportAsync(int width, int height) =>
        Send("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });

    /// <summary>A PNG of the viewport, or of the whole page when <paramref name="fullPage"/>.</summary>
    public async Task<byte[]> ScreenshotAsync(bool fullPage)
    {
        object parameters = new { format = "png" };
        if (fullPage)
        {
            var metrics = await Send("Page.getLayoutMetrics");
            var size = metrics.GetProperty("cssContentSize");
            parameters = new
            {
                format = "png",
                captureBeyondViewport = true,
                clip = new { x = 0, y = 0, width = size.GetProperty("width").GetDouble(), height = size.GetProperty("height").GetDouble(), scale = 1 },
            };
        }

        var shot = await Send("Page.captureScreenshot", parameters);
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    private void Collect(CdpEvent e)
    {
        if (e.SessionId != SessionId)
        {
            return;
        }

        switch (e.Method)
        {
            case "Runtime.consoleAPICalled" when e.Params.GetProperty("type").GetString() is "error" or "assert":
                errors.Enqueue("console." + e.Params.GetProperty("type").GetString() + ": " + string.Join(" ", e.Params.GetProperty("args").EnumerateArray().Select(Describe)));
                break;
            case "Runtime.exceptionThrown":
                var details = e.Params.GetProperty("exceptionDetails");
                errors.Enqueue("exception: " + (details.TryGetProperty("exception", out var ex) ? Describe(ex) : details.GetProperty("text").GetString()));
                break;
            case "Log.entryAdded" when e.Params.GetProperty("entry").GetProperty("level").GetString() == "error":
                var entry = e.Params.GetProperty("entry");
                errors.Enqueue($"log ({entry.GetProperty("source").GetString()}): {entry.GetProperty("text").GetString()} {(entry.TryGetProperty("url", out var u) ? u.GetString() : "")}".Trim());
                break;
            case "Network.requestWillBeSent":
                requests.Enqueue(e.Params.GetProperty("request").GetProperty("url").GetString() ?? "");
                break;
        }
    }

    private static string Describe(JsonElement remoteObject) =>
        remoteObject.TryGetProperty("value", out var v) ? v.ToString()
        : remoteObject.TryGetProperty("description", out var d) ? d.GetString() ?? ""
        : remoteObject.ToString();

    public void Dispose()
    {
        subscription.Dispose();
        try
        {
            connection.SendAsync("Target.closeTarget", new { targetId = TargetId }, null, TimeSpan.FromSeconds(5)).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The browser is being shut down anyway.
        }
    }
}
