namespace GtmMart.Tests.Support;

/// <summary>Where the repository and the shared example data are, found from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Sql => Path.Combine(Root, "sql");

    /// <summary>The example data (<c>../shared/seed-data</c> beside the repository); never copied into the repo.</summary>
    public static string SeedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "seed-data"));

    public static bool SeedDataPresent => File.Exists(Path.Combine(SeedData, "salesforce_opportunities.csv"));

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GtmMart.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"GtmMart.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>
/// A fact that needs <c>../shared/seed-data</c>: skipped with the reason when the folder is absent on a developer's
/// fresh clone, but run (and so failing) when <c>CI=true</c>, where the folder must be there.
/// </summary>
public sealed class SeedFactAttribute : FactAttribute
{
    public SeedFactAttribute()
    {
        if (!RepoPaths.SeedDataPresent && !RepoPaths.OnCi)
        {
            Skip = $"needs the example data at {RepoPaths.SeedData}, which is absent (a fresh clone without ../shared); CI=true makes this a failure";
        }
    }
}

/// <summary>A theory that needs <c>../shared/seed-data</c>; see <see cref="SeedFactAttribute"/>.</summary>
public sealed class SeedTheoryAttribute : TheoryAttribute
{
    public SeedTheoryAttribute()
    {
        if (!RepoPaths.SeedDataPresent && !RepoPaths.OnCi)
        {
            Skip = $"needs the example data at {RepoPaths.SeedData}, which is absent; CI=true makes this a failure";
        }
    }
}
