using System.Collections.Concurrent;
using System.Text.Json;
using PuppeteerSharp;

namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// One tab with a page loaded. From before the navigation it records every console error or failed assertion, every
/// error the browser logs (e.g. a Content-Security-Policy violation), every uncaught exception, a crash, and the URL of
/// every request; <see cref="AssertClean"/> fails on any error and on any request other than the page's own file.
/// <see cref="Page"/> is PuppeteerSharp's page for anything else.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> errors = new();
    private readonly ConcurrentQueue<string> requests = new();

    private BrowserPage(IPage page, string url)
    {
        Page = page;
        Url = url;
        page.Console += (_, e) =>
        {
            if (e.Message.Type is ConsoleType.Error or ConsoleType.Assert)
            {
                var at = e.Message.Location?.URL is { Length: > 0 } source ? $" (at {source}:{e.Message.Location.LineNumber + 1})" : "";
                errors.Enqueue($"console.{e.Message.Type.ToString().ToLowerInvariant()}: {e.Message.Text}{at}");
            }
        };
        page.PageError += (_, e) => errors.Enqueue("exception: " + e.Message);
        page.Error += (_, e) => errors.Enqueue("page crashed: " + e.Error);
        page.Request += (_, e) => requests.Enqueue(e.Request.Url);
    }

    public IPage Page { get; }

    /// <summary>The URL the page was opened at.</summary>
    public string Url { get; }

    /// <summary>Console errors and assertions, logged errors, uncaught exceptions and crashes so far, in order.</summary>
    public IReadOnlyList<string> Errors => [.. errors];

    /// <summary>The URL of every request the page made so far, in order (the page itself included).</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    internal static async Task<BrowserPage> OpenAsync(IBrowser browser, string url, Viewport viewport)
    {
        var page = await browser.NewPageAsync();
        try
        {
            page.DefaultTimeout = (int)Chromium.OperationTimeout.TotalMilliseconds;
            page.DefaultNavigationTimeout = (int)Chromium.OperationTimeout.TotalMilliseconds;
            await page.SetViewportAsync(viewport.Options);
            var opened = new BrowserPage(page, url);
            await page.GoToAsync(url, WaitUntilNavigation.Load);
            return opened;
        }
        catch
        {
            await page.CloseAsync();
            throw;
        }
    }

    /// <summary>Evaluates a JavaScript expression (a promise is awaited) and returns its value as <typeparamref name="T"/>; a thrown error fails.</summary>
    public Task<T> EvaluateAsync<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    /// <summary>Evaluates a JavaScript expression and returns its value as JSON (for arrays and objects).</summary>
    public Task<JsonElement> EvaluateAsync(string expression) => Page.EvaluateExpressionAsync<JsonElement>(expression);

    /// <summary>Lays the page out again for another screen.</summary>
    public Task SetViewportAsync(Viewport viewport)
    {
        ArgumentNullException.ThrowIfNull(viewport);
        return Page.SetViewportAsync(viewport.Options);
    }

    /// <summary>Saves a PNG of the viewport, or of the whole page, as <c>artifacts/<paramref name="name"/></c>; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name, bool fullPage)
    {
        var png = await Page.ScreenshotDataAsync(new ScreenshotOptions { Type = ScreenshotType.Png, FullPage = fullPage });
        return Artifacts.Save(name, png);
    }

    /// <summary>
    /// No console error, logged error, uncaught exception or crash so far, and no request but the opened file itself
    /// (with or without a <c>#fragment</c>).
    /// </summary>
    public void AssertClean()
    {
        Assert.True(errors.IsEmpty, "browser errors:\n" + string.Join("\n", errors));
        var file = Url.Split('#')[0];
        var seen = Requests;
        Assert.Contains(file, seen);
        Assert.All(seen, url => Assert.True(url == file || url.StartsWith(file + "#", StringComparison.Ordinal), $"the page requested {url}"));
    }

    /// <summary>Closes the tab.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Page.IsClosed)
        {
            await Page.CloseAsync();
        }
    }
}
