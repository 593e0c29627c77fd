using System.Data;
using System.Data.Common;
using DuckDB.NET.Data;

namespace GtmMart.Tests.Snowflake;

/// <summary>
/// A stand-in ADO.NET provider that records every statement (text and bound values) instead of running it, and
/// answers queries from <see cref="Respond"/> (no answer: an empty result, a null scalar). Used to capture exactly
/// what the Snowflake adapter sends, through the same code paths it takes against a real account.
/// </summary>
public sealed class RecordingFactory : DbProviderFactory
{
    public List<(string Sql, object?[] Values)> Statements { get; } = [];

    /// <summary>The rows a statement returns, or null for none.</summary>
    public Func<string, DataTable?> Respond { get; set; } = _ => null;

    /// <summary>An error a statement fails with (recorded first), or null to succeed; for testing failure paths.</summary>
    public Func<string, Exception?> Fail { get; set; } = _ => null;

    /// <summary>Thrown by Open when set (to test connection errors).</summary>
    public Exception? OpenError { get; set; }

    public IEnumerable<string> Sql => Statements.Select(s => s.Sql);

    public override DbConnection CreateConnection() => new RecordingConnection(this);

    public static DataTable Table(string[] columns, params object?[][] rows)
    {
        var table = new DataTable();
        foreach (var column in columns)
        {
            table.Columns.Add(column, typeof(object));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row);
        }

        return table;
    }
}

public sealed class RecordingConnection(RecordingFactory factory) : DbConnection
{
    private ConnectionState state = ConnectionState.Closed;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string ConnectionString { get; set; } = "";

    public override string Database => "recording";

    public override string DataSource => "recording";

    public override string ServerVersion => "0";

    public override ConnectionState State => state;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    public override void Close() => state = ConnectionState.Closed;

    public override void Open()
    {
        if (factory.OpenError is { } error)
        {
            throw error;
        }

        state = ConnectionState.Open;
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
    {
        factory.Statements.Add(("begin", []));
        return new RecordingTransaction(this, factory);
    }

    protected override DbCommand CreateDbCommand() => new RecordingCommand(this, factory);

    private sealed class RecordingTransaction(DbConnection connection, RecordingFactory factory) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        protected override DbConnection DbConnection => connection;

        public override void Commit() => factory.Statements.Add(("commit", []));

        public override void Rollback() => factory.Statements.Add(("rollback", []));
    }

    private sealed class RecordingCommand(DbConnection connection, RecordingFactory factory) : DbCommand
    {
        private readonly DbParameterCollection parameters = new DuckDBCommand().Parameters;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = connection;

        protected override DbParameterCollection DbParameterCollection => parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery()
        {
            Record();
            return 0;
        }

        public override object? ExecuteScalar()
        {
            var table = Record();
            return table is { Rows.Count: > 0 } ? table.Rows[0][0] : DBNull.Value;
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => new DuckDBParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior) =>
            (Record() ?? new DataTable()).CreateDataReader();

        private DataTable? Record()
        {
            factory.Statements.Add((CommandText, parameters.Cast<DbParameter>().Select(p => p.Value).ToArray()));
            if (factory.Fail(CommandText) is { } error)
            {
                throw error;
            }

            return factory.Respond(CommandText);
        }
    }
}
