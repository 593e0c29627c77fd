using System.Globalization;
using GtmMart.DemoData.Model;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// Pre-encoded constant field values. UTM campaign slugs and campaign ids carry the calendar quarter of the day
/// (demo-q3 / CAMP_GA_DEMO_Q3, like the seed), so ad_spend and web_analytics agree on every date.
/// </summary>
internal sealed class Labels
{
    private readonly DateOnly _start;

    public Labels(DateOnly start)
    {
        _start = start;
        var campaigns = Catalog.Campaigns;
        Pages = [.. Catalog.LandingPages.Select(CsvFormat.Utf8)];
        UtmSources = [.. campaigns.Select(c => CsvFormat.Utf8(c.UtmSource))];
        Channels = [.. campaigns.Select(c => CsvFormat.Utf8(c.Channel))];
        Slugs = new byte[4 * campaigns.Length][];
        CampaignIds = new byte[4 * campaigns.Length][];
        for (var q = 0; q < 4; q++)
        {
            for (var c = 0; c < campaigns.Length; c++)
            {
                var quarter = (q + 1).ToString(CultureInfo.InvariantCulture);
                Slugs[(q * campaigns.Length) + c] = CsvFormat.Utf8(campaigns[c].SlugStem + "-q" + quarter);
                CampaignIds[(q * campaigns.Length) + c] = CsvFormat.Utf8(campaigns[c].IdStem + "_Q" + quarter);
            }
        }
    }

    public byte[][] Pages { get; }

    public byte[][] UtmSources { get; }

    public byte[][] Channels { get; }

    /// <summary>UTM campaign slug of campaign c in quarter q (0-based) at [q * campaigns + c].</summary>
    public byte[][] Slugs { get; }

    /// <summary>Campaign id of campaign c in quarter q (0-based) at [q * campaigns + c].</summary>
    public byte[][] CampaignIds { get; }

    /// <summary>0-based calendar quarter of day index <paramref name="day"/>.</summary>
    public int Quarter(int day) => (_start.AddDays(day).Month - 1) / 3;
}
