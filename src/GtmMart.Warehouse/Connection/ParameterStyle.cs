using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;

namespace GtmMart.Warehouse.Connection;

/// <summary>
/// Shared SQL names its parameters <c>$name</c> (DuckDB's form). A provider that binds by position instead
/// (Snowflake.Data: <c>?</c> with parameters named "1", "2", ...) registers its connection type here, and
/// <see cref="DbExtensions.Command"/> rewrites the text and the parameter list for it. Values still travel as
/// parameters; only the placeholders change.
/// </summary>
public static partial class ParameterStyle
{
    private static readonly ConcurrentDictionary<Type, bool> Positional = new();

    public static void UsePositional(Type connectionType)
    {
        ArgumentNullException.ThrowIfNull(connectionType);
        Positional[connectionType] = true;
    }

    public static bool IsPositional(DbConnection connection) => Positional.ContainsKey(connection.GetType());

    /// <summary>
    /// Replaces each <c>$name</c> of a given parameter with <c>?</c>, in order of appearance, and returns the values in
    /// that order (a name used twice is bound twice). Text outside string literals only; unknown names stay as they are.
    /// </summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) ToPositional(string sql, (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length == 0)
        {
            return (sql, parameters);
        }

        var values = parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var bound = new List<(string, object?)>();
        var text = PlaceholderOrLiteral().Replace(sql, m =>
        {
            if (!m.Groups["name"].Success || !values.TryGetValue(m.Groups["name"].Value, out var value))
            {
                return m.Value;
            }

            bound.Add(((bound.Count + 1).ToString(CultureInfo.InvariantCulture), value));
            return "?";
        });
        return (text, [.. bound]);
    }

    // A string literal (kept as is) or a $name not preceded by a word character (so METADATA$FILE_ROW_NUMBER stays).
    [GeneratedRegex(@"'(?:[^']|'')*'|(?<![\w$])\$(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex PlaceholderOrLiteral();
}
