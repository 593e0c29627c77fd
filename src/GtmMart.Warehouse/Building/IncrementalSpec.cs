namespace GtmMart.Warehouse.Building;

/// <summary>
/// How a model is rebuilt incrementally, declared beside it in <c>_models.yml</c>:
/// <code>incremental: { by: date_day, lookback_days: 29, inputs: { core.fct_web_sessions: date_day, ... } }</code>.
/// <paramref name="By"/> is the output column whose values are rebuilt: a day column (rows of the changed days, and of
/// the <paramref name="LookbackDays"/> days after each, since a row reads that many days back) or <c>account_id</c>
/// (every row of an account with any change), or, with <c>grain: month</c>, a month column (first day of the month:
/// rows of the months holding a changed day or one of the <paramref name="LookbackDays"/> days after it, each month
/// computed again from its own month's inputs). <paramref name="Inputs"/> names, for each model the SQL reads that is
/// large, the column to filter it by, so only the inputs those rows need are read; inputs not named are read whole.
/// </summary>
public sealed record IncrementalSpec(string By, int LookbackDays, IReadOnlyDictionary<string, string> Inputs)
{
    public bool ByAccount => By == "account_id";

    /// <summary>Whether <see cref="By"/> is a month (<c>grain: month</c>): a row reads only its own month's inputs.</summary>
    public bool ByMonth => Grain == "month";

    /// <summary><c>day</c> (the default) or <c>month</c>.</summary>
    public string Grain { get; init; } = "day";

    /// <summary>
    /// Inputs whose rows are the model's own rows (<c>keyed_inputs:</c>, e.g. the opportunities of an opportunity's
    /// touches): filtered by their column to the rebuilt keys themselves, not to the wider window the lookback reads.
    /// </summary>
    public IReadOnlyDictionary<string, string> KeyedInputs { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// <c>month</c> or <c>week</c> (<c>batch:</c>): a full refresh writes the table in runs of such ranges of <see cref="By"/>,
    /// as many per statement as the memory budget takes, each from its inputs filtered as an incremental rebuild of that
    /// run filters them (<see cref="BatchedRefresh"/>), for a model too large to compute in one statement at scale; null:
    /// always one statement.
    /// </summary>
    public string? Batch { get; init; }
}
