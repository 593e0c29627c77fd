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
