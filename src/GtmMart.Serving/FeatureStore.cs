using System.Collections.Frozen;
using GtmMart.Scoring.Features;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving;

/// <summary>
/// An immutable in-memory snapshot of the published feature marts (<c>mart.mrt_opportunity_features</c> and
/// <c>mart.mrt_account_features</c>), read in one transaction so both tables and <see cref="BuildId"/> belong to the
/// same published build. Lookups are dictionary reads, safe from any number of threads. Refresh by loading a new
/// store and swapping the reference (see <see cref="ServingState.RefreshFeatures"/>).
/// </summary>
public sealed class FeatureStore
{
    public const string OpportunityTable = "mart.mrt_opportunity_features";
    public const string AccountTable = "mart.mrt_account_features";

    private readonly FrozenDictionary<string, OpportunityFeatureRow> opportunitiesById;
    private readonly FrozenDictionary<string, AccountFeatureRow> accountsById;
    private readonly FrozenDictionary<string, IReadOnlyList<OpportunityFeatureRow>> opportunitiesByAccount;
    private readonly FrozenDictionary<string, long> amountCents;
    private readonly FrozenDictionary<string, long> openPipelineCents;

    private FeatureStore(
        long? buildId,
        DateTime loadedAtUtc,
        IReadOnlyList<OpportunityFeatureRow> opportunities,
        IReadOnlyList<AccountFeatureRow> accounts,
        IReadOnlyDictionary<string, long>? amountUsdCents = null,
        IReadOnlyDictionary<string, long>? openPipelineUsdCents = null)
    {
        BuildId = buildId;
        LoadedAtUtc = loadedAtUtc;
        Opportunities = opportunities;
        Accounts = accounts;
        OpenOpportunities = opportunities.Where(o => !o.IsClosed).ToList();
        opportunitiesById = opportunities.ToFrozenDictionary(o => o.OpportunityId, StringComparer.Ordinal);
        accountsById = accounts.ToFrozenDictionary(a => a.AccountId, StringComparer.Ordinal);
        opportunitiesByAccount = opportunities
            .GroupBy(o => o.AccountId, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<OpportunityFeatureRow>)g.ToList(), StringComparer.Ordinal);

        // Money exactly, in cents: the rows hold it as float (a feature), which loses cents above about $131k.
        amountCents = (amountUsdCents ?? opportunities.ToDictionary(o => o.OpportunityId, o => Cents(o["amount_usd"].Number), StringComparer.Ordinal))
            .ToFrozenDictionary(StringComparer.Ordinal);
        openPipelineCents = (openPipelineUsdCents ?? accounts.ToDictionary(a => a.AccountId, a => Cents(a.OpenPipelineUsd), StringComparer.Ordinal))
            .ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The published build the features were read from.</summary>
    public long? BuildId { get; }

    public DateTime LoadedAtUtc { get; }

    /// <summary>Every opportunity, open and closed, ordered by created date then id.</summary>
    public IReadOnlyList<OpportunityFeatureRow> Opportunities { get; }

    /// <summary>The opportunities still open (not closed won or lost): what the write-back scores.</summary>
    public IReadOnlyList<OpportunityFeatureRow> OpenOpportunities { get; }

    /// <summary>Every account, ordered by id.</summary>
    public IReadOnlyList<AccountFeatureRow> Accounts { get; }

    /// <summary>Reads both feature marts of the published build.</summary>
    public static FeatureStore Load(IWarehouse warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);

        // The connection (and so DuckDB's file lock) is held only for this read.
        using var connection = warehouse.Open();
        return connection.InTransaction(_ =>
        {
            var buildId = BuildMetadata.PublishedBuild(connection)
                ?? throw new ServingException($"no published mart in {warehouse.DisplayName}: run gtm build first");
            var opportunities = Read(connection, OpportunityTable, "created_date, opportunity_id", RowLayouts.Opportunity(OpportunityFeatureCatalog.Default));
            var accounts = Read(connection, AccountTable, "account_id", RowLayouts.FromAttributes<AccountFeatureRow>());
            var amounts = ReadCents(connection, OpportunityTable, "opportunity_id", "amount_usd");
            var pipelines = ReadCents(connection, AccountTable, "account_id", "open_pipeline_usd");
            return new FeatureStore(buildId, DateTime.UtcNow, opportunities, accounts, amounts, pipelines);
        });
    }

    /// <summary>A store over rows already in memory (tests, benchmarks).</summary>
    internal static FeatureStore Create(long? buildId, IReadOnlyList<OpportunityFeatureRow> opportunities, IReadOnlyList<AccountFeatureRow> accounts) =>
        new(buildId, DateTime.UtcNow, opportunities, accounts);

    /// <summary>The opportunity's amount in exact US cents (0 for an unknown id).</summary>
    public long AmountUsdCents(string opportunityId) => amountCents.GetValueOrDefault(opportunityId);

    /// <summary>The account's open pipeline (mrt_account_features.open_pipeline_usd) in exact US cents (0 for an unknown id).</summary>
    public long OpenPipelineUsdCents(string accountId) => openPipelineCents.GetValueOrDefault(accountId);

    /// <summary>Any opportunity (open or closed) by id.</summary>
    public bool TryGetOpportunity(string id, out OpportunityFeatureRow row) =>
        opportunitiesById.TryGetValue(id, out row!);

    public bool TryGetAccount(string id, out AccountFeatureRow row) =>
        accountsById.TryGetValue(id, out row!);

    /// <summary>The account's opportunities, open and closed, ordered by created date; empty for an unknown account.</summary>
    public IReadOnlyList<OpportunityFeatureRow> OpportunitiesOfAccount(string accountId) =>
        opportunitiesByAccount.TryGetValue(accountId, out var list) ? list : [];

    /// <summary>
    /// A money column by key, in exact cents: the mart keeps money as decimal(18, 2) in core and as double in the
    /// feature marts, which holds every cent exactly below 2^53 cents; rounding to the cent undoes the binary fraction.
    /// </summary>
    private static Dictionary<string, long> ReadCents(System.Data.Common.DbConnection connection, string table, string key, string column)
    {
        try
        {
            using var command = connection.Command($"select {key}, {column} from {table}");
            using var reader = command.ExecuteReader();
            var cents = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                cents[reader.GetString(0)] = reader.IsDBNull(1) ? 0 : Cents(Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
            }

            return cents;
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new ServingException($"cannot read {table}.{column}: {ex.Message.Split('\n')[0]}", ex);
        }
    }

    /// <summary>Exact US cents of a dollar amount (0 when not a finite number).</summary>
    public static long Cents(double usd) => double.IsFinite(usd) ? (long)Math.Round(usd * 100, MidpointRounding.AwayFromZero) : 0;

    private static List<T> Read<T>(System.Data.Common.DbConnection connection, string table, string orderBy, RowLayout<T> layout)
    {
        try
        {
            using var command = connection.Command($"select * from {table} order by {orderBy}");
            using var reader = command.ExecuteReader();
            return FeatureRowReader.ReadAll(reader, table, layout);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new ServingException($"cannot read {table}: {ex.Message.Split('\n')[0]}", ex);
        }
    }
}
