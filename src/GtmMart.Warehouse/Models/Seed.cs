using System.Data.Common;
using GtmMart.Warehouse.Connection;
using Microsoft.VisualBasic.FileIO;

namespace GtmMart.Warehouse.Models;

/// <summary>
/// A seed: a small CSV under <c>sql/seeds/</c> (a vocabulary: UTM source to channel, stage to state, ...) that the build
/// loads into a table of its own schema like a model (<c>seeds.&lt;name&gt;</c>), so editing the file and rebuilding
/// changes the mapping with no code change. Column types come from <c>column_types</c> in <c>sql/seeds/_models.yml</c>
/// (default varchar); an empty varchar field is '' (the empty UTM source is a key), an empty typed field NULL.
/// <paramref name="AppliesTo"/> names the raw columns (<c>raw.table.column</c>) whose values the seed's first column maps.
/// </summary>
public sealed record Seed(IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string> AppliesTo)
{
    /// <summary>The first column's values: the keys a mapping seed matches (lower case).</summary>
    public IReadOnlyList<string> Keys => Rows.Select(r => r[0]).ToList();

    public static Seed Read(string path, IReadOnlyDictionary<string, string> columnTypes, IReadOnlyList<string> appliesTo)
    {
        ArgumentNullException.ThrowIfNull(columnTypes);
        using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var header = parser.ReadFields() ?? throw new WarehouseException($"{path}: the seed is empty; expected a header row.");
        var rows = new List<IReadOnlyList<string>>();
        while (!parser.EndOfData)
        {
            var line = parser.LineNumber;
            string[]? fields;
            try
            {
                fields = parser.ReadFields();
            }
            catch (MalformedLineException ex)
            {
                throw new WarehouseException($"{path}:{ex.LineNumber}: malformed seed row.", ex);
            }

            if (fields is null || (fields.Length == 1 && fields[0].Length == 0))
            {
                continue;
            }

            if (fields.Length != header.Length)
            {
                throw new WarehouseException($"{path}:{line}: {fields.Length} fields where the header has {header.Length}.");
            }

            rows.Add(fields.Select(f => f.Trim()).ToList());
        }

        var unknown = columnTypes.Keys.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new WarehouseException($"{path}: column_types names {string.Join(", ", unknown)}, which the header does not have.");
        }

        return new Seed(header.Select(h => h.Trim()).ToList(), header.Select(h => columnTypes.GetValueOrDefault(h.Trim(), "varchar")).ToList(), rows, appliesTo);
    }

    /// <summary>Creates <paramref name="table"/> with the seed's columns and inserts its rows (values as parameters).</summary>
    public void Materialize(DbConnection connection, string table)
    {
        connection.Execute($"create table {table} ({string.Join(", ", Columns.Select((c, i) => $"{c} {Types[i]}"))})");
        const int batch = 100;
        for (var start = 0; start < Rows.Count; start += batch)
        {
            var chunk = Rows.Skip(start).Take(batch).ToList();
            var parameters = new List<(string, object?)>();
            var values = chunk.Select((row, r) => "(" + string.Join(", ", row.Select((v, c) =>
            {
                var name = $"p{r}_{c}";
                parameters.Add((name, v.Length == 0 && !Types[c].Equals("varchar", StringComparison.OrdinalIgnoreCase) ? null : v));
                return $"cast(${name} as {Types[c]})";
            })) + ")");
            connection.Execute($"insert into {table} values {string.Join(", ", values)}", [.. parameters]);
        }
    }
}
