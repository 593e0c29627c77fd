using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Model;

/// <summary>
/// Splits a total over days with day-to-day noise (log-normal day weights) while keeping the total exact:
/// day d gets <c>round(total x share(0..d)) - round(total x share(0..d-1))</c>.
/// </summary>
internal sealed class DailyVolume
{
    private readonly double[] _cumulative;

    public DailyVolume(int seed, RngStream stream, int days, double sigma)
    {
        var rng = new Rng(seed, stream);
        var weights = new double[days];
        for (var d = 0; d < days; d++)
        {
            weights[d] = rng.NextLogNormal(sigma);
        }

        _cumulative = Rng.Cumulative(weights);
        var total = _cumulative[^1];
        for (var d = 0; d < days; d++)
        {
            _cumulative[d] /= total;
        }

        _cumulative[^1] = 1.0;
    }

    /// <summary>Cumulative count of <paramref name="total"/> through day <paramref name="day"/> (inclusive).</summary>
    public long EndOfDay(long total, int day) =>
        day >= _cumulative.Length - 1 ? total : Math.Min(total, (long)Math.Round(total * _cumulative[day]));
}
