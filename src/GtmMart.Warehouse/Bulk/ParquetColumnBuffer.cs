using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// One column of the row group being read: the present values packed in a typed array next to their definition
/// levels (0 = NULL, 1 = present), so the whole chunk goes to Parquet.Net in one call without conversion. Strings are
/// copied into a character arena the buffer keeps, so a row group's text holds no object per value.
/// </summary>
internal abstract class ParquetColumnBuffer
{
    private const int InitialCapacity = 4096;

    private int[] levels = new int[InitialCapacity];

    protected ParquetColumnBuffer(string name, string parquetType, DataField field, EncodingHint encoding, int capacity)
    {
        Name = name;
        ParquetType = parquetType;
        Field = field;
        Encoding = encoding;
        Capacity = capacity;
    }

    public string Name { get; }

    /// <summary>The manifest's type name: string, int32, int64, double, bool, date, timestamp, timestamptz.</summary>
    public string ParquetType { get; }

    public DataField Field { get; }

    /// <summary>
    /// How Parquet.Net encodes the column: dictionary for strings (applied when at most 80% of a row group's values
    /// differ), delta for integers, byte-stream-split for doubles (their bytes compress far better apart).
    /// </summary>
    public EncodingHint Encoding { get; }

    /// <summary>Most rows in one row group.</summary>
    protected int Capacity { get; }

    protected int Count { get; private set; }

    protected int Present { get; private set; }

    protected ReadOnlyMemory<int> Levels => new(levels, 0, Count);

    public virtual void Reset()
    {
        Count = 0;
        Present = 0;
    }

    /// <summary>Appends the current reader row's value (or NULL).</summary>
    public void Read(DbDataReader reader, int ordinal)
    {
        if (Count == levels.Length)
        {
            Array.Resize(ref levels, Grow(levels.Length));
        }

        if (reader.IsDBNull(ordinal))
        {
            levels[Count++] = 0;
        }
        else
        {
            levels[Count++] = 1;
            Store(reader, ordinal, Present++);
        }
    }

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken);

    /// <summary>A second buffer for the same field (one fills while the other is written).</summary>
    public abstract ParquetColumnBuffer Twin();

    /// <summary>Reads the non-null value of the current row into slot <paramref name="slot"/>.</summary>
    protected abstract void Store(DbDataReader reader, int ordinal, int slot);

    protected int Grow(int length) => Math.Min(Math.Max(length * 2, InitialCapacity), Math.Max(Capacity, length + 1));

    /// <summary>
    /// Chooses the Parquet column for a result column from its CLR type (and, for dates, the provider's type name).
    /// Everything is written nullable.
    /// </summary>
    public static ParquetColumnBuffer For(string table, string name, Type clrType, string dataTypeName, int capacity)
    {
        if (clrType == typeof(string))
        {
            return new StringBuffer(new DataField(name, typeof(string), true), capacity);
        }

        if (clrType == typeof(long))
        {
            return Int64(name, capacity, static (r, i) => r.GetInt64(i));
        }

        if (clrType == typeof(int))
        {
            return Int32(name, capacity, static (r, i) => r.GetInt32(i));
        }

        if (clrType == typeof(short) || clrType == typeof(sbyte) || clrType == typeof(byte) || clrType == typeof(ushort))
        {
            return Int32(name, capacity, static (r, i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture));
        }

        if (clrType == typeof(uint) || clrType == typeof(ulong) || clrType == typeof(BigInteger))
        {
            // HUGEINT (DuckDB's sum of integers) and unsigned types: int64, failing loudly on overflow.
            return Int64(name, capacity, (r, i) => ToInt64(r.GetValue(i), table, name));
        }

        if (clrType == typeof(double))
        {
            return Double(name, capacity, static (r, i) => r.GetDouble(i));
        }

        if (clrType == typeof(float))
        {
            return Double(name, capacity, static (r, i) => r.GetFloat(i));
        }

        if (clrType == typeof(decimal))
        {
            return Double(name, capacity, static (r, i) => (double)r.GetDecimal(i));
        }

        if (clrType == typeof(bool))
        {
            return new StructBuffer<bool>(name, "bool", new DataField(name, typeof(bool), true), EncodingHint.Default, capacity, static (r, i) => r.GetBoolean(i));
        }

        if (clrType == typeof(DateOnly))
        {
            return new StructBuffer<DateTime>(name, "date", DateField(name), EncodingHint.Default, capacity,
                static (r, i) => DateTime.SpecifyKind(r.GetFieldValue<DateOnly>(i).ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified));
        }

        if (clrType == typeof(DateTime))
        {
            return dataTypeName.Equals("DATE", StringComparison.OrdinalIgnoreCase)
                ? new StructBuffer<DateTime>(name, "date", DateField(name), EncodingHint.Default, capacity, static (r, i) => r.GetDateTime(i).Date)
                : new StructBuffer<DateTime>(name, "timestamp", TimestampField(name, utc: false), EncodingHint.Default, capacity, static (r, i) => r.GetDateTime(i));
        }

        if (clrType == typeof(DateTimeOffset))
        {
            return new StructBuffer<DateTime>(name, "timestamptz", TimestampField(name, utc: true), EncodingHint.Default, capacity,
                static (r, i) => r.GetFieldValue<DateTimeOffset>(i).UtcDateTime);
        }

        throw new NotSupportedException(
            $"{table}.{name}: column type {dataTypeName} ({clrType.Name}) has no Parquet mapping in the feature export; " +
            "cast it to VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN, DATE or TIMESTAMP in the model.");
    }

    private static StructBuffer<long> Int64(string name, int capacity, Func<DbDataReader, int, long> get) =>
        new(name, "int64", new DataField(name, typeof(long), true), EncodingHint.DeltaBinaryPacked, capacity, get);

    private static StructBuffer<int> Int32(string name, int capacity, Func<DbDataReader, int, int> get) =>
        new(name, "int32", new DataField(name, typeof(int), true), EncodingHint.DeltaBinaryPacked, capacity, get);

    private static StructBuffer<double> Double(string name, int capacity, Func<DbDataReader, int, double> get) =>
        new(name, "double", new DataField(name, typeof(double), true), EncodingHint.ByteSplitStream, capacity, get);

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
        catch (OverflowException ex)
        {
            throw new OverflowException($"{table}.{name}: value {value} does not fit a 64-bit integer column.", ex);
        }
    }

    private sealed class StructBuffer<T> : ParquetColumnBuffer
        where T : struct
    {
        private readonly Func<DbDataReader, int, T> get;
        private T[] values = new T[InitialCapacity];

        public StructBuffer(string name, string parquetType, DataField field, EncodingHint encoding, int capacity, Func<DbDataReader, int, T> get)
            : base(name, parquetType, field, encoding, capacity)
        {
            this.get = get;
        }

        public override ParquetColumnBuffer Twin() => new StructBuffer<T>(Name, ParquetType, Field, Encoding, Capacity, get);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAllPartsAsync(Field, new ReadOnlyMemory<T>(values, 0, Present), Levels, null, cancellationToken);

        protected override void Store(DbDataReader reader, int ordinal, int slot)
        {
            if (slot == values.Length)
            {
                Array.Resize(ref values, Grow(values.Length));
            }

            values[slot] = get(reader, ordinal);
        }
    }

    private sealed class StringBuffer : ParquetColumnBuffer
    {
        private ReadOnlyMemory<char>[] values = new ReadOnlyMemory<char>[InitialCapacity];
        private char[] arena = new char[InitialCapacity * 16];
        private int used;

        public StringBuffer(DataField field, int capacity)
            : base(field.Name, "string", field, EncodingHint.Dictionary, capacity)
        {
        }

        public override void Reset()
        {
            base.Reset();
            used = 0;
        }

        public override ParquetColumnBuffer Twin() => new StringBuffer(Field, Capacity);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAllPartsAsync(Field, new ReadOnlyMemory<ReadOnlyMemory<char>>(values, 0, Present), Levels, null, cancellationToken);

        protected override void Store(DbDataReader reader, int ordinal, int slot)
        {
            if (slot == values.Length)
            {
                Array.Resize(ref values, Grow(values.Length));
            }

            // The provider's string dies young; the row group keeps only its characters.
            var text = reader.GetString(ordinal);
            if (used + text.Length > arena.Length)
            {
                // Values already stored point into the old arena, which they keep alive until the next row group.
                arena = new char[Math.Max(arena.Length * 2, text.Length)];
                used = 0;
            }

            text.CopyTo(0, arena, used, text.Length);
            values[slot] = new ReadOnlyMemory<char>(arena, used, text.Length);
            used += text.Length;
        }
    }
}
