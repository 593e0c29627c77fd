using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using GtmMart.Scoring.Icp;
using GtmMart.Scoring.Opportunity;

namespace GtmMart.Serving;

/// <summary>The rows the write-back appends, made from the scores a chunk at a time on pool threads.</summary>
public sealed partial class ScoreWriteBack
{
    /// <summary>A score, its id and its <c>top_factors</c> JSON as UTF-8 (slices of its chunk's buffers).</summary>
    private readonly record struct WithJson<T>(T Score, ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Json);

    /// <summary>A row of <see cref="FactorRow"/> with its texts as UTF-8 (slices of its chunk's buffer).</summary>
    private readonly record struct FactorBytes(ReadOnlyMemory<byte> OpportunityId, ReadOnlyMemory<byte> Family, double Contribution);

    /// <summary>One row of <c>history.score_factors</c> without its constant columns (run id, entity type).</summary>
    internal readonly record struct FactorRow(string OpportunityId, string Family, double Contribution);

    /// <summary>
    /// The scores with their ids and factor JSON as UTF-8, in score order. Each chunk's JSON is written by one writer
    /// straight into one buffer (no string per row; the bulk write hands the bytes to the engine, which copies them), its
    /// ids encoded into another on the same pool thread (so the writing thread neither encodes them nor has the
    /// engine's client copy each string to native memory). A chunk's buffers are used again once the writer has moved
    /// past its rows: a few serve the whole run, so the run's JSON (hundreds of MB at a million rows) does not go
    /// through the garbage collector's large object heap. <paramref name="whenDone"/> runs once the last row has been taken.
    /// </summary>
    private static IEnumerable<WithJson<T>> ScoresWithJson<T>(IReadOnlyList<T> scores, Func<T, string> id, Action<FactorJsonWriter, T, IBufferWriter<byte>> json, Action? whenDone = null)
    {
        var buffers = new ConcurrentBag<(ArrayBufferWriter<byte> Json, Utf8Texts Ids)>();
        var chunks = Ahead(scores.Count, (first, count) =>
        {
            var (buffer, ids) = buffers.TryTake(out var free) ? free : (new ArrayBufferWriter<byte>(count * 512), new Utf8Texts(count * 24));
            var ends = JsonChunk(scores, first, count, json, buffer);
            ids.Clear();
            var idEnds = new int[count];
            for (var i = 0; i < count; i++)
            {
                idEnds[i] = ids.Add(id(scores[first + i])).End.Value;
            }

            return (First: first, Buffer: buffer, Ends: ends, Ids: ids, IdEnds: idEnds);
        });
        foreach (var (first, buffer, ends, ids, idEnds) in chunks)
        {
            var (texts, written) = (buffer.WrittenMemory, ids.Written);
            for (int i = 0, start = 0, idStart = 0; i < ends.Length; start = ends[i], idStart = idEnds[i], i++)
            {
                yield return new WithJson<T>(scores[first + i], written[idStart..idEnds[i]], texts[start..ends[i]]);
            }

            buffers.Add((buffer, ids));
        }

        whenDone?.Invoke();
    }

    /// <summary>
    /// The family contributions of the run's opportunity reasons, one row per opportunity and family
    /// (history.score_factors), made in chunks on pool threads like the score rows (their lists used again likewise).
    /// Their texts are encoded on the same pool threads (each opportunity id once, each family once per chunk).
    /// </summary>
    private static IEnumerable<FactorBytes> FactorRows(IReadOnlyList<OpportunityScore> scores)
    {
        var lists = new ConcurrentBag<FactorChunkRows>();
        var chunks = Ahead(scores.Count, (first, count) =>
        {
            var chunk = lists.TryTake(out var free) ? free : new FactorChunkRows(count);
            FactorChunk(scores, first, count, chunk.Rows);
            chunk.Texts.Clear();
            chunk.Where.Clear();
            var families = new Dictionary<string, Range>(StringComparer.Ordinal);
            string? lastId = null;
            var id = default(Range);
            foreach (var row in chunk.Rows)
            {
                if (!ReferenceEquals(row.OpportunityId, lastId))
                {
                    (lastId, id) = (row.OpportunityId, chunk.Texts.Add(row.OpportunityId));
                }

                if (!families.TryGetValue(row.Family, out var family))
                {
                    families[row.Family] = family = chunk.Texts.Add(row.Family);
                }

                chunk.Where.Add((id, family));
            }

            return chunk;
        });
        foreach (var chunk in chunks)
        {
            var text = chunk.Texts.Written;
            for (var i = 0; i < chunk.Rows.Count; i++)
            {
                var (id, family) = chunk.Where[i];
                yield return new FactorBytes(text[id], text[family], chunk.Rows[i].Contribution);
            }

            lists.Add(chunk);
        }
    }

    /// <summary>A chunk of factor rows, their texts encoded once and where each row's texts lie.</summary>
    private sealed class FactorChunkRows(int scores)
    {
        public List<FactorRow> Rows { get; } = new(scores * 6);

        public Utf8Texts Texts { get; } = new(scores * 24);

        public List<(Range Id, Range Family)> Where { get; } = new(scores * 6);
    }

    /// <summary>Texts encoded as UTF-8 one after the other into one buffer; each <see cref="Add"/> gives where its bytes lie.</summary>
    private sealed class Utf8Texts(int capacity)
    {
        private readonly ArrayBufferWriter<byte> buffer = new(capacity);

        public ReadOnlyMemory<byte> Written => buffer.WrittenMemory;

        public void Clear() => buffer.ResetWrittenCount();

        public Range Add(string text)
        {
            var start = buffer.WrittenCount;
            buffer.Advance(Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
            return start..buffer.WrittenCount;
        }
    }

    /// <summary>An opportunity score's <c>top_factors</c> JSON (<see cref="JsonChunk{T}"/>'s writer for opportunities).</summary>
    internal static readonly Action<FactorJsonWriter, OpportunityScore, IBufferWriter<byte>> OpportunityJson = (json, s, buffer) => json.AppendOpportunity(s, buffer);

    /// <summary>An account score's <c>top_factors</c> JSON (<see cref="JsonChunk{T}"/>'s writer for accounts).</summary>
    internal static readonly Action<FactorJsonWriter, AccountScore, IBufferWriter<byte>> AccountJson = (json, s, buffer) => json.AppendAccount(s, buffer);

    /// <summary>
    /// The JSON of scores <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 written one
    /// after the other into <paramref name="buffer"/> (emptied first) by one writer; returns where each ends. One chunk
    /// of <see cref="ScoresWithJson{T}"/> (the bench times the same work apart).
    /// </summary>
    internal static int[] JsonChunk<T>(IReadOnlyList<T> scores, int first, int count, Action<FactorJsonWriter, T, IBufferWriter<byte>> json, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using var writer = new FactorJsonWriter();
        var ends = new int[count];
        for (var i = 0; i < count; i++)
        {
            json(writer, scores[first + i], buffer);
            ends[i] = buffer.WrittenCount;
        }

        return ends;
    }

    /// <summary>The factor rows of scores <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 in <paramref name="rows"/> (emptied first): one chunk of <see cref="FactorRows"/>.</summary>
    internal static void FactorChunk(IReadOnlyList<OpportunityScore> scores, int first, int count, List<FactorRow> rows)
    {
        rows.Clear();
        for (var i = 0; i < count; i++)
        {
            AddFactorRows(scores[first + i], rows);
        }
    }

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
    /// Chunks of <see cref="ChunkRows"/> scores made by <paramref name="make"/> (first score, count) on pool threads, up
    /// to one chunk per core ahead of the writer, in score order: making rows and appending them overlap, and a large
    /// run's rows (and their JSON) are never all in memory at once.
    /// </summary>
    private static IEnumerable<TChunk> Ahead<TChunk>(int scores, Func<int, int, TChunk> make)
    {
        var ahead = new Queue<Task<TChunk>>();
        var next = 0;
        void StartNext()
        {
            if (next < scores)
            {
                var first = next;
                next += ChunkRows;
                ahead.Enqueue(Task.Run(() => make(first, Math.Min(ChunkRows, scores - first))));
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
            yield return chunk;
        }
    }

    /// <summary>Scores per chunk of rows made ahead of the writer.</summary>
    internal const int ChunkRows = 8_192;
}
