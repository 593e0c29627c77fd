namespace GtmMart.Tests.Support;

/// <summary>
/// Files a test leaves for people to look at (screenshots), under <c>artifacts/</c> at the repository root
/// (git-ignored); <c>.ci/run</c> lists them after the tests.
/// </summary>
public static class Artifacts
{
    public static string Directory => Path.Combine(RepoPaths.Root, "artifacts");

    /// <summary>Writes <paramref name="bytes"/> to <c>artifacts/<paramref name="name"/></c> and returns the full path.</summary>
    public static string Save(string name, byte[] bytes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
