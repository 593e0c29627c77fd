using GtmMart.Cli.Commands;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Server.Services;
using GtmMart.Serving;
using GtmMart.Tests.Opportunity;
using GtmMart.Tests.Serving;
using GtmMart.Tests.Support;
using GtmMart.Training.Opportunity;
using GtmMart.Warehouse.Connection;
using Xunit.Abstractions;

namespace GtmMart.Tests.FeatureContract;

/// <summary>
/// The opportunity feature catalog is the one contract: the InlineOpportunity message and the columns of
/// mart.mrt_opportunity_features must be the catalog's, and a feature added to a catalog flows through the row, the
/// readers, ML.NET, training, the featurizer, the reasons, the proto mapping, validation and the CLI options with no
/// other edit.
/// </summary>
public sealed class FeatureCatalogTests(ITestOutputHelper output)
{
    /// <summary>A test's catalog: four of the product's features in three families.</summary>
    private static readonly OpportunityFeatureCatalog Small = new(
        [new("deal_size", "Deal size"), new("channel", "Channel"), new("web_engagement", "Web engagement")],
        [.. ((string[])["amount_usd", "channel", "sessions_30d", "days_since_last_session"]).Select(n => OpportunityFeatureCatalog.Default[n])]);

    /// <summary>The test's catalog plus one feature in a family of its own, as a developer would add it.</summary>
    private static readonly OpportunityFeatureCatalog WithWebinars = Small.With(
        [new FeatureFamily("events", "Events")],
        [new OpportunityFeature("webinar_attendances_90d", FeatureKind.Numeric, "events",
            FeaturePhrasing.Count("webinar attended", "webinars attended", "in the last 90 days"),
            "Webinars attended by the account's contacts in the last 90 days")]);

    [Fact]
    public void InlineOpportunity_carries_exactly_the_catalog()
    {
        Assert.Empty(InlineMapping.Problems(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor));

        // The check can fail: a message with a field the catalog lacks, a catalog with a feature the message lacks.
        Assert.Empty(InlineMapping.Problems(WithWebinars, InlineOpportunityWithWebinars.Descriptor));
        Assert.Equal(["field webinar_attendances_90d is not a feature of the catalog"], InlineMapping.Problems(Small, InlineOpportunityWithWebinars.Descriptor));
        Assert.Contains("feature webinar_attendances_90d has no field webinar_attendances_90d", InlineMapping.Problems(WithWebinars, InlineOpportunity.Descriptor));
        var floatMoney = new OpportunityFeatureCatalog(Small.Families, [.. Small.Features.Select(f => f.Name == "amount_usd" ? f with { Wire = WireUnit.Number } : f)]);
        Assert.Equal(["feature amount_usd has no field amount_usd", "field amount_usd_cents is not a feature of the catalog"],
            InlineMapping.Problems(floatMoney, InlineOpportunity.Descriptor).Where(p => p.Contains("amount_usd", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_families_in_the_docs_are_the_catalogs()
    {
        var table = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "FEATURES.md"))
            .SkipWhile(l => l != "## Families").Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .ToDictionary(c => c[1].Trim('`'), c => c[2].Split(", ").Order(StringComparer.Ordinal).ToArray());
        var catalog = OpportunityFeatureCatalog.Default;
        Assert.Equal(catalog.Families.Select(f => f.Id), table.Keys);
        Assert.All(catalog.Families, f => Assert.Equal(catalog.FamilyFeatures[f.Id].Select(x => x.Name).Order(StringComparer.Ordinal), table[f.Id]));
    }

    [Fact]
    public void A_catalog_that_contradicts_itself_is_refused_with_the_reason()
    {
        var catalog = OpportunityFeatureCatalog.Default;
        var twice = Assert.Throws<ArgumentException>(() => catalog.With([], [catalog["channel"]]));
        Assert.Contains("'channel' twice", twice.Message, StringComparison.Ordinal);
        var noFamily = Assert.Throws<ArgumentException>(() => catalog.With([], [catalog["channel"] with { Name = "channel_2", Family = "nowhere" }]));
        Assert.Contains("family 'nowhere'", noFamily.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_added_to_a_test_catalog_needs_no_other_edit()
    {
        const string Webinars = "webinar_attendances_90d";
        var rows = Rows(WithWebinars, 2_000, seed: 3);

        // The row, its readers and ML.NET's schema.
        Assert.Contains(RowLayouts.Opportunity(WithWebinars).Columns, c => c is NumberColumn<OpportunityFeatureRow> { Name: Webinars });
        Assert.Equal(Microsoft.ML.Data.NumberDataViewType.Single, OpportunityDataView.Schema(WithWebinars)[Webinars].Type);
        using (var db = new TestWarehouse())
        {
            var read = ReadBack(db, WithWebinars, rows.Take(3).ToList());
            Assert.Equal(rows.Take(3).Select(r => r[Webinars].Number), read.Select(r => r[Webinars].Number));
            Assert.Equal(rows.Take(3).Select(r => r["channel"].Text), read.Select(r => r["channel"].Text));
            Assert.Equal(rows.Take(3).Select(r => r["sessions_30d"].Number), read.Select(r => r["sessions_30d"].Number));
        }

        // Training (screening, featurizer spec) and scoring (featurizer in process, reasons) take it.
        var options = new OpportunityTrainingOptions
        {
            Algorithm = OpportunityModelMetadata.LogisticRegression,
            Folds = 2,
            NumericFeatures = OpportunityTrainingOptions.DefaultFeatures(WithWebinars, FeatureKind.Numeric),
            CategoricalFeatures = OpportunityTrainingOptions.DefaultFeatures(WithWebinars, FeatureKind.Categorical),
        };
        var trained = OpportunityModelTrainer.Train(rows, options);
        Assert.Contains(Webinars, trained.FeaturesUsed);
        Assert.Contains(Webinars, trained.Metadata.TypicalDeal!.Numbers.Keys);
        using var scorer = trained.CreateScorer();
        Assert.True(scorer.FeaturizesInProcess);
        var keen = rows.First(r => r[Webinars].Number >= 3);
        var score = scorer.Score(keen);
        output.WriteLine(string.Join(" | ", score.TopPositive.Select(f => $"{f.Family}: {f.Text}")));
        var events = Assert.Single(score.TopPositive, f => f.Family == "events");
        Assert.Equal(Webinars, events.Feature);
        var typical = trained.Metadata.TypicalDeal!.Numbers[Webinars]!.Value;
        Assert.Equal($"{keen[Webinars].Number:0} webinars attended in the last 90 days (typical deal: {typical:0})", events.Text);

        // The proto mapping and validation.
        var mapping = new InlineMapping(WithWebinars, InlineOpportunityWithWebinars.Descriptor);
        var message = new InlineOpportunityWithWebinars { Channel = "Partner", WebinarAttendances90D = 3 };
        var row = mapping.ToRow(message);
        Assert.Equal(3f, row[Webinars].Number);
        Assert.True(float.IsNaN(row["sessions_30d"].Number));
        Assert.Equal("Partner", row["channel"].Text);
        var violations = new Violations();
        mapping.Validate(new InlineOpportunityWithWebinars { WebinarAttendances90D = -1 }, violations);
        Assert.Equal("webinar_attendances_90d: must not be negative", violations.ToString());
        Assert.Equal(scorer.Score(row).Probability, scorer.Score(mapping.ToRow(message)).Probability);

        // The command-line options.
        var parsed = (InlineOpportunityWithWebinars)InlineOptions.Parse(WithWebinars, InlineOpportunityWithWebinars.Descriptor,
            [("--webinar-attendances-90d", "3"), ("--channel", "Partner"), ("--amount-usd", "25000.50")]);
        Assert.Equal(3f, parsed.WebinarAttendances90D);
        Assert.Equal("Partner", parsed.Channel);
        Assert.Equal(2_500_050L, parsed.AmountUsdCents);
        Assert.Equal(message.WebinarAttendances90D, parsed.WebinarAttendances90D);
    }

    [Fact]
    public void Command_line_options_refuse_what_the_catalog_does_not_declare()
    {
        var unknown = Assert.Throws<ArgumentException>(() => InlineOptions.Parse(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor, [("--webinar-attendances-90d", "3")]));
        Assert.StartsWith("unknown option --webinar-attendances-90d", unknown.Message, StringComparison.Ordinal);
        var cents = Assert.Throws<ArgumentException>(() => InlineOptions.Parse(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor, [("--amount-usd", "1.005")]));
        Assert.Contains("more than two decimals", cents.Message, StringComparison.Ordinal);
        var number = Assert.Throws<ArgumentException>(() => InlineOptions.Parse(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor, [("--sessions-30d", "many")]));
        Assert.Equal("--sessions-30d: 'many' is not a number", number.Message);
        var twice = Assert.Throws<ArgumentException>(() => InlineOptions.Parse(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor, [("--channel", "A"), ("--channel", "B")]));
        Assert.Equal("--channel is given twice", twice.Message);
    }

    /// <summary>Synthetic deals on <paramref name="catalog"/>, with webinars attended more often by the deals that were won.</summary>
    private static List<OpportunityFeatureRow> Rows(OpportunityFeatureCatalog catalog, int count, int seed)
    {
        var rng = new Random(seed);
        return [.. SyntheticOpportunities.Generate(count, seed).Select(d =>
        {
            var row = new OpportunityFeatureRow(catalog)
            {
                OpportunityId = d.Row.OpportunityId,
                AccountId = d.Row.AccountId,
                CreatedDate = d.Row.CreatedDate,
                Label = d.Row.Label,
                IsClosed = d.Row.IsClosed,
            };
            foreach (var f in catalog.Features.Where(f => OpportunityFeatureCatalog.Default.Contains(f.Name)))
            {
                row[f.Name] = d.Row[f.Name];
            }

            row["webinar_attendances_90d"] = rng.Next(d.Row.Label ? 5 : 2);
            return row;
        })];
    }

    /// <summary><paramref name="rows"/> written to a DuckDB table with the catalog's columns and read back as the server reads the mart.</summary>
    private static List<OpportunityFeatureRow> ReadBack(TestWarehouse db, OpportunityFeatureCatalog catalog, List<OpportunityFeatureRow> rows)
    {
        var layout = RowLayouts.Opportunity(catalog);
        using var connection = db.Warehouse.Open();
        var selects = rows.Select((r, i) => "select " + string.Join(", ", layout.Columns.Select(c => c switch
        {
            NumberColumn<OpportunityFeatureRow> => float.IsNaN(r[c.Name].Number) ? "null::double" : $"{r[c.Name].Number.ToString(System.Globalization.CultureInfo.InvariantCulture)}::double",
            TextColumn<OpportunityFeatureRow> when catalog.Contains(c.Name) => $"'{r[c.Name].Text}'",
            TextColumn<OpportunityFeatureRow> => $"'{(c.Name == "opportunity_id" ? r.OpportunityId : r.AccountId)}'",
            FlagColumn<OpportunityFeatureRow> => c.Name == "label_won" ? (r.Label ? "1" : "0") : (r.IsClosed ? "true" : "false"),
            _ => $"date '2025-01-0{i + 1}'",
        } + " as " + c.Name)));
        connection.Execute("create table features as " + string.Join(" union all ", selects));
        using var command = connection.Command("select * from features order by opportunity_id");
        using var reader = command.ExecuteReader();
        return FeatureRowReader.ReadAll(reader, "features", layout);
    }
}

/// <summary>The catalog against the mart the product builds (the serving fixture's published build).</summary>
[Collection(ServingTestGroup.Name)]
public sealed class FeatureCatalogMartTests(ServingFixture fixture)
{
    [Fact]
    public void The_mart_has_exactly_the_catalogs_columns_with_their_types()
    {
        var columns = fixture.Db.Rows(
            "select column_name, data_type from information_schema.columns where table_schema = 'mart' and table_name = 'mrt_opportunity_features'")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
        Assert.NotEmpty(columns);
        Assert.Empty(Problems(OpportunityFeatureCatalog.Default, columns));

        // A catalog feature the SQL does not build is named.
        var extra = OpportunityFeatureCatalog.Default.With([], [OpportunityFeatureCatalog.Default["sessions_7d"] with { Name = "sessions_14d" }]);
        Assert.Equal(["catalog feature sessions_14d is not a column of mart.mrt_opportunity_features"], Problems(extra, columns));
    }

    /// <summary>Every catalog feature a column of its type (DOUBLE numeric, VARCHAR categorical); every column a feature, a key column or a column rows do not read.</summary>
    private static List<string> Problems(OpportunityFeatureCatalog catalog, Dictionary<string, string> columns)
    {
        var problems = new List<string>();
        foreach (var f in catalog.Features)
        {
            var expected = f.Kind == FeatureKind.Numeric ? "DOUBLE" : "VARCHAR";
            if (!columns.TryGetValue(f.Name, out var type))
            {
                problems.Add($"catalog feature {f.Name} is not a column of {FeatureStore.OpportunityTable}");
            }
            else if (type != expected)
            {
                problems.Add($"column {f.Name} is {type}, the catalog says {expected}");
            }
        }

        var known = catalog.Features.Select(f => f.Name).Concat(OpportunityFeatureCatalog.KeyColumns).Concat(OpportunityFeatureCatalog.UnreadMartColumns).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(columns.Keys.Where(c => !known.Contains(c)).Select(c => $"column {c} of {FeatureStore.OpportunityTable} is not in the catalog"));
        return problems;
    }
}
