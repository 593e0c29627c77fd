using System.Numerics;
using DuckDB.NET.Native;
using Parquet;
using Parquet.Schema;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// One column of the row group being read: the present values packed in a typed array next to their definition
/// levels (0 = NULL, 1 = present), so the whole chunk goes to Parquet.Net in one call without conversion. Values are
/// copied out of DuckDB's chunk vectors in bulk (<see cref="DuckDbChunkStream"/>); strings are decoded into a
/// character arena the buffer keeps, so a row group's text holds no object per value.
/// </summary>
internal abstract unsafe class ParquetColumnBuffer
{
    private const int InitialCapacity = 4096;

    private int[] levels = new int[InitialCapacity];

    protected ParquetColumnBuffer(string name, string parquetType, DataField field, EncodingHint encoding, int capacity, string select, DuckDBType source)
    {
        Name = name;
        ParquetType = parquetType;
        Field = field;
        Encoding = encoding;
        Capacity = capacity;
        Select = select;
        Source = source;
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

    /// <summary>The select-list expression that reads the column as <see cref="Source"/> (a cast where the table's type differs).</summary>
    public string Select { get; }

    /// <summary>DuckDB's type of <see cref="Select"/>, whose vector layout the buffer reads.</summary>
    public DuckDBType Source { get; }

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

    /// <summary>Appends rows <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of a chunk's vector (NULLs included).</summary>
    public void Append(ChunkVector vector, int start, int count)
    {
        if (Count + count > levels.Length)
        {
            Array.Resize(ref levels, Grow(levels.Length, Count + count));
        }

        if (vector.AllValid(start, count))
        {
            levels.AsSpan(Count, count).Fill(1);
            Count += count;
            Store(vector, start, count, Present);
            Present += count;
            return;
        }

        for (var row = start; row < start + count; row++)
        {
            if (vector.IsValid(row))
            {
                levels[Count++] = 1;
                Store(vector, row, 1, Present++);
            }
            else
            {
                levels[Count++] = 0;
            }
        }
    }

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken);

    /// <summary>A second buffer for the same field (one fills while the other is written).</summary>
    public abstract ParquetColumnBuffer Twin();

    /// <summary>Copies <paramref name="count"/> non-null values from row <paramref name="row"/> of the vector into slots from <paramref name="slot"/>.</summary>
    protected abstract void Store(ChunkVector vector, int row, int count, int slot);

    protected int Grow(int length, int needed) => Math.Min(Math.Max(Math.Max(length * 2, InitialCapacity), needed), Math.Max(Capacity, needed));

    /// <summary>
    /// Chooses the Parquet column for a result column from its CLR type (and, for dates, the provider's type name).
    /// Everything is written nullable. Types without a Parquet counterpart here are read through a cast in the
    /// query: smaller integers as INTEGER, FLOAT and DECIMAL as DOUBLE, HUGEINT and unsigned 64-bit integers as
    /// BIGINT (a value out of its range fails the export, naming the column), timestamps of any precision as
    /// microsecond TIMESTAMP.
    /// </summary>
    public static ParquetColumnBuffer For(string table, string name, string quoted, Type clrType, string dataTypeName, int capacity)
    {
        if (clrType == typeof(string))
        {
            return new StringBuffer(new DataField(name, typeof(string), true), capacity, quoted);
        }

        if (clrType == typeof(long))
        {
            return Int64(name, capacity, quoted);
        }

        if (clrType == typeof(int))
        {
            return Int32(name, capacity, quoted);
        }

        if (clrType == typeof(short) || clrType == typeof(sbyte) || clrType == typeof(byte) || clrType == typeof(ushort))
        {
            return Int32(name, capacity, $"cast({quoted} as integer)");
        }

        if (clrType == typeof(uint))
        {
            return Int64(name, capacity, $"cast({quoted} as bigint)");
        }

        if (clrType == typeof(ulong) || clrType == typeof(BigInteger))
        {
            // HUGEINT (DuckDB's sum of integers) and unsigned 64-bit: int64, failing loudly on overflow.
            return Int64(name, capacity,
                $"case when {quoted} between -9223372036854775808 and 9223372036854775807 then cast({quoted} as bigint) " +
                $"else error({Literal($"{table}.{name}: value ")} || cast({quoted} as varchar) || {Literal(" does not fit a 64-bit integer column.")}) end");
        }

        if (clrType == typeof(double))
        {
            return Double(name, capacity, quoted);
        }

        if (clrType == typeof(float) || clrType == typeof(decimal))
        {
            return Double(name, capacity, $"cast({quoted} as double)");
        }

        if (clrType == typeof(bool))
        {
            return new ConvertedBuffer<byte, bool>(name, "bool", new DataField(name, typeof(bool), true), EncodingHint.Default, capacity, quoted, DuckDBType.Boolean,
                static b => b != 0);
        }

        if (clrType == typeof(DateOnly) || (clrType == typeof(DateTime) && dataTypeName.Equals("DATE", StringComparison.OrdinalIgnoreCase)))
        {
            return new ConvertedBuffer<int, DateTime>(name, "date", DateField(name), EncodingHint.Default, capacity, quoted, DuckDBType.Date,
                static days => new DateTime(DateTime.UnixEpoch.Ticks + (days * TimeSpan.TicksPerDay), DateTimeKind.Unspecified));
        }

        if (clrType == typeof(DateTime))
        {
            return new ConvertedBuffer<long, DateTime>(name, "timestamp", TimestampField(name, utc: false), EncodingHint.Default, capacity,
                $"cast({quoted} as timestamp)", DuckDBType.Timestamp,
                static micros => new DateTime(DateTime.UnixEpoch.Ticks + (micros * TimeSpan.TicksPerMicrosecond), DateTimeKind.Unspecified));
        }

        if (clrType == typeof(DateTimeOffset))
        {
            return new ConvertedBuffer<long, DateTime>(name, "timestamptz", TimestampField(name, utc: true), EncodingHint.Default, capacity,
                $"cast({quoted} as timestamptz)", DuckDBType.TimestampTz,
                static micros => new DateTime(DateTime.UnixEpoch.Ticks + (micros * TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc));
        }

        throw new NotSupportedException(
            $"{table}.{name}: column type {dataTypeName} ({clrType.Name}) has no Parquet mapping in the feature export; " +
            "cast it to VARCHAR, BIGINT, INTEGER, DOUBLE, BOOLEAN, DATE or TIMESTAMP in the model.");
    }

    private static CopiedBuffer<long> Int64(string name, int capacity, string select) =>
        new(name, "int64", new DataField(name, typeof(long), true), EncodingHint.DeltaBinaryPacked, capacity, select, DuckDBType.BigInt);

    private static CopiedBuffer<int> Int32(string name, int capacity, string select) =>
        new(name, "int32", new DataField(name, typeof(int), true), EncodingHint.DeltaBinaryPacked, capacity, select, DuckDBType.Integer);

    private static CopiedBuffer<double> Double(string name, int capacity, string select) =>
        new(name, "double", new DataField(name, typeof(double), true), EncodingHint.ByteSplitStream, capacity, select, DuckDBType.Double);

    private static string Literal(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    private static DateTimeDataField DateField(string name) =>
        new(name, DateTimeFormat.Date, isAdjustedToUTC: false, unit: null, isNullable: true);

    private static DateTimeDataField TimestampField(string name, bool utc) =>
        new(name, DateTimeFormat.Timestamp, isAdjustedToUTC: utc, unit: DateTimeTimeUnit.Micros, isNullable: true);

    /// <summary>A column whose DuckDB vector holds its values as they are written (BIGINT, INTEGER, DOUBLE): copied as memory.</summary>
    private sealed class CopiedBuffer<T>(string name, string parquetType, DataField field, EncodingHint encoding, int capacity, string select, DuckDBType source)
        : ParquetColumnBuffer(name, parquetType, field, encoding, capacity, select, source)
        where T : unmanaged
    {
        private T[] values = new T[InitialCapacity];

        public override ParquetColumnBuffer Twin() => new CopiedBuffer<T>(Name, ParquetType, Field, Encoding, Capacity, Select, Source);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAllPartsAsync(Field, new ReadOnlyMemory<T>(values, 0, Present), Levels, null, cancellationToken);

        protected override void Store(ChunkVector vector, int row, int count, int slot)
        {
            if (slot + count > values.Length)
            {
                Array.Resize(ref values, Grow(values.Length, slot + count));
            }

            new ReadOnlySpan<T>((T*)vector.Data + row, count).CopyTo(values.AsSpan(slot, count));
        }
    }

    /// <summary>A column converted value by value from DuckDB's layout (BOOLEAN bytes, DATE days, TIMESTAMP microseconds).</summary>
    private sealed class ConvertedBuffer<TSource, T>(
        string name, string parquetType, DataField field, EncodingHint encoding, int capacity, string select, DuckDBType source, Func<TSource, T> convert)
        : ParquetColumnBuffer(name, parquetType, field, encoding, capacity, select, source)
        where TSource : unmanaged
        where T : struct
    {
        private T[] values = new T[InitialCapacity];

        public override ParquetColumnBuffer Twin() => new ConvertedBuffer<TSource, T>(Name, ParquetType, Field, Encoding, Capacity, Select, Source, convert);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAllPartsAsync(Field, new ReadOnlyMemory<T>(values, 0, Present), Levels, null, cancellationToken);

        protected override void Store(ChunkVector vector, int row, int count, int slot)
        {
            if (slot + count > values.Length)
            {
                Array.Resize(ref values, Grow(values.Length, slot + count));
            }

            var from = (TSource*)vector.Data + row;
            for (var i = 0; i < count; i++)
            {
                values[slot + i] = convert(from[i]);
            }
        }
    }

    private sealed class StringBuffer(DataField field, int capacity, string select)
        : ParquetColumnBuffer(field.Name, "string", field, EncodingHint.Dictionary, capacity, select, DuckDBType.Varchar)
    {
        private ReadOnlyMemory<char>[] values = new ReadOnlyMemory<char>[InitialCapacity];
        private char[] arena = new char[InitialCapacity * 16];
        private int used;

        public override void Reset()
        {
            base.Reset();
            used = 0;
        }

        public override ParquetColumnBuffer Twin() => new StringBuffer(Field, Capacity, Select);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAllPartsAsync(Field, new ReadOnlyMemory<ReadOnlyMemory<char>>(values, 0, Present), Levels, null, cancellationToken);

        protected override void Store(ChunkVector vector, int row, int count, int slot)
        {
            if (slot + count > values.Length)
            {
                Array.Resize(ref values, Grow(values.Length, slot + count));
            }

            var strings = (DuckDBString*)vector.Data + row;
            for (var i = 0; i < count; i++)
            {
                // UTF-8 never takes fewer bytes than UTF-16 characters, so the byte length bounds the characters.
                var length = strings[i].Length;
                if (used + length > arena.Length)
                {
                    // Values already stored point into the old arena, which they keep alive until the next row group.
                    arena = new char[Math.Max(arena.Length * 2, length)];
                    used = 0;
                }

                var chars = System.Text.Encoding.UTF8.GetChars(new ReadOnlySpan<byte>(strings[i].Data, length), arena.AsSpan(used));
                values[slot + i] = new ReadOnlyMemory<char>(arena, used, chars);
                used += chars;
            }
        }
    }
}
