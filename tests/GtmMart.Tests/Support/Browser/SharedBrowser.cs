using PuppeteerSharp;

namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// One headless Chromium shared by the tests of a class or collection: launched on the first
/// <see cref="OpenAsync"/> (so a skipped test never starts it), a fresh tab per test, closed with the fixture.
/// Use it as a fixture, <c>IClassFixture&lt;SharedBrowser&gt;</c>, or own one in a larger fixture and dispose it there:
/// <code>
/// [ChromiumFact]
/// public async Task The_page_fits_a_phone()
/// {
///     await using var page = await browser.OpenAsync(path, Viewport.Phone);
///     Assert.True(await page.EvaluateAsync&lt;int&gt;("document.documentElement.scrollWidth") &lt;= 390);
///     await page.ScreenshotAsync("report-phone.png", fullPage: true);
///     page.AssertClean();
/// }
/// </code>
/// </summary>
public sealed class SharedBrowser : IAsyncLifetime, IAsyncDisposable
{
    private readonly Lazy<Task<IBrowser>> browser = new(Chromium.LaunchAsync);

    /// <summary>Opens <paramref name="pathOrUrl"/> (a file path or a URL) in a new tab laid out as <paramref name="viewport"/>.</summary>
    public async Task<BrowserPage> OpenAsync(string pathOrUrl, Viewport? viewport = null)
    {
        ArgumentNullException.ThrowIfNull(pathOrUrl);
        var url = Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : new Uri(Path.GetFullPath(pathOrUrl)).AbsoluteUri;
        return await BrowserPage.OpenAsync(await browser.Value, url, viewport ?? Viewport.Desktop);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>Closes the browser (its process and temporary profile) when it was started.</summary>
    public async ValueTask DisposeAsync()
    {
        if (browser.IsValueCreated && browser.Value.IsCompletedSuccessfully)
        {
            await browser.Value.Result.DisposeAsync();
        }
    }
}
