using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Features;

/// <summary>
/// ML.NET's view of <see cref="OpportunityFeatureRow"/>s, built from their catalog: the key columns, then one scalar
/// column per feature named as in the mart (Single for numeric, Text for categorical), as the typed row class with
/// <c>[ColumnName]</c> attributes used to give. <see cref="Create"/> makes a data view over a list (training, batches);
/// <see cref="CurrentRow"/> one settable row for an ML.NET row mapper (one prediction at a time).
/// </summary>
public static class OpportunityDataView
{
    /// <summary>The schema of rows of <paramref name="catalog"/>.</summary>
    public static DataViewSchema Schema(OpportunityFeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("opportunity_id", TextDataViewType.Instance);
        builder.AddColumn("account_id", TextDataViewType.Instance);
        builder.AddColumn("created_date", DateTimeDataViewType.Instance);
        builder.AddColumn("label_won", BooleanDataViewType.Instance);
        builder.AddColumn("is_closed", BooleanDataViewType.Instance);
        foreach (var f in catalog.Features)
        {
            builder.AddColumn(f.Name, f.Kind == FeatureKind.Numeric ? NumberDataViewType.Single : TextDataViewType.Instance);
        }

        return builder.ToSchema();
    }

    /// <summary>A data view over <paramref name="rows"/> (all of <paramref name="catalog"/>), read in order.</summary>
    public static IDataView Create(OpportunityFeatureCatalog catalog, IReadOnlyList<OpportunityFeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows.Where(r => r.Catalog != catalog))
        {
            throw new ArgumentException($"row {row.OpportunityId} belongs to another feature catalog", nameof(rows));
        }

        return new RowsView(catalog, Schema(catalog), rows);
    }

    /// <summary>One row at a time for an ML.NET row-to-row mapper: <see cref="CurrentRow.Set"/> moves it to the next row.</summary>
    internal static CurrentRow Single(OpportunityFeatureCatalog catalog) => new(catalog, Schema(catalog));

    /// <summary>A getter of column <paramref name="column"/> of the schema reading the row <paramref name="current"/> gives.</summary>
    private static Delegate Getter(OpportunityFeatureCatalog catalog, int column, Func<OpportunityFeatureRow> current)
    {
        switch (column)
        {
            case 0:
                return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = current().OpportunityId.AsMemory());
            case 1:
                return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = current().AccountId.AsMemory());
            case 2:
                return (ValueGetter<DateTime>)((ref DateTime v) => v = current().CreatedDate);
            case 3:
                return (ValueGetter<bool>)((ref bool v) => v = current().Label);
            case 4:
                return (ValueGetter<bool>)((ref bool v) => v = current().IsClosed);
        }

        var feature = catalog.Features[column - OpportunityFeatureCatalog.KeyColumns.Count];
        var index = catalog.IndexOf(feature.Name);
        return feature.Kind == FeatureKind.Numeric
            ? (ValueGetter<float>)((ref float v) => v = current().Numbers[index])
            : (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = (current().Categories[index] ?? "").AsMemory());
    }

    private static ValueGetter<TValue> Typed<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue>
        ?? throw new InvalidOperationException($"column {column.Name} is {column.Type}, not {typeof(TValue).Name}");

    private sealed class RowsView(OpportunityFeatureCatalog catalog, DataViewSchema schema, IReadOnlyList<OpportunityFeatureRow> rows) : IDataView
    {
        public bool CanShuffle => false;

        public DataViewSchema Schema => schema;

        public long? GetRowCount() => rows.Count;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            new Cursor(catalog, schema, rows, columnsNeeded);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [GetRowCursor(columnsNeeded, rand)];
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly IReadOnlyList<OpportunityFeatureRow> _rows;
        private readonly bool[] _active;
        private readonly Delegate[] _getters;
        private long _position = -1;

        public Cursor(OpportunityFeatureCatalog catalog, DataViewSchema schema, IReadOnlyList<OpportunityFeatureRow> rows, IEnumerable<DataViewSchema.Column> columnsNeeded)
        {
            Schema = schema;
            _rows = rows;
            _active = new bool[schema.Count];
            foreach (var c in columnsNeeded)
            {
                _active[c.Index] = true;
            }

            _getters = [.. Enumerable.Range(0, schema.Count).Select(i => Getter(catalog, i, () => _rows[checked((int)_position)]))];
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Typed<TValue>(_getters[column.Index], column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override bool MoveNext()
        {
            if (_position + 1 >= _rows.Count)
            {
                _position = _rows.Count;
                return false;
            }

            _position++;
            return true;
        }
    }

    /// <summary>A row whose values are those of the last row set; every set is a new position, so mappers recompute.</summary>
    internal sealed class CurrentRow : DataViewRow
    {
        private readonly Delegate[] _getters;
        private OpportunityFeatureRow? _row;
        private long _position = -1;

        public CurrentRow(OpportunityFeatureCatalog catalog, DataViewSchema schema)
        {
            Schema = schema;
            _getters = [.. Enumerable.Range(0, schema.Count).Select(i => Getter(catalog, i, () => _row!))];
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _position;

        public override long Batch => 0;

        public void Set(OpportunityFeatureRow row)
        {
            _row = row;
            _position++;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Typed<TValue>(_getters[column.Index], column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);
    }
}
