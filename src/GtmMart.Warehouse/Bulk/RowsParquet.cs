using System.Globalization;
using GtmMart.Warehouse.Tables;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// Writes rows of a <see cref="DeclaredTable"/> (values in its column order) to one Parquet file, each column typed
/// as declared (varchar as string, integer as int32, bigint as int64, double, boolean, date, timestamp in
/// microseconds) and nullable unless declared <c>not null</c>. Used to stage rows for engines that load files.
/// </summary>
internal static class RowsParquet
{
    public static void Write(string path, DeclaredTable table, IReadOnlyList<object?[]> rows) =>
        WriteAsync(path, table, rows).GetAwaiter().GetResult();

    private static async Task WriteAsync(string path, DeclaredTable table, IReadOnlyList<object?[]> rows)
    {
        var fields = table.Columns.Select(Field).ToList();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < fields.Count; i++)
        {
            var column = i;
            var field = fields[i];
            var write = table.Columns[i].Type switch
            {
                "integer" => WriteColumn(group, field, rows, column, v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
                "bigint" => WriteColumn(group, field, rows, column, v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
                "double" => WriteColumn(group, field, rows, column, v => Convert.ToDouble(v, CultureInfo.InvariantCulture)),
                "boolean" => WriteColumn(group, field, rows, column, v => (bool)v),
                "date" => WriteColumn(group, field, rows, column, v => v is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : ((DateTime)v).Date),
                "timestamp" => WriteColumn(group, field, rows, column, v => (DateTime)v),
                _ => WriteColumn(group, field, rows, column, v => ((string)v).AsMemory()),
            };
            await write.ConfigureAwait(false);
        }

        group.CompleteValidate();
    }

    private static Task WriteColumn<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<object?[]> rows, int column, Func<object, T> convert)
        where T : struct
    {
        var values = new List<T>(rows.Count);
        var levels = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r][column] is { } value)
            {
                values.Add(convert(value));
                levels[r] = 1;
            }
            else if (!field.IsNullable)
            {
                throw new ArgumentException($"row {r + 1} has no value for {field.Name}, which is declared not null");
            }
        }

        var present = new ReadOnlyMemory<T>([.. values]);
        return field.IsNullable
            ? group.WriteAllPartsAsync(field, present, levels, null, CancellationToken.None)
            : group.WriteAsync(field, present);
    }

    private static DataField Field(DeclaredColumn column) => column.Type switch
    {
        "integer" => new DataField(column.Name, typeof(int), !column.NotNull),
        "bigint" => new DataField(column.Name, typeof(long), !column.NotNull),
        "double" => new DataField(column.Name, typeof(double), !column.NotNull),
        "boolean" => new DataField(column.Name, typeof(bool), !column.NotNull),
        "date" => new DateTimeDataField(column.Name, DateTimeFormat.Date, isAdjustedToUTC: false, unit: null, isNullable: !column.NotNull),
        "timestamp" => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: false, unit: DateTimeTimeUnit.Micros, isNullable: !column.NotNull),
        _ => new DataField(column.Name, typeof(string), !column.NotNull),
    };
}
