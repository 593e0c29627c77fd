using PuppeteerSharp;

namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// The system Chromium the browser tests drive through PuppeteerSharp: <c>$GTM_CHROMIUM</c> when set, else the first of
/// <c>chromium</c> (Debian's <c>/usr/bin/chromium</c>), <c>chromium-browser</c>, <c>google-chrome</c> on PATH.
/// PuppeteerSharp is always given this executable, so it never downloads a browser.
/// </summary>
public static class Chromium
{
    public const string ExecutableVariable = "GTM_CHROMIUM";

    /// <summary>Bound on starting the browser; generous because the test machine may be busy with other work.</summary>
    public static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Bound on one page operation (navigation, script, screenshot); same reason.</summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome"];

    private static readonly string[] Args =
    [
        "--no-sandbox", // CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--disable-dev-shm-usage", // containers often have a 64 MB /dev/shm
        "--disable-extensions",
        "--disable-sync",
    ];

    /// <summary>The browser to launch, or null when none is installed (see <see cref="MissingReason"/>).</summary>
    public static string? Executable => Find().Path;

    /// <summary>Why no browser can be launched, or null when one can.</summary>
    public static string? MissingReason => Find().Reason;

    /// <summary>Starts a headless Chromium over a pipe (no DevTools port to race for) with a fresh temporary profile.</summary>
    public static Task<IBrowser> LaunchAsync()
    {
        var (path, reason) = Find();
        if (path is null)
        {
            throw new InvalidOperationException(reason);
        }

        return Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Pipe = true,
            Args = Args,
            Timeout = (int)LaunchTimeout.TotalMilliseconds,
            ProtocolTimeout = (int)(OperationTimeout.TotalMilliseconds * 2),
            DefaultViewport = null,
        });
    }

    private static (string? Path, string? Reason) Find()
    {
        if (Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? (configured, null)
                : (null, $"{ExecutableVariable} is {configured}, which does not exist");
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var found = Names.SelectMany(name => dirs.Select(dir => Path.Combine(dir, name))).FirstOrDefault(File.Exists);
        return found is not null
            ? (found, null)
            : (null, $"no Chromium on PATH (looked for {string.Join(", ", Names)}; Debian: apt-get install chromium, or set {ExecutableVariable})");
    }
}
