using GtmMart.Scoring.Features;
using GtmMart.Scoring.Icp;

namespace GtmMart.Training.Icp;

/// <summary>
/// Readable profiles of the KMeans segments: size, win rate, deal size, average fit and behaviour, and a name made of
/// what sets each segment apart from the rest.
/// </summary>
internal static class IcpSegmentProfiles
{
    /// <summary>A value names a segment when its share there is at least this many times its share overall...</summary>
    internal const double MinimumLift = 1.25;

    /// <summary>...and it covers at least this share of the segment (a rare value over-represented 10x says little).</summary>
    internal const double MinimumShare = 0.2;

    /// <summary>Segments ordered largest first (ids 1..k), the cluster-to-segment map, and each segment's profile.</summary>
    public static (List<int> ClusterToSegment, List<IcpSegmentProfile> Profiles) Build(
        IReadOnlyList<AccountFeatureRow> accounts, uint[] clusters, int k, double[] fitScores, double[] behaviourScores)
    {
        var members = Enumerable.Range(1, k).ToDictionary(c => c, c => new List<int>());
        for (var i = 0; i < clusters.Length; i++)
        {
            if (members.TryGetValue((int)clusters[i], out var list))
            {
                list.Add(i);
            }
        }

        var overallBand = Shares(accounts.Select(a => a.EmployeeBand));
        var overallIndustry = Shares(accounts.Select(a => a.Industry));
        var overallRegion = Shares(accounts.Select(a => a.Region));
        var ordered = members.OrderByDescending(m => m.Value.Count).ThenBy(m => m.Key).ToList();
        var clusterToSegment = new int[k];
        var profiles = new List<IcpSegmentProfile>();
        for (var s = 0; s < ordered.Count; s++)
        {
            var (cluster, rows) = (ordered[s].Key, ordered[s].Value);
            clusterToSegment[cluster - 1] = s + 1;
            if (rows.Count == 0)
            {
                profiles.Add(new IcpSegmentProfile(s + 1, $"Empty segment {s + 1}", 0, "Unknown", "Unknown", "Unknown", 0, null, null, double.NaN, double.NaN));
                continue;
            }

            var bands = rows.Select(i => accounts[i].EmployeeBand).ToList();
            var industries = rows.Select(i => accounts[i].Industry).ToList();
            var regions = rows.Select(i => accounts[i].Region).ToList();
            var won = rows.Sum(i => IcpModelTrainer.Count(accounts[i].WonOpportunities));
            var closed = won + rows.Sum(i => IcpModelTrainer.Count(accounts[i].LostOpportunities));
            var wonRevenue = rows.Sum(i => IcpModelTrainer.Count(accounts[i].WonRevenueUsd));
            var name = Name(
                Characteristic(bands, overallBand),
                Characteristic(industries, overallIndustry),
                Characteristic(regions, overallRegion));
            profiles.Add(new IcpSegmentProfile(
                s + 1, name, rows.Count, Mode(bands), Mode(industries), Mode(regions), closed,
                closed > 0 ? won / closed : null,
                won > 0 ? wonRevenue / won : null,
                rows.Average(i => fitScores[i]),
                rows.Average(i => behaviourScores[i])));
        }

        return ([.. clusterToSegment], Disambiguate(profiles));
    }

    /// <summary>
    /// The value that most sets a segment apart: the highest lift (share in the segment / share overall) among values
    /// covering at least <see cref="MinimumShare"/> of it, if that lift reaches <see cref="MinimumLift"/>; null when
    /// nothing stands out (the segment looks like everyone else on this attribute). "Unknown" never names a segment.
    /// </summary>
    internal static string? Characteristic(IReadOnlyCollection<string> segment, IReadOnlyDictionary<string, double> overall)
    {
        var candidates = Shares(segment)
            .Where(v => v.Key != "Unknown" && v.Value >= MinimumShare && overall.TryGetValue(v.Key, out var o) && o > 0)
            .Select(v => (Value: v.Key, Share: v.Value, Lift: v.Value / overall[v.Key]))
            .Where(v => v.Lift >= MinimumLift)
            .OrderByDescending(v => v.Lift).ThenByDescending(v => v.Share).ThenBy(v => v.Value, StringComparer.Ordinal)
            .ToList();
        return candidates.Count > 0 ? candidates[0].Value : null;
    }

    /// <summary>"Mid-market Software, Europe"; "Enterprise, all industries, North America"; "Mixed accounts" when nothing stands out.</summary>
    internal static string Name(string? band, string? industry, string? region)
    {
        if (band is null && industry is null && region is null)
        {
            return "Mixed accounts";
        }

        var size = band is null ? "Mixed-size" : SizeLabel(band);
        var what = industry is null ? $"{size}, all industries" : $"{size} {industry}";
        return region is null ? $"{what}, all regions" : $"{what}, {region}";
    }

    /// <summary>Readable size label of an employee band ("Mid-market" for 200-999).</summary>
    internal static string SizeLabel(string band) => band switch
    {
        "1-49" => "Small business",
        "50-199" => "SMB",
        "200-999" => "Mid-market",
        "1000-4999" => "Large",
        "5000+" => "Enterprise",
        _ => band,
    };

    private static Dictionary<string, double> Shares(IEnumerable<string> values)
    {
        var cleaned = values.Select(v => IcpFeatureCatalog.CleanCategory(v) ?? "Unknown").ToList();
        return cleaned.GroupBy(v => v, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count() / (double)cleaned.Count, StringComparer.Ordinal);
    }

    /// <summary>The most common value (ties: first in ordinal order).</summary>
    private static string Mode(IEnumerable<string> values) =>
        Shares(values).OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).First().Key;

    /// <summary>Segments that end up with the same name are told apart by their engagement.</summary>
    private static List<IcpSegmentProfile> Disambiguate(List<IcpSegmentProfile> profiles)
    {
        var result = profiles.ToList();
        foreach (var group in profiles.Where(p => p.Accounts > 0).GroupBy(p => p.Name).Where(g => g.Count() > 1))
        {
            var byEngagement = group.OrderByDescending(p => p.AverageBehaviourScore).ToList();
            for (var r = 0; r < byEngagement.Count; r++)
            {
                var suffix = r == 0 ? "high engagement" : r == byEngagement.Count - 1 ? "low engagement" : $"engagement rank {r + 1}";
                var p = byEngagement[r];
                result[result.IndexOf(p)] = p with { Name = $"{p.Name} ({suffix})" };
            }
        }

        return result;
    }
}
