namespace GtmMart.Warehouse.Connection;

/// <summary>
/// The engine-specific statements the runner needs. Model SQL under <c>sql/</c> is portable and never
/// goes through here; only the plumbing around it does.
/// </summary>
public interface IWarehouseDialect
{
    string Name { get; }

    /// <summary>Quotes an identifier (schema, table or column name).</summary>
    string QuoteIdentifier(string identifier);

    /// <summary>Placeholder for a named parameter in command text, e.g. <c>$name</c>.</summary>
    string Parameter(string name);

    /// <summary>Statement that creates or replaces a view.</summary>
    string CreateOrReplaceView(string schema, string view, string selectSql);

    /// <summary>Session settings for a connection that writes whole tables (the build), where row order does not matter.</summary>
    void PrepareForBulkWork(System.Data.Common.DbConnection connection);

    /// <summary>Statement that drops a schema with everything in it.</summary>
    string DropSchemaCascade(string schema);
}
