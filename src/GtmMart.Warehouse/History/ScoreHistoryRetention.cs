using System.Globalization;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Warehouse.History;

/// <summary>
/// How much score history a write-back keeps: the newest <see cref="Runs"/> runs and/or the runs of the last
/// <see cref="Days"/> days (a run goes when either limit drops it); both null keeps every run (the default).
/// Set with <c>gtm score --keep-runs N --keep-days D</c>, or for every command and the server with
/// <c>GTM_SCORE_HISTORY_RUNS</c> / <c>GTM_SCORE_HISTORY_DAYS</c>.
/// </summary>
public sealed record ScoreHistoryRetention(int? Runs, int? Days)
{
    public const string RunsVariable = "GTM_SCORE_HISTORY_RUNS";
    public const string DaysVariable = "GTM_SCORE_HISTORY_DAYS";

    public static ScoreHistoryRetention KeepAll { get; } = new(null, null);

    /// <summary>From the environment; a value that is not a whole number of at least 1 fails with one line naming the variable.</summary>
    public static ScoreHistoryRetention FromEnvironment() =>
        new(Positive(RunsVariable, Environment.GetEnvironmentVariable(RunsVariable)), Positive(DaysVariable, Environment.GetEnvironmentVariable(DaysVariable)));

    /// <summary>The options given, each falling back to its environment variable.</summary>
    public ScoreHistoryRetention Or(ScoreHistoryRetention fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new(Runs ?? fallback.Runs, Days ?? fallback.Days);
    }

    public void Validate()
    {
        if (Runs is < 1 || Days is < 1)
        {
            throw new WarehouseException($"score history retention must keep at least 1 run and 1 day (got runs {Runs?.ToString(CultureInfo.InvariantCulture) ?? "all"}, days {Days?.ToString(CultureInfo.InvariantCulture) ?? "all"}).");
        }
    }

    public override string ToString() =>
        Runs is null && Days is null ? "every run"
        : string.Join(" and ", new[] { Runs is { } r ? $"the newest {r} run(s)" : null, Days is { } d ? $"the last {d} day(s)" : null }.OfType<string>());

    private static int? Positive(string variable, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new WarehouseException($"{variable}={value}: expected a whole number of at least 1.");
    }
}
