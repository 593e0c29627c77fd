using System.Data.Common;
using System.Diagnostics;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// The incremental build (DuckDB). Models with an <see cref="IncrementalSpec"/> keep the table the published build
/// reads and have only the rows of changed days or accounts deleted and computed again, from inputs filtered to what
/// those rows read; every other model (small) is built whole into this build's schemas. All of it, with the tests and
/// the publish, is one transaction: a failing test or a killed process leaves the published mart as it was.
/// </summary>
public sealed partial class MartBuilder
{
    /// <summary>The published build's model-to-table map, when it was built with the same models and seeds; else null (build everything).</summary>
    private Dictionary<string, string>? PreviousRelations(DbConnection connection, long published, string catalogHash)
    {
        if (connection.Scalar<string>($"select catalog_hash from {BuildMetadata.Schema}.builds where build_id = $id", ("id", published)) != catalogHash
            || !WarehouseReadiness.TableExists(connection, BuildMetadata.Schema, "fingerprints"))
        {
            return null;
        }

        var relations = connection.Query(
            $"select model, relation from {BuildMetadata.Schema}.build_tables where build_id = $id",
            r => (Model: r.GetString(0), Relation: r.GetString(1)),
            ("id", published)).ToDictionary(x => x.Model, x => x.Relation, StringComparer.Ordinal);
        return catalog.Models.All(m => relations.ContainsKey(m.QualifiedName)) ? relations : null;
    }

    private BuildResult BuildIncrementally(
        DbConnection connection, long buildId, long published, Dictionary<string, string> previous, string catalogHash,
        IProgress<BuildProgress>? progress, CancellationToken cancellationToken)
    {
        var changes = timings.Time("change set", () => ChangeSet.Find(connection, previous["core.fct_web_sessions"]));
        var days = connection.Scalar<long>($"select count(*) from {previous["core.dim_dates"]}");
        var accounts = connection.Scalar<long>($"select count(*) from {previous["core.dim_accounts"]}");
        var scope = new IncrementalTestScope(catalog.Models, buildId, previous);
        var relations = scope.Relations;
        long rebuiltDays = 0;
        connection.Execute("begin transaction");
        try
        {
            var runs = RunModels(connection, buildId, progress, model =>
            {
                if (model.Incremental is { } spec)
                {
                    if (model.Layer == "staging")
                    {
                        // A staging view keeps nothing: it is built as always, and its tests read the changed keys' rows
                        // only, the rest being the raw rows (same fingerprints) the published build tested.
                        relations[model.QualifiedName] = $"{SqlRewriter.BuildSchema(model.Layer, buildId)}.{model.Name}";
                        var view = Materialize(connection, SqlRewriter.ForRelations(catalog.Models, buildId, relations), buildId, model, NoBatches);
                        scope.Narrow(model, spec, relations[model.QualifiedName], ChangedKeys(connection, model, spec).Keys, catalog.Tests);
                        return view;
                    }

                    relations[model.QualifiedName] = previous[model.QualifiedName];
                    var (run, keys) = Update(connection, model, spec, previous[model.QualifiedName], scope, buildId);
                    // Days of the day-grained models (date_day): other date keys run past the last day.
                    rebuiltDays = spec.By == "date_day" ? Math.Max(rebuiltDays, keys) : rebuiltDays;
                    return run;
                }

                relations[model.QualifiedName] = $"{SqlRewriter.BuildSchema(model.Layer, buildId)}.{model.Name}";
                // Only models without an incremental spec come here, so none is batched.
                return Materialize(connection, SqlRewriter.ForRelations(catalog.Models, buildId, relations), buildId, model, NoBatches);
            }, cancellationToken);

            var mode = $"incremental: {ChangeSet.Describe(rebuiltDays)} of {ChangeSet.Describe(days)} days rebuilt ({ChangeSet.Describe(changes.DayCount)} changed, " +
                       $"the rest for moving averages), opportunity features of {ChangeSet.Describe(changes.AccountCount)} of {ChangeSet.Describe(accounts)} accounts";
            var testWatch = Stopwatch.StartNew();
            var tests = DataTestRunner.Run(connection, catalog.Tests, SqlRewriter.ForRelations(catalog.Models, buildId, relations), null, scope.For, catalog.Views);
            mode += $"; {tests.Count(t => scope.Narrows(t.Test))} of {tests.Count} data tests on the rebuilt rows";
            var testTime = testWatch.Elapsed;
            timings.AddTests(tests);
            var failed = tests.Count(t => !t.Passed);
            var unmapped = timings.Time("unmapped values", () => Vocabularies.Unmapped(connection, catalog, keptCounts: true));
            if (failed > 0)
            {
                // Rolled back whole: the rows it changed in kept tables must not stay. The failing rows were sampled above.
                connection.Execute("rollback");
                Finish(connection, buildId, "failed", $"{failed} data test(s) failed (incremental build rolled back; gtm build --full-refresh keeps a failed build's tables to inspect)");
                DropBuildSchemas(connection, KeptBuilds(connection, published));
                return new BuildResult(buildId, false, runs, tests, testTime) { Unmapped = unmapped, Mode = mode, Timings = timings.Steps };
            }

            Vocabularies.Record(connection, buildId, unmapped);
            timings.Time("source freshness", () => SourceFreshness.Record(connection, buildId));
            connection.Execute(
                $"update {BuildMetadata.Schema}.builds set models = $models, tests_passed = $passed, tests_failed = 0, message = $mode where build_id = $id",
                ("models", runs.Count), ("passed", tests.Count), ("mode", mode), ("id", buildId));
            progress?.Report(new BuildProgress("publish", $"build {buildId}", catalog.Models.Count, catalog.Models.Count));
            timings.Time("publish", () =>
            {
                ((DuckDbDialect)warehouse.Dialect).PublishViews(connection, catalog.Models, relations, () => MarkPublished(connection, buildId, relations, catalogHash, changedOnly: true));
                connection.Execute("commit");
            });
            timings.Time("drop old builds", () => DropBuildSchemas(connection, KeptBuilds(connection, buildId)));
            return new BuildResult(buildId, true, runs, tests, testTime) { Unmapped = unmapped, Mode = mode, Timings = timings.Steps };
        }
        catch (Exception ex) when (ex is WarehouseException or OperationCanceledException or DbException)
        {
            connection.Execute("rollback");
            Finish(connection, buildId, "failed", ex.Message.Split('\n')[0]);
            DropBuildSchemas(connection, KeptBuilds(connection, published));
            throw ex is DbException ? new WarehouseException($"Incremental build {buildId} failed: {ex.Message.Split('\n')[0]}", ex) : ex;
        }
    }

    /// <summary>
    /// Deletes the rows of <paramref name="table"/> whose <see cref="IncrementalSpec.By"/> value changed and inserts them
    /// again from the model's SQL over inputs filtered to what those rows read. Returns the run and the number of keys rebuilt.
    /// </summary>
    private (ModelRun Run, long Keys) Update(DbConnection connection, Model model, IncrementalSpec spec, string table, IncrementalTestScope scope, long buildId)
    {
        var relations = scope.Relations;
        var watch = Stopwatch.StartNew();
        var (keys, window) = ChangedKeys(connection, model, spec);
        var inputs = new Dictionary<string, string>(relations, StringComparer.Ordinal);
        foreach (var (input, column) in spec.Inputs)
        {
            inputs[input] = $"(select * from {relations[input]} where {column} in (select k from {window}))";
        }

        foreach (var (input, column) in spec.KeyedInputs)
        {
            inputs[input] = $"(select * from {relations[input]} where {column} in (select k from {keys}))";
        }

        try
        {
            scope.BeforeUpdate(connection, model, spec, table, keys, catalog.Tests);
            var sql = SqlRewriter.ForRelations(catalog.Models, buildId, inputs).Rewrite(model.Sql);
            connection.Execute($"delete from {table} where {spec.By} in (select k from {keys})");
            if (model.ComputedBy is { } step)
            {
                // A computed model's SQL is its step's input: the step writes the rebuilt keys' rows apart, then they move in.
                var computed = $"_gtm_computed_{model.Name}";
                connection.Execute($"drop table if exists {computed}");
                ComputedModels.Get(step).Materialize(connection, sql, computed);
                connection.Execute($"insert into {table} select * from {computed} where {spec.By} in (select k from {keys})");
                connection.Execute($"drop table {computed}");
            }
            else
            {
                connection.Execute($"insert into {table} select * from ({sql}) as rebuilt where {spec.By} in (select k from {keys})");
            }
        }
        catch (DbException ex)
        {
            throw new WarehouseException($"Model {model.QualifiedName} failed ({model.Path}): {ex.Message.Split('\n')[0]}", ex);
        }

        return (new ModelRun(model.QualifiedName, connection.Scalar<long>($"select count(*) from {table}"), watch.Elapsed),
            connection.Scalar<long>($"select count(*) from {keys}"));
    }

    /// <summary>
    /// Temp tables of the <paramref name="model"/>'s keys to rebuild (<c>Keys</c>) and of the input keys those rows read
    /// (<c>Window</c>), from the change set and its <see cref="IncrementalSpec"/>.
    /// </summary>
    private static (string Keys, string Window) ChangedKeys(DbConnection connection, Model model, IncrementalSpec spec)
    {
        var keys = $"_gtm_keys_{model.Name}";
        var window = $"_gtm_window_{model.Name}";
        connection.Execute($"drop table if exists {keys}");
        connection.Execute($"drop table if exists {window}");
        if (spec.ByAccount)
        {
            connection.Execute($"create temp table {keys} as select k from {ChangeSet.Accounts}");
            connection.Execute($"create temp table {window} as select k from {keys}");
        }
        else if (spec.ByMonth)
        {
            // A month's rows read that month's inputs only; a changed day c changes the months of c .. c + lookback.
            connection.Execute($"create temp table {keys} as select distinct cast(date_trunc('month', cast(k + cast(i as integer) as date)) as date) as k from {ChangeSet.Days}, range(0, {spec.LookbackDays + 1}) as t(i)");
            connection.Execute($"create temp table {window} as select k from {keys}");
        }
        else
        {
            // A row of day d reads days d - lookback .. d: changed day c affects rows c .. c + lookback, which read c - lookback onwards.
            connection.Execute($"create temp table {keys} as select distinct cast(k + cast(i as integer) as date) as k from {ChangeSet.Days}, range(0, {spec.LookbackDays + 1}) as t(i)");
            connection.Execute($"create temp table {window} as select distinct cast(k - cast(i as integer) as date) as k from {keys}, range(0, {spec.LookbackDays + 1}) as t(i)");
        }

        return (keys, window);
    }
}
