namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// A fact that needs a headless Chromium and the example data: skipped with the reason on a developer's machine that
/// lacks either, but run (and so failing) when <c>CI=true</c>, where <c>.ci/run</c> installs Debian's <c>chromium</c>.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (RepoPaths.OnCi)
        {
            return;
        }

        if (!RepoPaths.SeedDataPresent)
        {
            Skip = $"needs the example data at {RepoPaths.SeedData}, which is absent; CI=true makes this a failure";
        }
        else if (HeadlessChromium.FindExecutable() is null)
        {
            Skip = "needs a headless Chromium (Debian: apt-get install chromium; or set GTM_CHROMIUM), which is not installed; CI=true makes this a failure";
        }
    }
}
