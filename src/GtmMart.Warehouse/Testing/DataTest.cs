namespace GtmMart.Warehouse.Testing;

/// <summary>
/// One data test on one model. <see cref="FailingRowsSql"/> selects the rows that break it (none = pass); it
/// references models as <c>layer.model</c>, so it runs against the published mart or, rewritten, against a build.
/// A row-level test (not_null, accepted_values, expression) also has <see cref="FailingRowPredicate"/>: the condition
/// a row of <see cref="Model"/> meets exactly when it breaks the test, so the runner can screen all of a model's
/// row-level tests in one scan.
/// </summary>
public sealed record DataTest(string Model, string Kind, string? Column, string Name, string FailingRowsSql, string DeclaredIn, string? FailingRowPredicate = null)
{
    /// <summary>The columns whose values the test compares across rows (unique, primary_key, group expressions); empty otherwise.</summary>
    public IReadOnlyList<string> KeyColumns { get; init; } = [];

    /// <summary>
    /// For a test over groups of <see cref="KeyColumns"/> (unique, primary_key, group expressions): the condition a group meets
    /// exactly when it breaks the test, so the runner can screen several tests of the same groups in one aggregation.
    /// </summary>
    public string? FailingGroupPredicate { get; init; }

    /// <summary>For a relationships test, the parent model and field the column must be found in.</summary>
    public (string Model, string Field)? Parent { get; init; }
}

public sealed record DataTestResult(DataTest Test, long FailingRows, IReadOnlyList<string> ColumnNames, IReadOnlyList<IReadOnlyList<string?>> Sample)
{
    public bool Passed => FailingRows == 0;

    /// <summary>How long the test took (a model's shared screening scan counted with its first test).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The process's CPU time over the test (its model's screening scans counted with its first test, like <see cref="Elapsed"/>).</summary>
    public TimeSpan Cpu { get; init; }
}
