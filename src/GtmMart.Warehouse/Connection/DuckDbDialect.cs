namespace GtmMart.Warehouse.Connection;

public sealed class DuckDbDialect : IWarehouseDialect
{
    public string Name => "duckdb";

    public string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Parameter(string name) => "$" + name;

    public string CreateOrReplaceView(string schema, string view, string selectSql) =>
        $"create or replace view {QuoteIdentifier(schema)}.{QuoteIdentifier(view)} as {selectSql}";

    /// <summary>Models declare no row order, so DuckDB may write table results in parallel without keeping scan order.</summary>
    public void PrepareForBulkWork(System.Data.Common.DbConnection connection) =>
        connection.Execute("set preserve_insertion_order = false");

    public string DropSchemaCascade(string schema) => $"drop schema if exists {QuoteIdentifier(schema)} cascade";
}
