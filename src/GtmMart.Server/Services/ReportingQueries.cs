using System.Reflection;

namespace GtmMart.Server.Services;

/// <summary>
/// The reporting rpcs' queries: the files under <c>sql/reports/api</c> (portable SQL with <c>$name</c> parameters,
/// checked by the dialect test), built into this assembly.
/// </summary>
internal static class ReportingQueries
{
    /// <summary>Where the queries come from, as the repository names them.</summary>
    public const string Folder = "sql/reports/api";

    /// <summary><c>channel_funnel.sql</c>: parameters <c>month_from</c>, <c>month_to</c> (dates) and <c>channel</c> (null: every channel).</summary>
    public static string ChannelFunnel { get; } = Load("channel_funnel.sql");

    private static string Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"GtmMart.Server.reports.{file}")
            ?? throw new InvalidOperationException($"the built-in query {Folder}/{file} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Trim().TrimEnd(';');
    }
}
