namespace GtmMart.Warehouse.Building;

/// <summary>
/// Where a build's time went, step by step (fingerprints, change set, each model, data tests, unmapped-value scan,
/// freshness, publish), in the order the steps ran: what <c>gtm build --timings</c> prints.
/// </summary>
public sealed class BuildTimings
{
    private readonly List<BuildStep> steps = [];

    public IReadOnlyList<BuildStep> Steps => steps;

    /// <summary>Runs <paramref name="action"/> and records its time under <paramref name="step"/>.</summary>
    public T Time<T>(string step, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var clock = StepClock.Start();
        try
        {
            return action();
        }
        finally
        {
            steps.Add(new BuildStep(step, clock.Wall) { Cpu = clock.Cpu });
        }
    }

    public void Time(string step, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Time(step, () =>
        {
            action();
            return 0;
        });
    }

    public void Add(string step, TimeSpan elapsed, TimeSpan cpu) => steps.Add(new BuildStep(step, elapsed) { Cpu = cpu });

    /// <summary>Records the data tests' time per model they test (<c>tests of core.fct_web_sessions</c>), in the order they ran.</summary>
    public void AddTests(IEnumerable<Testing.DataTestResult> tests)
    {
        foreach (var model in tests.GroupBy(t => t.Test.Model, StringComparer.Ordinal))
        {
            steps.Add(new BuildStep($"tests of {model.Key}", TimeSpan.FromTicks(model.Sum(t => t.Elapsed.Ticks))) { Cpu = TimeSpan.FromTicks(model.Sum(t => t.Cpu.Ticks)) });
        }
    }
}

/// <summary>One step of a build and how long it took: wall time, and the process's CPU time (every thread, DuckDB's too) over it.</summary>
public sealed record BuildStep(string Name, TimeSpan Elapsed)
{
    public TimeSpan Cpu { get; init; }
}
