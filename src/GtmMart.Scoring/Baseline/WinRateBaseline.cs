using System.Globalization;
using System.Text.Json;
using GtmMart.Scoring.Registry;

namespace GtmMart.Scoring.Baseline;

/// <summary>A win rate with its 95% Wilson score interval: <see cref="Won"/> of <see cref="Closed"/> closed deals.</summary>
public sealed record WinRate(int Won, int Closed, double Rate, double Lower, double Upper)
{
    /// <summary>The observed rate and its 95% Wilson interval (NaN rate and [0, 1] with no deals).</summary>
    public static WinRate Of(int won, int closed)
    {
        if (closed <= 0)
        {
            return new WinRate(0, 0, double.NaN, 0, 1);
        }

        const double z = 1.959964;
        var p = (double)won / closed;
        var z2n = z * z / closed;
        var centre = (p + (z2n / 2)) / (1 + z2n);
        var half = z * Math.Sqrt((p * (1 - p) / closed) + (z2n / (4 * closed))) / (1 + z2n);
        return new WinRate(won, closed, p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>"40% (12 of 30 closed deals won; 95% interval 25%-58%)".</summary>
    public override string ToString() => Percent($"{Rate:P0} ({Won:N0} of {Closed:N0} closed deals won; 95% interval {Lower:P0}-{Upper:P0})");

    /// <summary>"40% of the time (12 of 30 closed; 95% interval 25%-58%)".</summary>
    public string OfTheTime() => Percent($"{Rate:P0} of the time ({Won:N0} of {Closed:N0} closed; 95% interval {Lower:P0}-{Upper:P0})");

    private static string Percent(FormattableString text) => text.ToString(CultureInfo.InvariantCulture).Replace(" %", "%", StringComparison.Ordinal);
}

/// <summary>The win rate of one channel's closed deals.</summary>
public sealed record ChannelWinRate(string Channel, WinRate WinRate);

/// <summary>
/// The honest opportunity baseline used while no trained model has passed the promotion gate: the historical win rate
/// of the deal's channel with its 95% interval, or the overall win rate when the channel has fewer than
/// <see cref="MinimumDealsPerChannel"/> closed deals (or is unknown). It claims nothing a model would: every score
/// says it is a baseline, and its verdict is <see cref="TrustVerdict.BaselineOnly"/>. Stored as
/// <c>baseline.json</c> in a registry version whose card has <see cref="ModelKind.Baseline"/>.
/// </summary>
public sealed record WinRateBaseline(WinRate Overall, int MinimumDealsPerChannel, IReadOnlyList<ChannelWinRate> Channels)
{
    public const string FileName = "baseline.json";

    /// <summary>Shown for deals without a channel.</summary>
    public const string NoChannel = "(no channel)";

    /// <summary>From closed deals (channel, won); needs at least one.</summary>
    public static WinRateBaseline From(IEnumerable<(string? Channel, bool Won)> closed, int minimumDealsPerChannel)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var deals = closed.Select(d => (Channel: Clean(d.Channel), d.Won)).ToList();
        if (deals.Count == 0)
        {
            throw new ArgumentException("A win-rate baseline needs at least one closed deal.", nameof(closed));
        }

        var channels = deals.GroupBy(d => d.Channel, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChannelWinRate(g.Key, WinRate.Of(g.Count(d => d.Won), g.Count())))
            .ToList();
        return new WinRateBaseline(WinRate.Of(deals.Count(d => d.Won), deals.Count), minimumDealsPerChannel, channels);
    }

    /// <summary>The rate a deal of <paramref name="channel"/> gets, and the channel it is measured on (null: overall).</summary>
    public (WinRate Rate, string? Channel) RateOf(string? channel)
    {
        var name = Clean(channel);
        var own = Channels.FirstOrDefault(c => c.Channel == name);
        return own is not null && own.WinRate.Closed >= MinimumDealsPerChannel ? (own.WinRate, own.Channel) : (Overall, null);
    }

    /// <summary>One sentence for the model card, the dashboard and <c>gtm models list</c>.</summary>
    public string Describe() =>
        $"Baseline, not a model: no trained model has passed the promotion gate, so each open deal gets the historical win rate of its channel " +
        $"(overall {Overall}; channels with fewer than {MinimumDealsPerChannel} closed deals get the overall rate).";

    public void Save(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, ModelCard.Json) + "\n");

    public static WinRateBaseline Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return JsonSerializer.Deserialize<WinRateBaseline>(File.ReadAllText(path), ModelCard.Json)
                ?? throw new InvalidDataException($"{path}: empty baseline");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a win-rate baseline ({ex.Message.Split('.')[0]})", ex);
        }
    }

    private static string Clean(string? channel) => string.IsNullOrWhiteSpace(channel) ? NoChannel : channel.Trim();
}
