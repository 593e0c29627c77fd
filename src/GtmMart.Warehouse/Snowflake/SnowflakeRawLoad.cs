using System.Data.Common;
using System.Globalization;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;

namespace GtmMart.Warehouse.Snowflake;

/// <summary>
/// Snowflake's raw load: each CSV file is PUT to the load's stage folder and COPYed into a transient load table
/// (bad records skipped, then read back with VALIDATE), the row rules run in SQL, and one transaction replaces every
/// raw table (INSERT OVERWRITE is DML, so it commits or rolls back with the rest).
/// </summary>
internal static class SnowflakeRawLoad
{
    public static LoadReport Load(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, LoadOptions options, IProgress<string>? progress)
    {
        if (options.Append || options.DecimalComma)
        {
            throw new WarehouseException($"{(options.Append ? "gtm load --append" : "--decimal-comma")} is not supported on Snowflake yet; load the full folder with dot-decimal numbers.");
        }

        if (files.Select(f => f.File).OfType<SourceFile>().FirstOrDefault(f => f.Format != SourceFormat.Csv) is { } parquet)
        {
            throw new WarehouseException($"{parquet.Path}: Parquet raw files are not supported on Snowflake yet; export the source as CSV.");
        }

        LoadMetadata.Ensure(connection);
        OpportunityHistory.Ensure(connection);
        connection.Execute(SnowflakeSql.CreateStage());
        var loadId = LoadMetadata.NextLoadId(connection);
        var folder = SnowflakeSql.StagePath("load", loadId.ToString(CultureInfo.InvariantCulture));
        var read = new Dictionary<string, long>();
        Exception? failure = null;
        try
        {
            foreach (var (source, file) in files)
            {
                connection.Execute(SnowflakeLoadSql.CreateRawTable(source));
                if (file is null)
                {
                    continue;
                }

                progress?.Report($"uploading {file.FileName}");
                var sourceFolder = SnowflakeSql.StagePath("load", loadId.ToString(CultureInfo.InvariantCulture), source.Name);
                connection.Execute(SnowflakeSql.Put(file.ReadPath, sourceFolder, autoCompress: true));
                progress?.Report($"copying {file.FileName}");
                connection.Execute(SnowflakeLoadSql.CreateLoadTable(source));
                read[source.Name] = RowsParsed(connection, SnowflakeSql.CopyCsv(SnowflakeLoadSql.LoadTable(source), sourceFolder, file.Delimiter, options.DateOrder));
                connection.Execute(SnowflakeLoadSql.CaptureRejects(source));
                connection.Execute(SnowflakeLoadSql.CreateCheckedTable(source, options.Stages));
            }

            var present = files.Where(f => f.File is not null)
                .Select(f => (File: f.File!, Read: read[f.Source.Name], Rejected: connection.Scalar<long>(SnowflakeLoadSql.CountRejected(f.Source)))).ToList();
            if (LoadGate.Verdict(connection, present, SnowflakeLoadSql.CheckedTable, options, loadId) is { } refusal)
            {
                connection.InTransaction(_ =>
                {
                    foreach (var (file, count, rejected) in present)
                    {
                        connection.Execute(SnowflakeLoadSql.InsertRejects(file.Source), ("load_id", loadId), ("source", file.Source.Name), ("file", file.Path));
                        LoadMetadata.Log(connection, loadId, new SourceLoadResult(file.Source.Name, file.Path, count, 0, rejected), "refused", options);
                    }

                    return 0;
                });
                throw new WarehouseException(refusal);
            }

            progress?.Report("publishing raw tables");
            return connection.InTransaction(_ =>
            {
                var results = files.Select(f => Publish(connection, loadId, f.Source, f.File, f.File is null ? 0 : read[f.Source.Name])).ToList();
                var history = OpportunityHistory.Snapshot(connection, loadId, OpportunityHistory.Now());
                OpportunityHistory.Audit(connection, loadId);
                return new LoadReport(loadId, results) { History = history };
            });
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            CleanUp(connection, files, folder, failure, progress);
        }
    }

    /// <summary>
    /// Drops the load's work tables and removes its stage folder, trying every statement. After a failed load, a
    /// failing clean-up must not replace the load's own error: it is reported as a warning (and noted on the error)
    /// and the load's error goes on. After a successful load it fails the command with every leftover named (the
    /// raw tables are committed by then).
    /// </summary>
    private static void CleanUp(DbConnection connection, IReadOnlyList<(RawSource Source, SourceFile? File)> files, string folder, Exception? failure, IProgress<string>? progress)
    {
        var errors = new List<string>();
        foreach (var statement in files.SelectMany(f => SnowflakeLoadSql.DropWorkTables(f.Source)).Append(SnowflakeSql.Remove(folder)))
        {
            try
            {
                connection.Execute(statement);
            }
            catch (DbException ex)
            {
                errors.Add($"`{statement}`: {ex.Message.Split('\n')[0]}");
            }
        }

        if (errors.Count == 0)
        {
            return;
        }

        var message = $"cleaning up the load's work tables and stage folder failed at {string.Join("; ", errors)}";
        if (failure is null)
        {
            throw new WarehouseException($"The raw load committed, but {message}");
        }

        failure.Data["cleanup"] = message;
        progress?.Report($"warning: after the failed load, {message}");
    }

    private static SourceLoadResult Publish(DbConnection connection, long loadId, RawSource source, SourceFile? file, long read)
    {
        if (file is null)
        {
            connection.Execute(SnowflakeLoadSql.EmptyRaw(source));
            var empty = new SourceLoadResult(source.Name, null, 0, 0, 0);
            LoadMetadata.Log(connection, loadId, empty);
            return empty;
        }

        connection.Execute(SnowflakeLoadSql.ReplaceRaw(source), ("file", file.FileName));
        connection.Execute(SnowflakeLoadSql.InsertRejects(source), ("load_id", loadId), ("source", source.Name), ("file", file.Path));
        var loaded = connection.Scalar<long>(SnowflakeLoadSql.CountLoaded(source));
        var rejected = connection.Scalar<long>(SnowflakeLoadSql.CountRejected(source));
        LoadMetadata.EnsureBalanced(file, read, loaded, rejected);
        var result = new SourceLoadResult(source.Name, file.Path, read, loaded, rejected);
        LoadMetadata.Log(connection, loadId, result);
        return result;
    }

    /// <summary>Runs a COPY and sums its <c>rows_parsed</c> (one result row per file): every record COPY saw, good or bad.</summary>
    private static long RowsParsed(DbConnection connection, string copy)
    {
        using var command = connection.Command(copy);
        using var reader = command.ExecuteReader();
        var column = Enumerable.Range(0, reader.FieldCount).FirstOrDefault(i => reader.GetName(i).Equals("rows_parsed", StringComparison.OrdinalIgnoreCase), -1);
        long rows = 0;
        while (reader.Read())
        {
            rows += column < 0 ? 0 : Convert.ToInt64(reader.GetValue(column), CultureInfo.InvariantCulture);
        }

        return rows;
    }
}
