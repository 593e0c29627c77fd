using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// Builds the mart with write-audit-publish. Write: every model becomes a table in this build's own schemas
/// (<c>staging__b0007</c>, ...). Audit: every data test runs against those tables. Publish: only when all tests
/// pass, one transaction repoints the views <c>staging.*</c>, <c>core.*</c>, <c>mart.*</c> at the new tables.
/// Until that commit readers see the previous build, whatever happens to this process.
/// </summary>
public sealed partial class MartBuilder(IWarehouse warehouse, ModelCatalog catalog)
{
    public BuildResult Build(IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        WarehouseReadiness.RequireExists(warehouse);
        using var connection = warehouse.Open();
        warehouse.Dialect.PrepareForBulkWork(connection);
        BuildMetadata.Ensure(connection);
        var published = BuildMetadata.PublishedBuild(connection);

        // DuckDB lets one process write the file, so a build still marked running was killed: its tables go.
        connection.Execute($"update {BuildMetadata.Schema}.builds set status = 'abandoned', finished_at = current_timestamp where status = 'running'");
        DropBuildSchemas(connection, keep: published);

        var buildId = (connection.Scalar<long?>($"select max(build_id) from {BuildMetadata.Schema}.builds") ?? 0) + 1;
        connection.Execute(
            $"insert into {BuildMetadata.Schema}.builds (build_id, status, started_at) values ($id, 'running', current_timestamp)",
            ("id", buildId));

        var rewriter = SqlRewriter.ForBuild(catalog.Models, buildId);
        var runs = new List<ModelRun>();
        try
        {
            foreach (var layer in ModelCatalog.Layers)
            {
                connection.Execute($"create schema {SqlRewriter.BuildSchema(layer, buildId)}");
            }

            foreach (var model in catalog.Models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new BuildProgress("model", model.QualifiedName, runs.Count, catalog.Models.Count));
                Failpoint.Hit($"build:{model.QualifiedName}");
                runs.Add(Materialize(connection, rewriter, buildId, model));
            }
        }
        catch (Exception ex) when (ex is WarehouseException or OperationCanceledException)
        {
            Finish(connection, buildId, "failed", ex.Message);
            DropBuildSchemas(connection, keep: published);
            throw;
        }

        var testProgress = progress is null ? null : new Progress<DataTestResult>(r =>
            progress.Report(new BuildProgress("test", r.Test.Name, 0, catalog.Tests.Count)));
        var testWatch = Stopwatch.StartNew();
        var tests = DataTestRunner.Run(connection, catalog.Tests, rewriter, testProgress);
        var testTime = testWatch.Elapsed;
        var failed = tests.Count(t => !t.Passed);
        var unmapped = Vocabularies.Unmapped(connection, catalog);
        Vocabularies.Record(connection, buildId, unmapped);
        SourceFreshness.Record(connection, buildId);
        connection.Execute(
            $"update {BuildMetadata.Schema}.builds set models = $models, tests_passed = $passed, tests_failed = $failed where build_id = $id",
            ("models", runs.Count), ("passed", tests.Count - failed), ("failed", failed), ("id", buildId));
        if (failed > 0)
        {
            // The failed build's tables stay (until the next build) so the failing rows can be inspected.
            Finish(connection, buildId, "failed", $"{failed} data test(s) failed");
            return new BuildResult(buildId, false, runs, tests, testTime) { Unmapped = unmapped };
        }

        progress?.Report(new BuildProgress("publish", $"build {buildId}", catalog.Models.Count, catalog.Models.Count));
        Publish(connection, buildId);
        DropBuildSchemas(connection, keep: buildId);
        return new BuildResult(buildId, true, runs, tests, testTime) { Unmapped = unmapped };
    }

    private static ModelRun Materialize(DbConnection connection, SqlRewriter rewriter, long buildId, Model model)
    {
        var watch = Stopwatch.StartNew();
        var table = $"{SqlRewriter.BuildSchema(model.Layer, buildId)}.{model.Name}";
        try
        {
            if (model.Seed is { } seed)
            {
                seed.Materialize(connection, table);
            }
            else
            {
                // Staging models are light renames over raw tables, so (as in dbt) they are views; the rest are tables.
                var kind = model.Layer == "staging" ? "view" : "table";
                connection.Execute($"create {kind} {table} as {rewriter.Rewrite(model.Sql)}");
            }
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"Model {model.QualifiedName} failed ({model.Path}): {ex.Message.Split('\n')[0]}", ex);
        }

        return new ModelRun(model.QualifiedName, connection.Scalar<long>($"select count(*) from {table}"), watch.Elapsed);
    }

    private void Publish(DbConnection connection, long buildId) =>
        warehouse.Dialect.Publish(connection, catalog.Models, buildId, () => connection.Execute(
            $"update {BuildMetadata.Schema}.builds set status = 'published', finished_at = current_timestamp, published_at = current_timestamp where build_id = $id",
            ("id", buildId)));

    private static void Finish(DbConnection connection, long buildId, string status, string message) =>
        connection.Execute(
            $"update {BuildMetadata.Schema}.builds set status = $status, finished_at = current_timestamp, message = $message where build_id = $id",
            ("status", status), ("message", message), ("id", buildId));

    /// <summary>Drops every build schema except those of build <paramref name="keep"/> (the published one).</summary>
    private void DropBuildSchemas(DbConnection connection, long? keep)
    {
        // Filtered here rather than in SQL: engines differ in regex functions and in the case they report names in.
        var schemas = connection.Query("select schema_name from information_schema.schemata", r => r.GetString(0))
            .Where(s => BuildSchemaPattern().IsMatch(s));
        foreach (var schema in schemas)
        {
            var id = long.Parse(schema[(schema.LastIndexOf("__b", StringComparison.OrdinalIgnoreCase) + 3)..], System.Globalization.CultureInfo.InvariantCulture);
            if (id != keep)
            {
                connection.Execute(warehouse.Dialect.DropSchemaCascade(schema.ToLowerInvariant()));
            }
        }
    }

    [GeneratedRegex("^(seeds|staging|core|mart)__b[0-9]+$", RegexOptions.IgnoreCase)]
    private static partial Regex BuildSchemaPattern();
}
