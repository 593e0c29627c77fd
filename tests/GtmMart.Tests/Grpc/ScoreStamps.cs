using Google.Protobuf;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// Served scores compared without their <c>scored_at</c>: one score computed at two moments (on a call and by the cache
/// fill) is the same score. The time is checked to be set before it is left out.
/// </summary>
internal static class ScoreStamps
{
    /// <summary>A copy of <paramref name="score"/> without <c>scored_at</c> (null stays null); asserts it was set, and, when given, within [from, now].</summary>
    public static T? Unstamped<T>(T? score, DateTime? from = null)
        where T : class, IMessage<T>
    {
        if (score is null)
        {
            return null;
        }

        var field = score.Descriptor.FindFieldByName("scored_at");
        var scoredAt = Assert.IsType<Google.Protobuf.WellKnownTypes.Timestamp>(field.Accessor.GetValue(score));
        if (from is { } start)
        {
            Assert.InRange(scoredAt.ToDateTime(), start, DateTime.UtcNow);
        }

        var copy = score.Clone();
        field.Accessor.Clear(copy);
        return copy;
    }
}
