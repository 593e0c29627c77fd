using System.Data.Common;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// The Snowflake side of the bulk write, as Snowflake recommends for many rows: the rows are written to Parquet
/// locally, PUT to a stage folder of their own and COPYed into a temporary table of this session (outside any
/// transaction); <see cref="Append"/> then inserts them into the target inside the caller's transaction. Disposing
/// removes the staged file and drops the temporary table.
/// </summary>
internal sealed class SnowflakeStagedRows : IStagedRows
{
    private readonly DbConnection connection;
    private readonly DeclaredTable table;
    private readonly string folder;
    private readonly string localDirectory;
    private readonly string stageTable;

    private SnowflakeStagedRows(DbConnection connection, DeclaredTable table)
    {
        this.connection = connection;
        this.table = table;
        folder = SnowflakeSql.StagePath("bulk", SnowflakeSql.KeySegment(table.Name, Guid.NewGuid().ToString("N")));
        localDirectory = Path.Combine(Path.GetTempPath(), "gtm-bulk", Guid.NewGuid().ToString("N"));
        stageTable = $"{Building.BuildMetadata.Schema}.{table.Name}_stage";
    }

    public static SnowflakeStagedRows Stage<T>(DbConnection connection, DeclaredTable table, IEnumerable<T> rows, BulkRowWriter<T> write, IProgress<string>? progress)
    {
        var staged = new SnowflakeStagedRows(connection, table);
        try
        {
            var row = new BoxedBulkRow(table.Columns.Count);
            staged.Upload([.. rows.Select(item => row.Of(item, write))], progress);
            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    public long Append(CancellationToken cancellationToken = default)
    {
        var columns = string.Join(", ", table.ColumnNames.Select(SnowflakeSql.Name));
        return connection.Execute($"insert into {SnowflakeSql.Name(table.QualifiedName)} ({columns}) select {columns} from {SnowflakeSql.Name(stageTable)}");
    }

    public void Dispose()
    {
        connection.Execute(SnowflakeSql.Remove(folder));
        connection.Execute($"drop table if exists {SnowflakeSql.Name(stageTable)}");
        if (Directory.Exists(localDirectory))
        {
            Directory.Delete(localDirectory, recursive: true);
        }
    }

    private void Upload(List<object?[]> rows, IProgress<string>? progress)
    {
        Directory.CreateDirectory(localDirectory);
        var file = Path.Combine(localDirectory, table.Name + ".parquet");
        RowsParquet.Write(file, table, rows);
        connection.Execute(SnowflakeSql.CreateStage());
        connection.Execute($"create or replace temporary table {SnowflakeSql.Name(stageTable)} like {SnowflakeSql.Name(table.QualifiedName)}");
        connection.Execute(SnowflakeSql.Put(file, folder, autoCompress: false));
        connection.Execute(SnowflakeSql.CopyParquet(stageTable, folder));
        progress?.Report($"staged {rows.Count:N0} rows for {table.QualifiedName}");
    }
}
