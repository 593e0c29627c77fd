using GtmMart.Tests.Support;
using GtmMart.Tests.Support.Browser;

namespace GtmMart.Tests.Browser;

/// <summary>
/// The browser test helper itself, on small local pages: it sees console errors, uncaught exceptions, blocked and
/// extra requests, so a dashboard test that calls <see cref="BrowserPage.AssertClean"/> can fail; and it lays a page out
/// for a phone.
/// </summary>
public sealed class BrowserPageTests(SharedBrowser browser) : IClassFixture<SharedBrowser>, IDisposable
{
    private const string Csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">";

    private readonly TempDirectory folder = new();

    [ChromiumFact]
    public async Task A_quiet_self_contained_page_is_clean_and_requests_only_itself()
    {
        var path = Page("quiet.html", "<p id=x>hello</p><script>console.log('fine'); document.getElementById('x').dataset.done = 'yes';</script>");

        await using var page = await browser.OpenAsync(path);

        Assert.Equal("yes", await page.EvaluateAsync<string>("document.getElementById('x').dataset.done"));
        Assert.Equal([new Uri(path).AbsoluteUri], page.Requests);
        Assert.Empty(page.Errors);
        page.AssertClean();
    }

    [ChromiumFact]
    public async Task Console_errors_exceptions_and_blocked_or_extra_requests_are_all_caught()
    {
        File.WriteAllText(folder.File("other.json"), "{}");
        var path = Page(
            "noisy.html",
            """
            <img src="https://example.invalid/pixel.png">
            <script>
              console.error('broken', 42);
              console.assert(1 === 2, 'arithmetic');
              setTimeout(() => { throw new Error('late failure'); }, 0);
            </script>
            """);

        await using var page = await browser.OpenAsync(path);
        await page.EvaluateAsync<bool>("new Promise(r => setTimeout(() => r(true), 50))");

        var errors = string.Join("\n", page.Errors);
        Assert.Contains("console.error: broken 42", errors, StringComparison.Ordinal);
        Assert.Contains("console.assert:", errors, StringComparison.Ordinal);
        Assert.Contains("exception: ", errors, StringComparison.Ordinal);
        Assert.Contains("late failure", errors, StringComparison.Ordinal);
        Assert.Contains("Content Security Policy", errors, StringComparison.OrdinalIgnoreCase);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(page.AssertClean);

        // A request the policy allows (here: none is allowed, so use a page without one) is recorded and fails the check.
        var open = Page("open.html", "<script>fetch('other.json')</script>", csp: false);
        await using var second = await browser.OpenAsync(open);
        await second.EvaluateAsync<bool>("new Promise(r => setTimeout(() => r(true), 200))");
        Assert.Contains(new Uri(folder.File("other.json")).AbsoluteUri, second.Requests);
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(second.AssertClean);
        Assert.Contains("other.json", failure.Message, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task A_phone_viewport_lays_the_page_out_390_css_pixels_wide_and_is_saved_as_a_screenshot()
    {
        var path = Page("phone.html", "<meta name=viewport content=\"width=device-width, initial-scale=1\"><div style=\"height:1200px\">tall</div>");

        await using var page = await browser.OpenAsync(path, Viewport.Phone);

        Assert.Equal(390, await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.Equal(2, await page.EvaluateAsync<double>("window.devicePixelRatio"));
        Assert.True(await page.EvaluateAsync<bool>("matchMedia('(pointer: coarse)').matches"));
        var shot = await page.ScreenshotAsync("browser-helper-phone.png", fullPage: true);
        Assert.True(new FileInfo(shot).Length > 1_000);
        page.AssertClean();
    }

    private string Page(string name, string body, bool csp = true)
    {
        var path = folder.File(name);
        File.WriteAllText(path, $"<!doctype html><html><head><meta charset=utf-8>{(csp ? Csp : "")}<title>{name}</title></head><body>{body}</body></html>");
        return path;
    }

    public void Dispose() => folder.Dispose();
}
