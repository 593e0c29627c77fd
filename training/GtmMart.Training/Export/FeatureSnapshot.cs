using System.Reflection;
using GtmMart.Scoring.Features;
using Microsoft.ML.Data;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Training.Export;

/// <summary>
/// Reads a verified snapshot folder (see <see cref="FeatureExporter"/>) back into the scoring row classes, without a
/// warehouse. Columns map to properties by their <see cref="ColumnNameAttribute"/>; every such property must have a
/// column. float ← double/int/decimal (NULL → NaN); string ← string (NULL → ""); bool ← bool, integer or decimal (== 1; NULL → false);
/// DateTime ← date/timestamp (NULL → default).
/// </summary>
public static class FeatureSnapshot
{
    public const string OpportunityTable = "mrt_opportunity_features";
    public const string AccountTable = "mrt_account_features";

    public static IReadOnlyList<OpportunityFeatureRow> ReadOpportunities(string dir) => Read<OpportunityFeatureRow>(dir, OpportunityTable);

    public static IReadOnlyList<AccountFeatureRow> ReadAccounts(string dir) => Read<AccountFeatureRow>(dir, AccountTable);

    /// <summary>Verifies the manifest, then reads the table's file into <typeparamref name="T"/> rows.</summary>
    public static IReadOnlyList<T> Read<T>(string dir, string table)
        where T : new()
    {
        var manifest = ExportManifest.Verify(dir);
        var entry = manifest.File(table);
        return ReadFileAsync<T>(Path.Combine(dir, entry.File)).GetAwaiter().GetResult();
    }

    internal static async Task<IReadOnlyList<T>> ReadFileAsync<T>(string path, CancellationToken cancellationToken = default)
        where T : new()
    {
        var fileName = Path.GetFileName(path);
        var properties = RowMap<T>.Properties;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: false);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);

        var fields = reader.Schema.DataFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var bound = new List<(PropertyMap<T> Property, DataField Field)>(properties.Count);
        foreach (var property in properties)
        {
            if (!fields.TryGetValue(property.Column, out var field))
            {
                throw new InvalidDataException(
                    $"{fileName} has no column {property.Column} (for {typeof(T).Name}.{property.Name}).");
            }

            bound.Add((property, field));
        }

        var rows = new List<T>(checked((int)reader.Metadata!.NumRows));
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var start = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(new T());
            }

            foreach (var (property, field) in bound)
            {
                try
                {
                    await property.FillAsync(group, field, rows, start, count, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex)
                {
                    throw new InvalidDataException($"{fileName}, column {field.Name}: {ex.Message}", ex);
                }
            }
        }

        return rows;
    }

    private static class RowMap<T>
    {
        public static readonly IReadOnlyList<PropertyMap<T>> Properties = Build();

        private static List<PropertyMap<T>> Build()
        {
            var maps = new List<PropertyMap<T>>();
            foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var attribute = property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute));
                if (attribute is null || property.SetMethod is null)
                {
                    continue;
                }

                var column = attribute.ConstructorArguments.Count == 1 && attribute.ConstructorArguments[0].Value is string name
                    ? name
                    : property.Name;
                maps.Add(PropertyMap<T>.Create(property, column));
            }

            return maps;
        }
    }

    private abstract class PropertyMap<T>
    {
        protected PropertyMap(string name, string column)
        {
            Name = name;
            Column = column;
        }

        public string Name { get; }

        public string Column { get; }

        public static PropertyMap<T> Create(PropertyInfo property, string column)
        {
            var setter = property.SetMethod!;
            if (property.PropertyType == typeof(float))
            {
                return new FloatMap<T>(property.Name, column, setter.CreateDelegate<Action<T, float>>());
            }

            if (property.PropertyType == typeof(string))
            {
                return new StringMap<T>(property.Name, column, setter.CreateDelegate<Action<T, string>>());
            }

            if (property.PropertyType == typeof(bool))
            {
                return new BoolMap<T>(property.Name, column, setter.CreateDelegate<Action<T, bool>>());
            }

            if (property.PropertyType == typeof(DateTime))
            {
                return new DateTimeMap<T>(property.Name, column, setter.CreateDelegate<Action<T, DateTime>>());
            }

            throw new NotSupportedException(
                $"{typeof(T).Name}.{property.Name} is {property.PropertyType.Name}; snapshots map only float, string, bool and DateTime properties.");
        }

        public abstract Task FillAsync(ParquetRowGroupReader group, DataField field, List<T> rows, int start, int count, CancellationToken cancellationToken);

        protected static InvalidDataException Mismatch(DataField field, string target) =>
            new($"Parquet type {field.ClrType.Name} cannot be read as {target}.");
    }

    private sealed class FloatMap<T>(string name, string column, Action<T, float> set) : PropertyMap<T>(name, column)
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

    private sealed class StringMap<T>(string name, string column, Action<T, string> set) : PropertyMap<T>(name, column)
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

    private sealed class BoolMap<T>(string name, string column, Action<T, bool> set) : PropertyMap<T>(name, column)
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

    private sealed class DateTimeMap<T>(string name, string column, Action<T, DateTime> set) : PropertyMap<T>(name, column)
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
