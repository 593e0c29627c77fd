using System.Text.Json.Nodes;
using GtmMart.Scoring.Registry;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Versions_are_numbered_stored_with_their_card_and_the_newest_is_active()
    {
        var registry = new ModelRegistry(dir.Path);

        var first = registry.Register(Card("auc 0.70"), d => File.WriteAllText(Path.Combine(d, "model.zip"), "one"));
        var second = registry.Register(Card("auc 0.80"), d => File.WriteAllText(Path.Combine(d, "model.zip"), "two"));

        Assert.Equal(("v0001", "v0002"), (first.Version, second.Version));
        Assert.Equal("two", File.ReadAllText(Path.Combine(registry.Active("opportunity-scoring")!.Directory, "model.zip")));
        Assert.Equal("v0001", ModelCard.Read(Path.Combine(first.Directory, ModelRegistry.CardFile)).Version);
        Assert.Equal(["opportunity-scoring"], registry.Models());
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir.Path, "opportunity-scoring"), ".staging*"));
    }

    [Fact]
    public void Promote_and_rollback_move_the_active_pointer()
    {
        var registry = new ModelRegistry(dir.Path);
        registry.Register(Card("a"), _ => { });
        registry.Register(Card("b"), _ => { });
        registry.Register(Card("c"), _ => { }, activate: false);

        registry.Promote("opportunity-scoring", "v0003");
        Assert.Equal("v0003", registry.Active("opportunity-scoring")!.Version);
        Assert.Equal("v0002", registry.Rollback("opportunity-scoring").Version);
        Assert.Equal("v0001", registry.Rollback("opportunity-scoring").Version);
        Assert.Throws<ArgumentException>(() => registry.Rollback("opportunity-scoring"));
        Assert.Throws<ArgumentException>(() => registry.Promote("opportunity-scoring", "v0009"));
    }

    [Fact]
    public void A_failed_artifact_write_leaves_no_version_behind()
    {
        var registry = new ModelRegistry(dir.Path);
        registry.Register(Card("a"), _ => { });

        Assert.Throws<IOException>(() => registry.Register(Card("b"), _ => throw new IOException("disk full")));

        Assert.Single(registry.Versions("opportunity-scoring"));
        Assert.Equal("v0001", registry.Active("opportunity-scoring")!.Version);
    }

    [Fact]
    public void A_version_the_gate_refused_is_registered_but_only_forced_promotion_activates_it_and_is_recorded()
    {
        var registry = new ModelRegistry(dir.Path);
        var good = registry.Register(Card("good") with { Gate = Gate(passed: true) }, _ => { }, activate: true, Actions.Gate);
        var refused = registry.Register(Card("refused") with { Gate = Gate(passed: false) }, _ => { }, activate: true, Actions.Gate);

        Assert.True(good.IsActive);
        Assert.False(refused.IsActive);
        Assert.Equal("v0001", registry.Active("opportunity-scoring")!.Version);
        var status = VersionStatus.Of(registry.Get("opportunity-scoring", "v0002"), registry.Events("opportunity-scoring"));
        Assert.Equal((VersionStatus.Refused, "refused: no better than chance"), (status.Status, status.Why));

        var error = Assert.Throws<RefusedByGateException>(() => registry.Promote("opportunity-scoring", "v0002"));
        Assert.Contains("was refused by the promotion gate (refused: no better than chance)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal("v0001", registry.Active("opportunity-scoring")!.Version);

        registry.Promote("opportunity-scoring", "v0002", force: true, note: "sales asked for it");
        var active = registry.Active("opportunity-scoring")!;
        Assert.Equal("v0002", active.Version);
        var forced = registry.LastActivation("opportunity-scoring", "v0002")!;
        Assert.Equal((Actions.Forced, "sales asked for it"), (forced.Action, forced.Note));
        var now = VersionStatus.Of(active, registry.Events("opportunity-scoring"));
        Assert.True(now.Forced);
        Assert.Contains("the gate had refused it", now.Why, StringComparison.Ordinal);
        Assert.Contains("sales asked for it", File.ReadAllText(Path.Combine(dir.Path, "opportunity-scoring", "active.json")), StringComparison.Ordinal);

        Assert.Equal("v0001", registry.Rollback("opportunity-scoring").Version);
        var previous = VersionStatus.Of(registry.Get("opportunity-scoring", "v0002"), registry.Events("opportunity-scoring"));
        Assert.Equal(VersionStatus.Refused, previous.Status);
        Assert.Equal(
            [Actions.Gate, Actions.Forced, Actions.RolledBack],
            registry.Events("opportunity-scoring").Select(e => e.Action));
    }

    [Fact]
    public void A_pointer_written_before_events_were_kept_still_reads()
    {
        var registry = new ModelRegistry(dir.Path);
        registry.Register(Card("a"), _ => { });
        registry.Register(Card("b"), _ => { }, activate: false);
        File.WriteAllText(Path.Combine(dir.Path, "opportunity-scoring", "active.json"), """{"active": "v0002", "history": ["v0001"]}""");

        Assert.Equal("v0002", registry.Active("opportunity-scoring")!.Version);
        Assert.Empty(registry.Events("opportunity-scoring"));
        Assert.Equal((VersionStatus.Active, false), (VersionStatus.Of(registry.Active("opportunity-scoring")!, []).Status, false));
        Assert.Equal("v0001", registry.Rollback("opportunity-scoring").Version);
    }

    [Fact]
    public void Undefined_metrics_are_written_as_null_and_read_back_as_nan()
    {
        var registry = new ModelRegistry(dir.Path);
        var card = Card("tiny") with
        {
            Metrics = ModelCard.ToJson(new { Auc = double.NaN, Ece = double.PositiveInfinity, PrAuc = 0.5f, LogLoss = float.NaN }),
            Gate = Gate(passed: false),
        };

        var version = registry.Register(card, _ => { });

        var text = File.ReadAllText(Path.Combine(version.Directory, ModelRegistry.CardFile));
        Assert.Contains("\"auc\": null", text, StringComparison.Ordinal);
        Assert.Contains("\"ece\": null", text, StringComparison.Ordinal);
        Assert.Contains("\"verdict\": \"no_better_than_chance\"", text, StringComparison.Ordinal);
        var read = ModelCard.Read(Path.Combine(version.Directory, ModelRegistry.CardFile));
        Assert.Equal(TrustVerdict.NoBetterThanChance, read.Trust);
        Assert.True(double.IsNaN(read.Gate!.Champion!.CandidateAuc));
    }

    private static GateDecision Gate(bool passed) => new(
        passed,
        passed ? TrustVerdict.Good : TrustVerdict.NoBetterThanChance,
        passed ? "passed: enough" : "refused: no better than chance",
        "why",
        [new GateCheck("better than chance", passed, "CV AUC", "> 0.5")],
        new ChampionComparison("v0000", ModelKind.Model, 10, 10, 5, double.NaN, 0.5, 0.1, 0.1, 0.02, 0.02, false),
        new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    private static ModelCard Card(string note) => new()
    {
        Model = "opportunity-scoring",
        CreatedAtUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        CodeVersion = "test",
        Algorithm = "FastTree",
        DataHash = "abc",
        DataWindow = [],
        RowCounts = [],
        ClassBalance = [],
        Features = ["sessions_30d"],
        Hyperparameters = [],
        Metrics = new JsonObject { ["note"] = note },
    };
}
