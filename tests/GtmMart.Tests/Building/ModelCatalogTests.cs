using GtmMart.Tests.Support;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;

namespace GtmMart.Tests.Building;

public sealed class ModelCatalogTests
{
    [Fact]
    public void Repository_models_come_after_every_model_they_reference()
    {
        var catalog = ModelCatalog.Load(RepoPaths.Sql);

        Assert.NotEmpty(catalog.Models);
        var position = catalog.Models.Select((m, i) => (m.QualifiedName, i)).ToDictionary(x => x.QualifiedName, x => x.i);
        foreach (var model in catalog.Models)
        {
            foreach (var reference in model.ModelReferences)
            {
                Assert.True(position[reference] < position[model.QualifiedName], $"{model.QualifiedName} runs before {reference}");
            }
        }
    }

    [Fact]
    public void Every_repository_model_declares_a_primary_key_test()
    {
        var catalog = ModelCatalog.Load(RepoPaths.Sql);

        var withKey = catalog.Tests.Where(t => t.Kind == "primary_key").Select(t => t.Model).ToHashSet();
        Assert.All(catalog.Models, m => Assert.Contains(m.QualifiedName, withKey));
    }

    [Fact]
    public void Layers_only_reference_their_own_or_earlier_layers()
    {
        var rank = new Dictionary<string, int> { ["raw"] = 0, ["seeds"] = 0, ["staging"] = 1, ["core"] = 2, ["mart"] = 3 };
        foreach (var model in ModelCatalog.Load(RepoPaths.Sql).Models)
        {
            foreach (var reference in model.References)
            {
                Assert.True(rank[reference.Split('.')[0]] <= rank[model.Layer], $"{model.QualifiedName} references {reference}");
            }

            if (model.Layer == "staging")
            {
                Assert.All(model.References, r => Assert.StartsWith("raw.", r, StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void References_are_found_outside_comments_only()
    {
        var references = ModelCatalog.FindReferences("-- core.ignored\nselect * from core.dim_dates join staging.stg_x using (id) /* mart.nope */");

        Assert.Equal(["core.dim_dates", "staging.stg_x"], references);
    }

    [Fact]
    public void A_cycle_is_reported_with_its_path()
    {
        using var dir = new TempDirectory();
        var core = dir.Sub("core");
        File.WriteAllText(Path.Combine(core, "a.sql"), "select * from core.b");
        File.WriteAllText(Path.Combine(core, "b.sql"), "select * from core.a");

        var error = Assert.Throws<WarehouseException>(() => ModelCatalog.Load(dir.Path));

        Assert.Contains("core.a -> core.b -> core.a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_reference_names_the_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Sub("mart"), "m.sql"), "select * from core.missing");

        var error = Assert.Throws<WarehouseException>(() => ModelCatalog.Load(dir.Path));

        Assert.Contains("m.sql", error.Message, StringComparison.Ordinal);
        Assert.Contains("core.missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_rewriting_touches_model_references_only()
    {
        var models = new[] { new Model("core", "dim_dates", "x", "", []) };

        var sql = SqlRewriter.ForBuild(models, 7).Rewrite("select * from core.dim_dates join raw.ad_spend on 1 = 1 join core.other on 1 = 1");

        Assert.Equal("select * from core__b0007.dim_dates join raw.ad_spend on 1 = 1 join core.other on 1 = 1", sql);
    }
}
