namespace GtmMart.DemoData.Writers;

/// <summary>Reports progress of one source every <see cref="Interval"/> rows and checks for cancellation.</summary>
internal sealed class ProgressTracker(IProgress<GeneratorProgress>? progress, string source, long planned, CancellationToken ct)
{
    public const long Interval = 100_000;
    private long _nextReport = Interval;

    public string Source => source;

    /// <summary>Call after each row; cheap unless a report or a cancellation check is due.</summary>
    public void Row(long rowsWritten)
    {
        if ((rowsWritten & 0xFFF) == 0)
        {
            ct.ThrowIfCancellationRequested();
        }

        if (rowsWritten >= _nextReport)
        {
            _nextReport += Interval;
            progress?.Report(new GeneratorProgress(source, rowsWritten, planned));
        }
    }

    public void Complete(long rowsWritten)
    {
        ct.ThrowIfCancellationRequested();
        progress?.Report(new GeneratorProgress(source, rowsWritten, planned));
    }
}
