using System.Buffers;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Serving;

/// <summary>The rows the write-back appends, made from the scores a chunk at a time on pool threads.</summary>
public sealed partial class ScoreWriteBack
{
    /// <summary>A score and its <c>top_factors</c> JSON as UTF-8 (a slice of its chunk's buffer).</summary>
    private readonly record struct WithJson<T>(T Score, ReadOnlyMemory<byte> Json);

    /// <summary>One row of <c>history.score_factors</c> without its constant columns (run id, entity type).</summary>
    private readonly record struct FactorRow(string OpportunityId, string Family, double Contribution);

    /// <summary>
    /// The scores with their factor JSON, in score order. Each chunk's JSON is written by one writer straight into one
    /// buffer as UTF-8 (no string per row; the bulk write hands the bytes to the engine as they are).
    /// </summary>
    private static IEnumerable<WithJson<T>> ScoresWithJson<T>(IReadOnlyList<T> scores, Action<FactorJsonWriter, T, IBufferWriter<byte>> json) =>
        Chunked(scores.Count, (first, count) =>
        {
            using var writer = new FactorJsonWriter();
            var buffer = new ArrayBufferWriter<byte>(count * 512);
            var ends = new int[count];
            for (var i = 0; i < count; i++)
            {
                json(writer, scores[first + i], buffer);
                ends[i] = buffer.WrittenCount;
            }

            var written = buffer.WrittenMemory;
            var rows = new WithJson<T>[count];
            for (int i = 0, start = 0; i < count; start = ends[i], i++)
            {
                rows[i] = new WithJson<T>(scores[first + i], written[start..ends[i]]);
            }

            return rows;
        });

    /// <summary>
    /// The family contributions of the run's opportunity reasons, one row per opportunity and family
    /// (history.score_factors), made in chunks on pool threads like the score rows.
    /// </summary>
    private static IEnumerable<FactorRow> FactorRows(IReadOnlyList<OpportunityScore> scores) =>
        Chunked(scores.Count, (first, count) =>
        {
            var rows = new List<FactorRow>(count * 6);
            for (var i = 0; i < count; i++)
            {
                AddFactorRows(scores[first + i], rows);
            }

            return rows;
        });

    /// <summary>
    /// One row per family among the score's reasons (positive, then negative), in the order each family first appears,
    /// its contributions summed in that order from 0 (a few reasons per score: a scan of this score's rows, no grouping).
    /// </summary>
    private static void AddFactorRows(OpportunityScore score, List<FactorRow> rows)
    {
        var first = rows.Count;
        void Add(OpportunityFactor factor)
        {
            for (var i = first; i < rows.Count; i++)
            {
                if (string.Equals(rows[i].Family, factor.Family, StringComparison.Ordinal))
                {
                    rows[i] = rows[i] with { Contribution = rows[i].Contribution + factor.Contribution };
                    return;
                }
            }

            rows.Add(new FactorRow(score.OpportunityId, factor.Family, 0d + factor.Contribution));
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
    /// Rows made a chunk of <see cref="ChunkRows"/> scores at a time by <paramref name="chunk"/> (first score, count) on
    /// pool threads, up to one chunk per core ahead of the writer, in score order: making rows and appending them
    /// overlap, and a large run's rows (and their JSON) are never all in memory at once.
    /// </summary>
    private static IEnumerable<TRow> Chunked<TRow>(int scores, Func<int, int, IReadOnlyList<TRow>> chunk)
    {
        var ahead = new Queue<Task<IReadOnlyList<TRow>>>();
        var next = 0;
        void StartNext()
        {
            if (next < scores)
            {
                var first = next;
                next += ChunkRows;
                ahead.Enqueue(Task.Run(() => chunk(first, Math.Min(ChunkRows, scores - first))));
            }
        }

        for (var i = 0; i < Math.Max(2, Environment.ProcessorCount); i++)
        {
            StartNext();
        }

        while (ahead.Count > 0)
        {
            var rows = ahead.Dequeue().GetAwaiter().GetResult();
            StartNext();
            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    private const int ChunkRows = 8_192;
}
