using GtmMart.Scoring.Opportunity;

namespace GtmMart.Serving;

/// <summary>The rows the write-back appends, made from the scores a chunk at a time on pool threads.</summary>
public sealed partial class ScoreWriteBack
{
    /// <summary>
    /// The family contributions of the run's opportunity reasons, one row per opportunity and family
    /// (history.score_factors), made in chunks on pool threads like the score rows.
    /// </summary>
    private static IEnumerable<object?[]> FactorRows(string runId, IReadOnlyList<OpportunityScore> scores) =>
        Rows(scores, (_, s, rows) => AddFactorRows(runId, s, rows));

    /// <summary>
    /// One row per family among the score's reasons (positive, then negative), in the order each family first appears,
    /// its contributions summed in that order from 0 (a few reasons per score: a scan of this score's rows, no grouping).
    /// </summary>
    private static void AddFactorRows(string runId, OpportunityScore score, List<object?[]> rows)
    {
        var first = rows.Count;
        void Add(OpportunityFactor factor)
        {
            for (var i = first; i < rows.Count; i++)
            {
                if (string.Equals((string)rows[i][3]!, factor.Family, StringComparison.Ordinal))
                {
                    rows[i][4] = (double)rows[i][4]! + factor.Contribution;
                    return;
                }
            }

            rows.Add([runId, "opportunity", score.OpportunityId, factor.Family, 0d + factor.Contribution]);
        }

        foreach (var factor in score.TopPositive)
        {
            Add(factor);
        }

        foreach (var factor in score.TopNegative)
        {
            Add(factor);
        }
    }

    /// <summary>
    /// The rows to write, in score order, made a chunk at a time on pool threads, up to one chunk per core ahead of
    /// the writer (the factor JSON is most of the work; each chunk has its own JSON writer), so making rows and
    /// appending them overlap, and a large run's rows and their JSON text are never all in memory at once.
    /// </summary>
    private static IEnumerable<object?[]> Rows<T>(IReadOnlyList<T> scores, Func<FactorJsonWriter, T, object?[]> row) =>
        Rows(scores, (json, score, rows) => rows.Add(row(json, score)));

    /// <summary>As above, with any number of rows per score (<paramref name="emit"/> adds them).</summary>
    private static IEnumerable<object?[]> Rows<T>(IReadOnlyList<T> scores, Action<FactorJsonWriter, T, List<object?[]>> emit)
    {
        const int ChunkRows = 8_192;
        List<object?[]> Chunk(int first)
        {
            using var json = new FactorJsonWriter();
            var count = Math.Min(ChunkRows, scores.Count - first);
            var chunk = new List<object?[]>(count);
            for (var i = 0; i < count; i++)
            {
                emit(json, scores[first + i], chunk);
            }

            return chunk;
        }

        var ahead = new Queue<Task<List<object?[]>>>();
        var next = 0;
        void StartNext()
        {
            if (next < scores.Count)
            {
                var first = next;
                next += ChunkRows;
                ahead.Enqueue(Task.Run(() => Chunk(first)));
            }
        }

        for (var i = 0; i < Math.Max(2, Environment.ProcessorCount); i++)
        {
            StartNext();
        }

        while (ahead.Count > 0)
        {
            var chunk = ahead.Dequeue().GetAwaiter().GetResult();
            StartNext();
            foreach (var values in chunk)
            {
                yield return values;
            }
        }
    }
}
