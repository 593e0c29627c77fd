using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Training.Export;

/// <summary>
/// One column of the row group being assembled: a typed array of nullable values filled row by row from the
/// <see cref="DbDataReader"/>, then handed to Parquet.Net as one columnar write.
/// </summary>
internal abstract class ColumnBuffer
{
    protected ColumnBuffer(string name, string parquetType, DataField field)
    {
        Name = name;
        ParquetType = parquetType;
        Field = field;
    }

    public string Name { get; }

    /// <summary>The manifest's type name: string, int32, int64, double, bool, date, timestamp, timestamptz.</summary>
    public string ParquetType { get; }

    public DataField Field { get; }

    /// <summary>Copies the current reader row's value (or NULL) into slot <paramref name="row"/>.</summary>
    public abstract void Read(DbDataReader reader, int ordinal, int row);

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Chooses the Parquet column for a result column from its CLR type (and, for dates, the provider's type name),
    /// so the mapping works for any ADO.NET provider. Everything is written nullable.
    /// </summary>
    public static ColumnBuffer For(string table, string name, Type clrType, string dataTypeName, int capacity)
    {
        if (clrType == typeof(string))
        {
            return new StringBuffer(name, capacity);
        }

        if (clrType == typeof(long))
        {
            return new StructBuffer<long>(name, "int64", new DataField(name, typeof(long), true), capacity, static (r, i) => r.GetInt64(i));
        }

        if (clrType == typeof(int))
        {
            return new StructBuffer<int>(name, "int32", new DataField(name, typeof(int), true), capacity, static (r, i) => r.GetInt32(i));
        }

        if (clrType == typeof(short) || clrType == typeof(sbyte) || clrType == typeof(byte) || clrType == typeof(ushort))
        {
            return new StructBuffer<int>(name, "int32", new DataField(name, typeof(int), true), capacity,
                static (r, i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture));
        }

        if (clrType == typeof(uint) || clrType == typeof(ulong) || clrType == typeof(BigInteger))
        {
            // HUGEINT (DuckDB's sum of integers) and unsigned types: int64, failing loudly on overflow.
            return new StructBuffer<long>(name, "int64", new DataField(name, typeof(long), true), capacity,
                (r, i) => ToInt64(r.GetValue(i), table, name));
        }

        if (clrType == typeof(double))
        {
            return new StructBuffer<double>(name, "double", new DataField(name, typeof(double), true), capacity, static (r, i) => r.GetDouble(i));
        }

        if (clrType == typeof(float))
        {
            return new StructBuffer<double>(name, "double", new DataField(name, typeof(double), true), capacity, static (r, i) => r.GetFloat(i));
        }

        if (clrType == typeof(decimal))
        {
            return new StructBuffer<double>(name, "double", new DataField(name, typeof(double), true), capacity, static (r, i) => (double)r.GetDecimal(i));
        }

        if (clrType == typeof(bool))
        {
            return new StructBuffer<bool>(name, "bool", new DataField(name, typeof(bool), true), capacity, static (r, i) => r.GetBoolean(i));
        }

        if (clrType == typeof(DateOnly))
        {
            return new StructBuffer<DateTime>(name, "date", DateField(name), capacity,
                static (r, i) => DateTime.SpecifyKind(r.GetFieldValue<DateOnly>(i).ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified));
        }

        if (clrType == typeof(DateTime))
        {
            var isDate = dataTypeName.Equals("DATE", StringComparison.OrdinalIgnoreCase);
            return isDate
                ? new StructBuffer<DateTime>(name, "date", DateField(name), capacity, static (r, i) => r.GetDateTime(i).Date)
                : new StructBuffer<DateTime>(name, "timestamp", TimestampField(name, utc: false), capacity, static (r, i) => r.GetDateTime(i));
        }

        if (clrType == typeof(DateTimeOffset))
        {
            return new StructBuffer<DateTime>(name, "timestamptz", TimestampField(name, utc: true), capacity,
                static (r, i) => r.GetFieldValue<DateTimeOffset>(i).UtcDateTime);
        }

        throw new NotSupportedException(
            $"{table}.{name}: column type {dataTypeName} ({clrType.Name}) has no Parquet mapping in the feature export; " +
            "cast it to VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN, DATE or TIMESTAMP in the model.");
    }

    private static DateTimeDataField DateField(string name) =>
        new(name, DateTimeFormat.Date, isAdjustedToUTC: false, unit: null, isNullable: true);

    private static DateTimeDataField TimestampField(string name, bool utc) =>
        new(name, DateTimeFormat.Timestamp, isAdjustedToUTC: utc, unit: DateTimeTimeUnit.Micros, isNullable: true);

    private static long ToInt64(object value, string table, string name)
    {
        try
        {
            return value is BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is OverflowException)
        {
            throw new OverflowException($"{table}.{name}: value {value} does not fit a 64-bit integer column.", ex);
        }
    }

    private sealed class StructBuffer<T> : ColumnBuffer
        where T : struct
    {
        private readonly T?[] values;
        private readonly Func<DbDataReader, int, T> get;

        public StructBuffer(string name, string parquetType, DataField field, int capacity, Func<DbDataReader, int, T> get)
            : base(name, parquetType, field)
        {
            values = new T?[capacity];
            this.get = get;
        }

        public override void Read(DbDataReader reader, int ordinal, int row) =>
            values[row] = reader.IsDBNull(ordinal) ? null : get(reader, ordinal);

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync<T>(Field, new ReadOnlyMemory<T?>(values, 0, count), cancellationToken: cancellationToken);
    }

    private sealed class StringBuffer : ColumnBuffer
    {
        private readonly string?[] values;

        public StringBuffer(string name, int capacity)
            : base(name, "string", new DataField(name, typeof(string), true))
        {
            values = new string?[capacity];
        }

        public override void Read(DbDataReader reader, int ordinal, int row) =>
            values[row] = reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

        public override Task WriteAsync(ParquetRowGroupWriter writer, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(Field, new ArraySegment<string>(values!, 0, count));
    }
}
