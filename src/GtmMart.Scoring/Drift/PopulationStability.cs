using System.Globalization;

namespace GtmMart.Scoring.Drift;

/// <summary>How far a population moved from the reference, in the usual reading of the population stability index.</summary>
public enum DriftReading
{
    /// <summary>PSI below 0.1.</summary>
    Stable,

    /// <summary>PSI from 0.1 to 0.25.</summary>
    Moderate,

    /// <summary>PSI above 0.25.</summary>
    Significant,
}

/// <summary>One column's drift in one scoring run.</summary>
/// <param name="Note">Why the index means little here (too small a sample), or null.</param>
public sealed record ColumnDrift(string Feature, DriftColumnKind Kind, double Psi, DriftReading Reading, long SampleSize, long ReferenceSize, string? Note)
{
    /// <summary>Moderate or significant: the column is flagged.</summary>
    public bool Flagged => Reading != DriftReading.Stable;
}

/// <summary>
/// The population stability index: <c>PSI = Σ (a_i − e_i) · ln(a_i / e_i)</c> over the bins, with <c>e_i</c> the
/// reference's share of bin <c>i</c> and <c>a_i</c> the scored population's; an empty bin counts as a share of
/// <see cref="EmptyShare"/> so a value class that appears or disappears gives a large but finite index.
/// </summary>
public static class PopulationStability
{
    public const double ModerateFrom = 0.1;
    public const double SignificantAbove = 0.25;
    public const double EmptyShare = 1e-4;

    /// <summary>Fewer scored rows than this and the index is noted as not meaning much.</summary>
    public const int MinimumSample = 100;

    /// <summary>The same when a bin holding at least <see cref="SubstantialBinShare"/> of the reference expects fewer scored rows than this.</summary>
    public const double MinimumExpectedPerBin = 5;

    public const double SubstantialBinShare = 0.01;

    /// <summary>The rule behind <see cref="ColumnDrift.Note"/>, in words (docs and the monitor print it).</summary>
    public static readonly string SmallSampleRule = string.Create(
        CultureInfo.InvariantCulture,
        $"the index is noted as unreliable when fewer than {MinimumSample} rows were scored, or when a bin holding at least {SubstantialBinShare:P0} of the reference expects fewer than {MinimumExpectedPerBin} scored rows (its share of the reference x the rows scored), or when the reference itself has fewer than {MinimumSample} rows");

    public static double Index(IReadOnlyList<long> reference, IReadOnlyList<long> actual)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(actual);
        if (reference.Count != actual.Count)
        {
            throw new ArgumentException($"{reference.Count} reference bins but {actual.Count} scored bins");
        }

        double referenceRows = reference.Sum(), actualRows = actual.Sum();
        if (referenceRows == 0 || actualRows == 0)
        {
            return double.NaN;
        }

        var psi = 0.0;
        for (var i = 0; i < reference.Count; i++)
        {
            var e = Math.Max(reference[i] / referenceRows, EmptyShare);
            var a = Math.Max(actual[i] / actualRows, EmptyShare);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    public static DriftReading Read(double psi) =>
        psi > SignificantAbove ? DriftReading.Significant : psi >= ModerateFrom ? DriftReading.Moderate : DriftReading.Stable;

    /// <summary>The drift of one column: the index, its reading and the small-sample note.</summary>
    public static ColumnDrift Compare(BinnedColumn reference, IReadOnlyList<long> actual)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var psi = Index(reference.Counts, actual);
        var rows = actual.Sum();
        return new ColumnDrift(reference.Name, reference.Kind, psi, Read(psi), rows, reference.Rows, Note(reference, rows));
    }

    private static string? Note(BinnedColumn reference, long rows)
    {
        if (rows < MinimumSample)
        {
            return string.Create(CultureInfo.InvariantCulture, $"only {rows} rows scored (fewer than {MinimumSample}): too small a sample for the index to mean much");
        }

        if (reference.Rows < MinimumSample)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the reference has only {reference.Rows} rows (fewer than {MinimumSample}): the index means little");
        }

        var labels = reference.Labels;
        var thin = Enumerable.Range(0, reference.Counts.Count)
            .Select(i => (Label: labels[i], Share: reference.Counts[i] / (double)reference.Rows))
            .Where(b => b.Share >= SubstantialBinShare && b.Share * rows < MinimumExpectedPerBin)
            .ToList();
        return thin.Count == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{rows} rows scored: bin '{thin[0].Label}' expects only {thin[0].Share * rows:0.0} rows (fewer than {MinimumExpectedPerBin}), too small a sample for the index to mean much");
    }
}

/// <summary>Names of the score columns in drift references and <c>mart.mrt_feature_drift</c>.</summary>
public static class DriftColumns
{
    /// <summary>The opportunity model's win probability.</summary>
    public const string OpportunityScore = "win_probability";

    /// <summary>The ICP model's fit score.</summary>
    public const string IcpScore = "fit_score";
}
