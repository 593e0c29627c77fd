using GtmMart.Scoring.Features;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Training.Export;

/// <summary>
/// Reads a verified snapshot folder (see <see cref="FeatureExporter"/>) back into the scoring row classes, without a
/// warehouse. Columns map by name through a <see cref="RowLayout{TRow}"/> (opportunity rows: their feature catalog);
/// every column of the layout must be in the file. float ← double/int/decimal (NULL → NaN); string ← string (NULL → "");
/// bool ← bool, integer or decimal (== 1; NULL → false); DateTime ← date/timestamp (NULL → default).
/// </summary>
public static class FeatureSnapshot
{
    public const string OpportunityTable = "mrt_opportunity_features";
    public const string AccountTable = "mrt_account_features";

    public static IReadOnlyList<OpportunityFeatureRow> ReadOpportunities(string dir, OpportunityFeatureCatalog? catalog = null) =>
        Read(dir, OpportunityTable, RowLayouts.Opportunity(catalog ?? OpportunityFeatureCatalog.Default));

    public static IReadOnlyList<AccountFeatureRow> ReadAccounts(string dir) => Read(dir, AccountTable, RowLayouts.FromAttributes<AccountFeatureRow>());

    /// <summary>Verifies the manifest, then reads the table's file into rows of <paramref name="layout"/>.</summary>
    public static IReadOnlyList<T> Read<T>(string dir, string table, RowLayout<T> layout)
    {
        var manifest = ExportManifest.Verify(dir);
        var entry = manifest.File(table);
        return ReadFileAsync(Path.Combine(dir, entry.File), layout).GetAwaiter().GetResult();
    }

    internal static async Task<IReadOnlyList<T>> ReadFileAsync<T>(string path, RowLayout<T> layout, CancellationToken cancellationToken = default)
    {
        var fileName = Path.GetFileName(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: false);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);

        var fields = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var bound = new List<(ColumnFill<T> Fill, DataField Field)>(layout.Columns.Count);
        foreach (var column in layout.Columns)
        {
            if (!fields.TryGetValue(column.Name, out var field))
            {
                throw new InvalidDataException($"{fileName} has no column {column.Name} (for {typeof(T).Name}).");
            }

            bound.Add((ColumnFill<T>.Create(column), field));
        }

        var rows = new List<T>(checked((int)reader.Metadata!.NumRows));
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var start = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(layout.Create());
            }

            foreach (var (fill, field) in bound)
            {
                try
                {
                    await fill.FillAsync(group, field, rows, start, count, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"{fileName}, column {field.Name}: {ex.Message}", ex);
                }
            }
        }

        return rows;
    }

    /// <summary>Fills one column of a row group into the rows, by the column's type.</summary>
    private abstract class ColumnFill<T>
    {
        public static ColumnFill<T> Create(RowColumn<T> column) => column switch
        {
            NumberColumn<T> c => new FloatMap<T>(c.Set),
            TextColumn<T> c => new StringMap<T>(c.Set),
            FlagColumn<T> c => new BoolMap<T>(c.Set),
            DateColumn<T> c => new DateTimeMap<T>(c.Set),
            _ => throw new NotSupportedException($"{column.GetType().Name} is not a column type snapshots read."),
        };

        public abstract Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken);

        protected static InvalidDataException Mismatch(DataField field, string target) =>
            new($"Parquet type {field.ClrType.Name} cannot be read as {target}.");
    }

    private sealed class FloatMap<T>(Action<T, float> set) : ColumnFill<T>
    {
        public override async Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken)
        {
            var type = field.ClrType;
            if (type == typeof(double))
            {
                var values = await ColumnReader.ReadAsync<double>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] is { } v ? (float)v : float.NaN);
                }
            }
            else if (type == typeof(float))
            {
                var values = await ColumnReader.ReadAsync<float>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] ?? float.NaN);
                }
            }
            else if (type == typeof(long))
            {
                var values = await ColumnReader.ReadAsync<long>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] is { } v ? v : float.NaN);
                }
            }
            else if (type == typeof(int))
            {
                var values = await ColumnReader.ReadAsync<int>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] is { } v ? v : float.NaN);
                }
            }
            else if (type == typeof(decimal))
            {
                // Snowflake unloads its NUMBER columns as Parquet DECIMAL.
                var values = await ColumnReader.ReadAsync<decimal>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] is { } v ? (float)v : float.NaN);
                }
            }
            else
            {
                throw Mismatch(field, "float");
            }
        }
    }

    private sealed class StringMap<T>(Action<T, string> set) : ColumnFill<T>
    {
        public override async Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken)
        {
            // Parquet.Net 6 reports UTF-8 columns as ReadOnlyMemory<char>; ReadAsync(Memory<string>) decodes them.
            if (field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>))
            {
                throw Mismatch(field, "string");
            }

            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                set(rows[start + i], values[i] ?? "");
            }
        }
    }

    private sealed class BoolMap<T>(Action<T, bool> set) : ColumnFill<T>
    {
        public override async Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken)
        {
            var type = field.ClrType;
            if (type == typeof(bool))
            {
                var values = await ColumnReader.ReadAsync<bool>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] == true);
                }
            }
            else if (type == typeof(long))
            {
                var values = await ColumnReader.ReadAsync<long>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] == 1);
                }
            }
            else if (type == typeof(int))
            {
                var values = await ColumnReader.ReadAsync<int>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] == 1);
                }
            }
            else if (type == typeof(decimal))
            {
                var values = await ColumnReader.ReadAsync<decimal>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] == 1);
                }
            }
            else
            {
                throw Mismatch(field, "bool");
            }
        }
    }

    private sealed class DateTimeMap<T>(Action<T, DateTime> set) : ColumnFill<T>
    {
        public override async Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken)
        {
            if (field.ClrType == typeof(DateTime))
            {
                var values = await ColumnReader.ReadAsync<DateTime>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] ?? default);
                }
            }
            else if (field.ClrType == typeof(DateOnly))
            {
                var values = await ColumnReader.ReadAsync<DateOnly>(group, field, count, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    set(rows[start + i], values[i] is { } d ? d.ToDateTime(TimeOnly.MinValue) : default);
                }
            }
            else
            {
                throw Mismatch(field, "DateTime");
            }
        }
    }

    private static class ColumnReader
    {
        /// <summary>A value column as nullable values, whether or not the file declares it nullable.</summary>
        public static async Task<T?[]> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
            where T : struct
        {
            var values = new T?[count];
            if (field.IsNullable)
            {
                await group.ReadAsync<T>(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return values;
            }

            var required = new T[count];
            await group.ReadAsync<T>(field, required.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                values[i] = required[i];
            }

            return values;
        }
    }
}
