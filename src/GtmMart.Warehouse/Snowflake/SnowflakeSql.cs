using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// The text of the Snowflake-only statements: file transfer (PUT, GET, REMOVE), bulk load and unload (COPY INTO),
/// schema swap and MERGE. Identifiers and stage paths cannot be bind parameters, so every one is checked against a
/// strict pattern here (never quoted user text); local paths must be absolute and free of quotes.
/// </summary>
public static partial class SnowflakeSql
{
    /// <summary>The one internal named stage GtmMart uses; loads, write-backs and exports each get their own folder.</summary>
    public const string Stage = "gtm_meta.gtm_stage";

    public static string CreateStage() => $"create stage if not exists {Stage}";

    /// <summary>A folder on <see cref="Stage"/>, e.g. <c>@gtm_meta.gtm_stage/load/7/ad_spend/</c>.</summary>
    public static string StagePath(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        foreach (var segment in segments)
        {
            if (!StageSegmentPattern().IsMatch(segment))
            {
                throw new ArgumentException($"Not a valid stage path segment: {segment}", nameof(segments));
            }
        }

        return "@" + Stage + "/" + string.Concat(segments.Select(s => s + "/"));
    }

    /// <summary>A stage folder name for a free-text key (a run id): <c>prefix_</c> + 16 hex chars of its SHA-256.</summary>
    public static string KeySegment(string prefix, string key) =>
        prefix + "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];

    /// <summary>Uploads one local file to a stage folder (the connector runs PUT on the client).</summary>
    public static string Put(string localFile, string stageFolder, bool autoCompress) =>
        $"PUT {FileUri(localFile)} {CheckStage(stageFolder)} AUTO_COMPRESS = {Bool(autoCompress)} OVERWRITE = TRUE";

    /// <summary>Downloads every file of a stage folder into a local folder.</summary>
    public static string Get(string stageFolder, string localDirectory) =>
        $"GET {CheckStage(stageFolder)} {FileUri(localDirectory.TrimEnd('/', '\\') + "/")}";

    public static string Remove(string stageFolder) => $"REMOVE {CheckStage(stageFolder)}";

    /// <summary>
    /// Loads the CSV files of a stage folder into <paramref name="table"/> by header name, with the file row number in
    /// <c>_line</c>; bad records are skipped (and reported by VALIDATE) rather than failing the load. FORCE reloads
    /// files with the same name, which a repeated load may have.
    /// </summary>
    public static string CopyCsv(string table, string stageFolder, char delimiter = ',', Loading.DateOrder dates = Loading.DateOrder.Iso) =>
        $"COPY INTO {Name(table)} FROM {CheckStage(stageFolder)} " +
        $"FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_DELIMITER = {Delimiter(delimiter)} FIELD_OPTIONALLY_ENCLOSED_BY = '\"' " +
        $"DATE_FORMAT = {DateFormat(dates)} ENCODING = 'UTF8' EMPTY_FIELD_AS_NULL = TRUE) " +
        "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE INCLUDE_METADATA = (_line = METADATA$FILE_ROW_NUMBER) ON_ERROR = CONTINUE FORCE = TRUE";

    private static string Delimiter(char delimiter) => delimiter switch
    {
        ',' => "','",
        ';' => "';'",
        '|' => "'|'",
        '\t' => "'\\t'",
        _ => throw new ArgumentException($"Not a supported delimiter: {delimiter}", nameof(delimiter)),
    };

    private static string DateFormat(Loading.DateOrder dates) => dates switch
    {
        Loading.DateOrder.Us => "'MM/DD/YYYY'",
        Loading.DateOrder.DayFirst => "'DD/MM/YYYY'",
        _ => "'YYYY-MM-DD'",
    };

    /// <summary>Loads the Parquet files of a stage folder into <paramref name="table"/> by column name.</summary>
    public static string CopyParquet(string table, string stageFolder) =>
        $"COPY INTO {Name(table)} FROM {CheckStage(stageFolder)} FILE_FORMAT = (TYPE = PARQUET) " +
        "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE";

    /// <summary>Unloads a query into one Parquet file on a stage (with column names; up to 5 GB).</summary>
    public static string UnloadParquet(string stageFolder, string fileName, string selectSql) =>
        $"COPY INTO {CheckStage(stageFolder)}{CheckFileName(fileName)} FROM ({selectSql}) FILE_FORMAT = (TYPE = PARQUET) " +
        "HEADER = TRUE SINGLE = TRUE OVERWRITE = TRUE MAX_FILE_SIZE = 5000000000";

    /// <summary>Exchanges two schemas' contents in one atomic metadata operation.</summary>
    public static string SwapSchema(string schema, string with) => $"alter schema {Name(schema)} swap with {Name(with)}";

    /// <summary>
    /// Upserts <paramref name="sourceSelect"/> into <paramref name="target"/> on <paramref name="keys"/>: matched rows
    /// get every other column, new rows are inserted. Running it twice with the same source changes nothing more.
    /// </summary>
    public static string Merge(string target, string sourceSelect, IReadOnlyList<string> keys, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(columns);
        var on = string.Join(" and ", keys.Select(k => $"t.{Name(k)} = s.{Name(k)}"));
        var set = string.Join(", ", columns.Where(c => !keys.Contains(c)).Select(c => $"{Name(c)} = s.{Name(c)}"));
        var list = string.Join(", ", columns.Select(Name));
        var values = string.Join(", ", columns.Select(c => $"s.{Name(c)}"));
        return $"merge into {Name(target)} as t using ({sourceSelect}) as s on {on} " +
               $"when matched then update set {set} when not matched then insert ({list}) values ({values})";
    }

    /// <summary>An unquoted (so case-insensitive, as the shared SQL creates them) identifier or dotted name, checked.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"Not a plain Snowflake identifier: {name}", nameof(name));
        }

        return name;
    }

    /// <summary>A quoted string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary><c>'file:///abs/path'</c>: the path must be absolute and hold no quote, backslash-escape or control character.</summary>
    public static string FileUri(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path).Replace('\\', '/');
        if (full.Any(c => c is '\'' or '"' || char.IsControl(c)))
        {
            throw new WarehouseException($"Cannot transfer {path}: the path holds a quote or control character.");
        }

        return "'file://" + full + "'";
    }

    private static string CheckStage(string stageFolder)
    {
        if (!StageFolderPattern().IsMatch(stageFolder))
        {
            throw new ArgumentException($"Not a GtmMart stage folder: {stageFolder}", nameof(stageFolder));
        }

        return stageFolder;
    }

    private static string CheckFileName(string fileName) => StageSegmentPattern().IsMatch(fileName)
        ? fileName
        : throw new ArgumentException($"Not a valid staged file name: {fileName}", nameof(fileName));

    private static string Bool(bool value) => value.ToString(CultureInfo.InvariantCulture).ToUpperInvariant();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex StageSegmentPattern();

    [GeneratedRegex(@"^@gtm_meta\.gtm_stage/([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}/)+$")]
    private static partial Regex StageFolderPattern();
}
