namespace GtmMart.Tests.Support.Browser;

/// <summary>
/// A fact that needs a headless Chromium (see <see cref="Chromium"/>): skipped with the reason where none is installed,
/// but run (and so failing) when <c>CI=true</c>, where <c>.ci/run</c> installs Debian's <c>chromium</c>.
/// With <see cref="NeedsSeedData"/> it also needs <c>../shared/seed-data</c>, like <see cref="SeedFactAttribute"/>.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>The test also reads the example data; skipped without it (off CI).</summary>
    public bool NeedsSeedData { get; set; }

    /// <summary>An explicit skip, else the missing requirement; never skipped on CI.</summary>
    public override string? Skip
    {
        get => base.Skip ?? MissingRequirement();
        set => base.Skip = value;
    }

    private string? MissingRequirement() =>
        RepoPaths.OnCi ? null
        : NeedsSeedData && !RepoPaths.SeedDataPresent ? $"needs the example data at {RepoPaths.SeedData}, which is absent; CI=true makes this a failure"
        : Chromium.MissingReason is { } reason ? $"needs a headless Chromium: {reason}; CI=true makes this a failure"
        : null;
}
