using GtmMart.Scoring.Features;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace GtmMart.Tests.Opportunity;

/// <summary>
/// The catalog-driven row gives ML.NET exactly what the typed row class with <c>[ColumnName]</c> attributes gave: the
/// same schema, the same featurized vectors bit for bit, so the same model scores the same probabilities. The typed
/// class below is the row as it was declared before the catalog (today's features), used as ML.NET's own reference.
/// </summary>
public sealed class SameScoresTests
{
    private static readonly MLContext Ml = new(seed: 0);

    [Fact]
    public void The_catalog_schema_is_the_typed_rows()
    {
        var typed = Ml.Data.LoadFromEnumerable(Array.Empty<TypedRow>()).Schema;
        var catalog = OpportunityDataView.Schema(OpportunityFeatureCatalog.Default);
        Assert.Equal(typed.Select(c => (c.Name, c.Type.ToString())), catalog.Select(c => (c.Name, c.Type.ToString())));
    }

    [Theory]
    [InlineData(OpportunityModelMetadata.LogisticRegression)]
    [InlineData(OpportunityModelMetadata.LightGbm)]
    [InlineData(OpportunityModelMetadata.FastTree)]
    public void A_model_scores_catalog_rows_as_ml_net_scores_the_typed_rows_bit_for_bit(string algorithm)
    {
        var rows = SyntheticOpportunities.Generate(2_500, seed: 17).Select(d => d.Row).ToList();
        var trained = OpportunityModelTrainer.Train(rows, new OpportunityTrainingOptions { Algorithm = algorithm, Folds = 2, Boosting = new BoostingSettings { NumberOfTrees = 40 } });
        using var scorer = trained.CreateScorer();
        using var mlNetFeaturized = OpportunityScorer.WithMlNetFeaturizer(trained.Model, trained.Metadata);
        Assert.True(scorer.FeaturizesInProcess);
        Assert.False(mlNetFeaturized.FeaturizesInProcess);

        // ML.NET's featurizer on the typed rows: the vectors the scorer's head scores.
        var featurizer = new TransformerChain<ITransformer>([.. ((IEnumerable<ITransformer>)trained.Model).TakeWhile(t => t is not ISingleFeaturePredictionTransformer<object>)]);
        var typed = rows.Select(TypedRow.Of).ToList();
        var vectors = featurizer.Transform(Ml.Data.LoadFromEnumerable(typed)).GetColumn<VBuffer<float>>(OpportunityFeatureColumns.Features).Select(v => v.DenseValues().ToArray()).ToList();
        var compiled = OpportunityFeaturizer.TryCreate(Ml, featurizer, OpportunityFeatureCatalog.Default)!;
        var ours = new float[compiled.Slots];
        var probabilities = trained.Model.Transform(Ml.Data.LoadFromEnumerable(typed)).GetColumn<float>(OpportunityFeatureColumns.Probability).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            compiled.Featurize(rows[i], ours);
            Assert.True(vectors[i].AsSpan().SequenceEqual(ours), $"row {i}: the featurized vector differs");
            var score = scorer.Score(rows[i]);
            Assert.Equal(mlNetFeaturized.Score(rows[i]).Probability, score.Probability);
            Assert.Equal(probabilities[i], score.Probability, 1e-6);
        }
    }

    /// <summary>The opportunity row as a typed class, as it was declared before the feature catalog.</summary>
    private sealed class TypedRow
    {
        [ColumnName("opportunity_id")] public string OpportunityId { get; set; } = "";
        [ColumnName("account_id")] public string AccountId { get; set; } = "";
        [ColumnName("created_date")] public DateTime CreatedDate { get; set; }
        [ColumnName("label_won")] public bool Label { get; set; }
        [ColumnName("is_closed")] public bool IsClosed { get; set; }
        [ColumnName("amount_usd")] public float AmountUsd { get; set; }
        [ColumnName("channel")] public string Channel { get; set; } = "";
        [ColumnName("is_paid_media")] public float IsPaidMedia { get; set; }
        [ColumnName("owner_region")] public string OwnerRegion { get; set; } = "";
        [ColumnName("owner_id")] public string OwnerId { get; set; } = "";
        [ColumnName("industry")] public string Industry { get; set; } = "";
        [ColumnName("employee_band")] public string EmployeeBand { get; set; } = "";
        [ColumnName("employee_count")] public float EmployeeCount { get; set; }
        [ColumnName("annual_revenue_usd")] public float AnnualRevenueUsd { get; set; }
        [ColumnName("account_region")] public string AccountRegion { get; set; } = "";
        [ColumnName("prior_opportunities")] public float PriorOpportunities { get; set; }
        [ColumnName("prior_won")] public float PriorWon { get; set; }
        [ColumnName("prior_lost")] public float PriorLost { get; set; }
        [ColumnName("sessions_7d")] public float Sessions7d { get; set; }
        [ColumnName("sessions_30d")] public float Sessions30d { get; set; }
        [ColumnName("sessions_90d")] public float Sessions90d { get; set; }
        [ColumnName("pageviews_30d")] public float Pageviews30d { get; set; }
        [ColumnName("pageviews_90d")] public float Pageviews90d { get; set; }
        [ColumnName("form_submissions_30d")] public float FormSubmissions30d { get; set; }
        [ColumnName("form_submissions_90d")] public float FormSubmissions90d { get; set; }
        [ColumnName("pricing_visits_30d")] public float PricingVisits30d { get; set; }
        [ColumnName("demo_visits_30d")] public float DemoVisits30d { get; set; }
        [ColumnName("enterprise_visits_30d")] public float EnterpriseVisits30d { get; set; }
        [ColumnName("pricing_visits_90d")] public float PricingVisits90d { get; set; }
        [ColumnName("demo_visits_90d")] public float DemoVisits90d { get; set; }
        [ColumnName("enterprise_visits_90d")] public float EnterpriseVisits90d { get; set; }
        [ColumnName("senior_sessions_30d")] public float SeniorSessions30d { get; set; }
        [ColumnName("senior_sessions_90d")] public float SeniorSessions90d { get; set; }
        [ColumnName("engaged_contacts_90d")] public float EngagedContacts90d { get; set; }
        [ColumnName("senior_engaged_contacts_90d")] public float SeniorEngagedContacts90d { get; set; }
        [ColumnName("days_since_last_session")] public float DaysSinceLastSession { get; set; }

        /// <summary>The typed row of a catalog row, every property set by its column name.</summary>
        public static TypedRow Of(OpportunityFeatureRow row)
        {
            var typed = new TypedRow { OpportunityId = row.OpportunityId, AccountId = row.AccountId, CreatedDate = row.CreatedDate, Label = row.Label, IsClosed = row.IsClosed };
            foreach (var property in typeof(TypedRow).GetProperties())
            {
                var column = (string)property.GetCustomAttributesData().Single(a => a.AttributeType == typeof(ColumnNameAttribute)).ConstructorArguments[0].Value!;
                if (OpportunityFeatureCatalog.Default.Contains(column))
                {
                    property.SetValue(typed, row[column].IsText ? row[column].Text : row[column].Number);
                }
            }

            return typed;
        }
    }
}
