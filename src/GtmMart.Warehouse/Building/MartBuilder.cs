using System.Data.Common;
using System.Diagnostics;
using System.Text.RegularExpressions;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
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
    public const string FingerprintsKept = "raw fingerprints (kept by the loads)";
    public const string FingerprintsComputed = "raw fingerprints (computed from every raw row)";

    private BuildTimings timings = new();

    /// <summary>
    /// The most input rows one statement of a batched full refresh reads (<see cref="BatchedRefresh"/>); null: sized to
    /// the engine's memory (<see cref="IWarehouseDialect.StatementMemoryBytes"/>).
    /// </summary>
    public long? BatchRows { get; init; }

    /// <summary>A row budget for builds that batch nothing (staging views, the incremental build's unbatched models).</summary>
    private const long NoBatches = long.MaxValue;

    public BuildResult Build(IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Build(fullRefresh: false, progress, cancellationToken);

    /// <summary>
    /// Builds the mart: incrementally (only what changed since the published build, see <see cref="ChangeSet"/>) when
    /// the engine supports it, a build was published with the same models and seeds, and <paramref name="fullRefresh"/>
    /// is false; otherwise every model from scratch.
    /// </summary>
    public BuildResult Build(bool fullRefresh, IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        WarehouseReadiness.RequireExists(warehouse);
        timings = new BuildTimings();
        using var connection = warehouse.Open();
        warehouse.Dialect.PrepareForBulkWork(connection);
        BuildMetadata.Ensure(connection);
        // The lifecycle models read the stage and score histories, which the first load / write-back would create.
        HistoryTables.Ensure(connection);
        var published = BuildMetadata.PublishedBuild(connection);

        // DuckDB lets one process write the file, so a build still marked running was killed: its tables go.
        connection.Execute($"update {BuildMetadata.Schema}.builds set status = 'abandoned', finished_at = current_timestamp where status = 'running'");
        timings.Time("drop old builds", () => DropBuildSchemas(connection, KeptBuilds(connection, published)));
        var tracked = warehouse.Dialect is DuckDbDialect;
        var catalogHash = ChangeSet.CatalogHash(catalog);
        if (tracked)
        {
            var clock = StepClock.Start();
            var computed = ChangeSet.TakeFingerprints(connection);
            timings.Add(computed ? FingerprintsComputed : FingerprintsKept, clock.Wall, clock.Cpu);
        }

        var buildId = (connection.Scalar<long?>($"select max(build_id) from {BuildMetadata.Schema}.builds") ?? 0) + 1;
        connection.Execute(
            $"insert into {BuildMetadata.Schema}.builds (build_id, status, started_at) values ($id, 'running', current_timestamp)",
            ("id", buildId));

        if (tracked && !fullRefresh && published is { } previous && PreviousRelations(connection, previous, catalogHash) is { } relations)
        {
            return BuildIncrementally(connection, buildId, previous, relations, catalogHash, progress, cancellationToken);
        }

        var rewriter = SqlRewriter.ForBuild(catalog.Models, buildId);
        var batchRows = BatchRows ?? BatchedRefresh.RowBudget(warehouse.Dialect.StatementMemoryBytes(connection));
        var runs = new List<ModelRun>();
        try
        {
            runs.AddRange(RunModels(connection, buildId, progress, model => Materialize(connection, rewriter, buildId, model, batchRows), cancellationToken));
        }
        catch (Exception ex) when (ex is WarehouseException or OperationCanceledException)
        {
            Finish(connection, buildId, "failed", ex.Message);
            DropBuildSchemas(connection, KeptBuilds(connection, published));
            throw;
        }

        var testProgress = progress is null ? null : new Progress<DataTestResult>(r =>
            progress.Report(new BuildProgress("test", r.Test.Name, 0, catalog.Tests.Count)));
        var testWatch = Stopwatch.StartNew();
        var tests = DataTestRunner.Run(connection, catalog.Tests, rewriter, testProgress, views: catalog.Views);
        var testTime = testWatch.Elapsed;
        timings.AddTests(tests);
        var failed = tests.Count(t => !t.Passed);
        var unmapped = timings.Time("unmapped values", () => Vocabularies.Unmapped(connection, catalog, keptCounts: tracked));
        Vocabularies.Record(connection, buildId, unmapped);
        timings.Time("source freshness", () => SourceFreshness.Record(connection, buildId));
        connection.Execute(
            $"update {BuildMetadata.Schema}.builds set models = $models, tests_passed = $passed, tests_failed = $failed where build_id = $id",
            ("models", runs.Count), ("passed", tests.Count - failed), ("failed", failed), ("id", buildId));
        if (failed > 0)
        {
            // The failed build's tables stay (until the next build) so the failing rows can be inspected.
            Finish(connection, buildId, "failed", $"{failed} data test(s) failed");
            return new BuildResult(buildId, false, runs, tests, testTime) { Unmapped = unmapped, Timings = timings.Steps };
        }

        progress?.Report(new BuildProgress("publish", $"build {buildId}", catalog.Models.Count, catalog.Models.Count));
        timings.Time("publish", () => Publish(connection, buildId, tracked ? catalog.Models.ToDictionary(m => m.QualifiedName, m => $"{SqlRewriter.BuildSchema(m.Layer, buildId)}.{m.Name}") : null, catalogHash));
        timings.Time("drop old builds", () => DropBuildSchemas(connection, KeptBuilds(connection, buildId)));
        return new BuildResult(buildId, true, runs, tests, testTime) { Unmapped = unmapped, Mode = tracked ? "full" : "full (incremental builds are DuckDB only)", Timings = timings.Steps };
    }

    /// <summary>Creates the build's schemas, then runs <paramref name="run"/> on every model in order (stoppable, with progress and failpoints).</summary>
    private List<ModelRun> RunModels(DbConnection connection, long buildId, IProgress<BuildProgress>? progress, Func<Model, ModelRun> run, CancellationToken cancellationToken)
    {
        foreach (var layer in ModelCatalog.Layers)
        {
            connection.Execute($"create schema {SqlRewriter.BuildSchema(layer, buildId)}");
        }

        var runs = new List<ModelRun>();
        foreach (var model in catalog.Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new BuildProgress("model", model.QualifiedName, runs.Count, catalog.Models.Count));
            Failpoint.Hit($"build:{model.QualifiedName}");
            var clock = StepClock.Start();
            var modelRun = run(model);
            timings.Add(model.QualifiedName, modelRun.Elapsed, clock.Cpu);
            runs.Add(modelRun);
        }

        return runs;
    }

    private static ModelRun Materialize(DbConnection connection, SqlRewriter rewriter, long buildId, Model model, long batchRows)
    {
        var watch = Stopwatch.StartNew();
        var table = $"{SqlRewriter.BuildSchema(model.Layer, buildId)}.{model.Name}";
        var batches = 0;
        try
        {
            if (model.Seed is { } seed)
            {
                seed.Materialize(connection, table);
            }
            else if (model.Incremental is { Batch: not null } spec && model.Layer != "staging"
                && BatchedRefresh.Batches(connection, spec, rewriter, batchRows) is { Count: > 1 } ranges)
            {
                // More than one range: each its own statement. One range would read every input row anyway, so the model
                // is then written by one statement, as an unbatched model, below.
                batches = BatchedRefresh.Materialize(connection, model, spec, rewriter, table, ranges);
            }
            else if (model.ComputedBy is { } step)
            {
                ComputedModels.Get(step).Materialize(connection, rewriter.Rewrite(model.Sql), table);
            }
            else
            {
                var kind = model.IsView ? "view" : "table";
                connection.Execute($"create {kind} {table} as {rewriter.Rewrite(model.Sql)}");
            }
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"Model {model.QualifiedName} failed ({model.Path}): {ex.Message.Split('\n')[0]}", ex);
        }

        return new ModelRun(model.QualifiedName, connection.Scalar<long>($"select count(*) from {table}"), watch.Elapsed) { Batches = batches };
    }

    private void Publish(DbConnection connection, long buildId, IReadOnlyDictionary<string, string>? relations, string catalogHash) =>
        warehouse.Dialect.Publish(connection, catalog.Models, buildId, () => MarkPublished(connection, buildId, relations, catalogHash, changedOnly: false));

    /// <summary>Marks the build published and, on an engine that builds incrementally, keeps what the next build compares with.</summary>
    private static void MarkPublished(DbConnection connection, long buildId, IReadOnlyDictionary<string, string>? relations, string catalogHash, bool changedOnly)
    {
        connection.Execute(
            $"update {BuildMetadata.Schema}.builds set status = 'published', finished_at = current_timestamp, published_at = current_timestamp where build_id = $id",
            ("id", buildId));
        if (relations is null)
        {
            return;
        }

        connection.Execute($"update {BuildMetadata.Schema}.builds set catalog_hash = $hash where build_id = $id", ("hash", catalogHash), ("id", buildId));
        foreach (var (model, relation) in relations)
        {
            connection.Execute($"insert into {BuildMetadata.Schema}.build_tables values ($id, $model, $relation)", ("id", buildId), ("model", model), ("relation", relation));
        }

        ChangeSet.Record(connection, buildId, changedOnly);
    }

    private static void Finish(DbConnection connection, long buildId, string status, string message) =>
        connection.Execute(
            $"update {BuildMetadata.Schema}.builds set status = $status, finished_at = current_timestamp, message = $message where build_id = $id",
            ("status", status), ("message", message), ("id", buildId));

    /// <summary>The builds whose schemas the published mart reads: <paramref name="published"/> and those holding tables an incremental build kept.</summary>
    private static HashSet<long> KeptBuilds(DbConnection connection, long? published)
    {
        var kept = new HashSet<long>();
        if (published is not { } id)
        {
            return kept;
        }

        kept.Add(id);
        if (WarehouseReadiness.TableExists(connection, BuildMetadata.Schema, "build_tables"))
        {
            foreach (var relation in connection.Query($"select relation from {BuildMetadata.Schema}.build_tables where build_id = $id", r => r.GetString(0), ("id", id)))
            {
                var schema = relation.Split('.')[0];
                kept.Add(long.Parse(schema[(schema.LastIndexOf("__b", StringComparison.OrdinalIgnoreCase) + 3)..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return kept;
    }

    /// <summary>Drops every build schema except those of the builds in <paramref name="keep"/>.</summary>
    private void DropBuildSchemas(DbConnection connection, HashSet<long> keep)
    {
        // Filtered here rather than in SQL: engines differ in regex functions and in the case they report names in.
        var schemas = connection.Query("select schema_name from information_schema.schemata", r => r.GetString(0))
            .Where(s => BuildSchemaPattern().IsMatch(s));
        foreach (var schema in schemas)
        {
            var id = long.Parse(schema[(schema.LastIndexOf("__b", StringComparison.OrdinalIgnoreCase) + 3)..], System.Globalization.CultureInfo.InvariantCulture);
            if (!keep.Contains(id))
            {
                connection.Execute(warehouse.Dialect.DropSchemaCascade(schema.ToLowerInvariant()));
            }
        }
    }

    [GeneratedRegex("^(seeds|staging|core|mart)__b[0-9]+$", RegexOptions.IgnoreCase)]
    private static partial Regex BuildSchemaPattern();
}
