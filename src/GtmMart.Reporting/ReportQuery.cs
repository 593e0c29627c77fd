using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Reporting;

/// <summary>
/// One report query: a single portable SELECT in <c>sql/reports/&lt;name&gt;.sql</c> whose result becomes the dataset
/// <see cref="Name"/> of the page. <see cref="Relations"/> lists the warehouse relations it reads (outside comments).
/// </summary>
public sealed partial record ReportQuery(string Name, string Path, string Sql, IReadOnlyList<string> Relations)
{
    /// <summary>The folder under the SQL directory that holds the report queries (not models: the build never runs them).</summary>
    public const string Folder = "reports";

    /// <summary>The datasets of "Are the scores right?": they exist once scores were written back and the mart built after.</summary>
    public static readonly IReadOnlyList<string> LifecycleDatasets = ["model_performance", "score_bands", "feature_drift", "score_changes"];

    /// <summary>The datasets the page is drawn from; each must have its query file.</summary>
    public static readonly IReadOnlyList<string> Datasets =
    [
        "months", "channels", "build", "freshness", "funnel", "channel_efficiency", "paid_vs_organic", "session_share",
        "icp_mix", "priority_accounts", "open_opportunities", "score_run", "attribution", "period_totals", "still_open",
        .. LifecycleDatasets,
    ];

    /// <summary>Loads every <c>*.sql</c> in <paramref name="directory"/> (the <c>sql/reports</c> folder), failing when one the page needs is missing.</summary>
    public static IReadOnlyList<ReportQuery> LoadAll(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new WarehouseException($"Report queries not found: {System.IO.Path.GetFullPath(directory)} (the sql/{Folder} folder; set --sql-dir or GTM_SQL_DIR).");
        }

        var queries = Directory.GetFiles(directory, "*.sql")
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
        var missing = Datasets.Except(queries.Select(q => q.Name), StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new WarehouseException($"{System.IO.Path.GetFullPath(directory)} lacks the report queries {string.Join(", ", missing.Select(m => m + ".sql"))}.");
        }

        return queries;
    }

    public static ReportQuery Load(string path)
    {
        var sql = File.ReadAllText(path).Trim().TrimEnd(';');
        var relations = RelationPattern().Matches(CommentPattern().Replace(sql, " "))
            .Select(m => $"{m.Groups[1].Value.ToLowerInvariant()}.{m.Groups[2].Value.ToLowerInvariant()}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new ReportQuery(System.IO.Path.GetFileNameWithoutExtension(path), System.IO.Path.GetFullPath(path), sql, relations);
    }

    [GeneratedRegex(@"\b(raw|staging|core|mart|gtm_meta)\.([A-Za-z_][A-Za-z0-9_]*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RelationPattern();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();
}
