using System.Diagnostics;
using GtmMart.DemoData;
using GtmMart.Tests.Support;
using GtmMart.Warehouse;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Lifecycle;

/// <summary>
/// history.opportunity_snapshots: every load records each opportunity's state as an SCD2 row; unchanged loads add
/// nothing; appends, reloads and builds (full refresh included) keep it; a killed load leaves it as it was.
/// </summary>
public sealed class StageHistoryTests
{
    private const string Current = $"select count(*) from {OpportunityHistory.QualifiedName} where valid_to is null";
    private const string All = $"select count(*) from {OpportunityHistory.QualifiedName}";

    [Fact]
    public void Loads_record_each_state_once_and_builds_keep_the_history()
    {
        using var db = new TestWarehouse();
        var raw = db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 60, Seed = 3, Days = 120 });
        var first = new RawLoader(db.Warehouse).Load(raw);
        var opportunities = db.Scalar<long>("select count(*) from raw.salesforce_opportunities");
        Assert.True(opportunities > 20, $"only {opportunities} opportunities");
        Assert.Equal((0, (int)opportunities), first.History);
        Assert.Equal(opportunities, db.Scalar<long>(All));
        Assert.Equal(opportunities, db.Scalar<long>(Current));

        // The same folder again changes nothing, so the history gains nothing.
        var again = new RawLoader(db.Warehouse).Load(raw);
        Assert.Equal((0, 0), again.History);
        Assert.Equal(opportunities, db.Scalar<long>(All));

        // Builds, full refresh included, leave it alone.
        var catalog = ModelCatalog.Load(RepoPaths.Sql);
        Assert.True(new MartBuilder(db.Warehouse, catalog).Build().Published);
        Assert.True(new MartBuilder(db.Warehouse, catalog).Build(fullRefresh: true).Published);
        Assert.Equal(opportunities, db.Scalar<long>(All));

        // A later export where the open ones closed, appended: each closed opportunity gets a second row.
        var later = db.Folder.Sub("later");
        var outcomes = LaterOutcomes.CloseOpen(raw, later, new DateOnly(2025, 5, 10));
        Assert.NotEmpty(outcomes);
        var appended = new RawLoader(db.Warehouse).Load(later, new LoadOptions { Append = true });
        Assert.Equal((outcomes.Count, outcomes.Count), appended.History);
        Assert.Equal(opportunities + outcomes.Count, db.Scalar<long>(All));
        Assert.Equal(opportunities, db.Scalar<long>(Current));
        Assert.Equal(0L, db.Scalar<long>($"select count(*) from (select opportunity_id from {OpportunityHistory.QualifiedName} where valid_to is null group by opportunity_id having count(*) > 1) as d"));

        // The superseded rows end where the current ones start, and they held the open stage.
        var rows = db.Rows(
            $"""
            select h.opportunity_id, h.stage_name, n.stage_name, h.valid_to = n.valid_from, h.load_id < n.load_id
            from {OpportunityHistory.QualifiedName} as h
            inner join {OpportunityHistory.QualifiedName} as n on n.opportunity_id = h.opportunity_id and n.valid_to is null
            where h.valid_to is not null
            """);
        Assert.Equal(outcomes.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(row[1] is "Pipeline" or "Proposal", $"{row[0]} was {row[1]} before it closed");
            Assert.Equal(outcomes[(string)row[0]!] ? "Closed Won" : "Closed Lost", (string)row[2]!);
            Assert.Equal(true, row[3]);
            Assert.Equal(true, row[4]);
        }

        // A full reload of the original folder reopens them (a restated export): new rows again, nothing lost.
        var reload = new RawLoader(db.Warehouse).Load(raw);
        Assert.Equal((outcomes.Count, outcomes.Count), reload.History);
        Assert.Equal(opportunities + 2L * outcomes.Count, db.Scalar<long>(All));
        Assert.True(new MartBuilder(db.Warehouse, catalog).Build().Published);
        Assert.Equal(opportunities + 2L * outcomes.Count, db.Scalar<long>(All));
    }

    [Fact]
    public async Task A_load_killed_before_its_commit_leaves_the_raw_tables_and_the_history()
    {
        using var db = new TestWarehouse();
        var raw = db.Folder.Sub("raw");
        DemoDataGenerator.Generate(new GeneratorOptions { OutputDirectory = raw, Accounts = 40, Seed = 4, Days = 100 });
        new RawLoader(db.Warehouse).Load(raw);
        var later = db.Folder.Sub("later");
        Assert.NotEmpty(LaterOutcomes.CloseOpen(raw, later, new DateOnly(2025, 4, 20)));
        const string State = $"select opportunity_id, stage_name, valid_from, valid_to from {OpportunityHistory.QualifiedName} order by all";
        const string Raw = "select opportunity_id, stage, close_date from raw.salesforce_opportunities order by all";
        var history = db.Rows(State);
        var rawRows = db.Rows(Raw);

        var environment = new Dictionary<string, string> { [Failpoint.EnvironmentVariable] = LoadMetadata.BeforeCommitFailpoint };
        using (var load = Process.Start(GtmProcess.StartInfo(RepoPaths.Root, environment, "load", "--append", later, "--warehouse", db.Warehouse.DatabasePath))!)
        {
            var stderr = load.StandardError.ReadToEndAsync();
            var killed = false;
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!killed && DateTime.UtcNow < deadline && load.StandardOutput.ReadLine() is { } line)
            {
                if (line == $"failpoint {LoadMetadata.BeforeCommitFailpoint} reached")
                {
                    load.Kill(entireProcessTree: true);
                    killed = true;
                }
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await load.WaitForExitAsync(timeout.Token);
            Assert.True(killed, $"gtm load ended before the failpoint: {await stderr}");
        }

        Assert.Equal(history, db.Rows(State));
        Assert.Equal(rawRows, db.Rows(Raw));

        // The same load then goes through and records the closings.
        var report = new RawLoader(db.Warehouse).Load(later, new LoadOptions { Append = true });
        Assert.True(report.History.Opened > 0);
        Assert.Equal(history.Count + report.History.Opened, db.Rows(State).Count);
    }
}
