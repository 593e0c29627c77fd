namespace GtmMart.Warehouse.Connection;

public sealed class DuckDbDialect : IWarehouseDialect
{
    public string Name => "duckdb";

    public string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public string Parameter(string name) => "$" + name;

    public string CreateOrReplaceView(string schema, string view, string selectSql) =>
        $"create or replace view {QuoteIdentifier(schema)}.{QuoteIdentifier(view)} as {selectSql}";

    public string DropSchemaCascade(string schema) => $"drop schema if exists {QuoteIdentifier(schema)} cascade";
}
