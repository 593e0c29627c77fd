using System.Diagnostics;
using System.Text;

namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// Debian's <c>chromium</c>, headless, driven over the DevTools protocol. Started with a fresh profile folder and
/// <c>--remote-debugging-port=0</c> (Chromium picks a free port and writes it to <c>DevToolsActivePort</c> in the
/// profile, so two test runs never race for a port). Dispose kills the browser process tree and deletes the profile.
/// </summary>
public sealed class HeadlessChromium : IDisposable
{
    public const string ExecutableVariable = "GTM_CHROMIUM";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome"];

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
    ];

    private readonly Process process;
    private readonly TempDirectory profile;
    private readonly StringBuilder stderr = new();

    private HeadlessChromium(Process process, TempDirectory profile)
    {
        this.process = process;
        this.profile = profile;
    }

    public CdpConnection Connection { get; private set; } = null!;

    /// <summary>The browser to use: $GTM_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH; null when none.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return Names
            .SelectMany(name => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException("chromium is not installed (apt-get install chromium, or set GTM_CHROMIUM)");
        var profile = new TempDirectory();
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Flags.Concat([$"--user-data-dir={profile.Path}", "about:blank"]))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable} did not start");
        var browser = new HeadlessChromium(process, profile);
        process.ErrorDataReceived += (_, e) => { lock (browser.stderr) { browser.stderr.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var endpoint = await WaitForEndpointAsync(process, profile.Path, browser);
            browser.Connection = await CdpConnection.ConnectAsync(endpoint, TimeSpan.FromSeconds(15));
            return browser;
        }
        catch
        {
            browser.Dispose();
            throw;
        }
    }

    private static async Task<Uri> WaitForEndpointAsync(Process process, string profile, HeadlessChromium browser)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"chromium exited with code {process.ExitCode} before DevTools was ready: {browser.Stderr}");
            }

            if (File.Exists(file))
            {
                var lines = (await File.ReadAllLinesAsync(file)).Where(l => l.Length > 0).ToArray();
                if (lines.Length >= 2)
                {
                    return new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}");
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"chromium did not open DevTools within {StartTimeout.TotalSeconds:0}s: {browser.Stderr}");
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Opens a new tab and attaches to it (flattened session).</summary>
    public async Task<CdpPage> NewPageAsync()
    {
        var target = await Connection.SendAsync("Target.createTarget", new { url = "about:blank" });
        var targetId = target.GetProperty("targetId").GetString()!;
        var attached = await Connection.SendAsync("Target.attachToTarget", new { targetId, flatten = true });
        var page = new CdpPage(Connection, targetId, attached.GetProperty("sessionId").GetString()!);
        await page.EnableAsync();
        return page;
    }

    /// <summary>Closes the DevTools connection, kills the browser process tree and deletes the profile folder.</summary>
    public void Dispose()
    {
        Connection?.Dispose();
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        try
        {
            profile.Dispose();
        }
        catch (IOException)
        {
            // A helper process may still hold a file for a moment; the temp folder is reclaimed later.
        }
    }
}
