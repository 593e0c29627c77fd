using System.Text;

namespace GtmMart.Warehouse.Bulk;

/// <summary>
/// Collects one row's values as an <c>object?[]</c> in column order (text given as UTF-8 decoded to a string), for
/// an engine that stages rows into a file (<see cref="RowsParquet"/>).
/// </summary>
internal sealed class BoxedBulkRow(int columns) : IBulkRow
{
    private readonly List<object?> values = new(columns);

    /// <summary>Writes <paramref name="item"/> through <paramref name="write"/> and returns its values.</summary>
    public object?[] Of<T>(T item, BulkRowWriter<T> write)
    {
        values.Clear();
        write(item, this);
        return [.. values];
    }

    public IBulkRow AddNull() => Added(null);

    public IBulkRow Add(string? value) => Added(value);

    public IBulkRow AddUtf8(ReadOnlySpan<byte> value) => Added(Encoding.UTF8.GetString(value));

    public IBulkRow Add(int value) => Added(value);

    public IBulkRow Add(long value) => Added(value);

    public IBulkRow Add(double value) => Added(value);

    public IBulkRow Add(bool value) => Added(value);

    public IBulkRow Add(DateTime value) => Added(value);

    public IBulkRow Add(DateOnly value) => Added(value);

    private BoxedBulkRow Added(object? value)
    {
        values.Add(value);
        return this;
    }
}
