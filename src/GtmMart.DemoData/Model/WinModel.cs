namespace GtmMart.DemoData.Model;

/// <summary>Inputs of the win model for one opportunity. Engagement values are already normalised (see <see cref="WinModel"/>).</summary>
internal readonly record struct WinFeatures(
    int Industry,
    int Band,
    int Region,
    int Source,
    int Employees,
    long RevenueUsd,
    double AmountUsd,
    double Sessions30,
    double Sessions90,
    double HighIntent90,
    double Forms90,
    double Senior90,
    double Intent);

/// <summary>
/// Logistic model of P(Closed Won) for an opportunity (documented in README.md):
/// <code>
/// logit p = -3.05 (Intercept)
///         + industry effect + size-band effect + 0.60 if ICP (Software/Financial Services with 200-4,999 employees)
///         + 0.35 * ln(revenue per employee / 200,000)       + region effect + source effect   (see Catalog)
///         + 0.30 * ln(1 + sessions30) + 0.10 * ln(1 + sessions90) + 0.25 * ln(1 + high-intent pages 90)
///         + 0.35 * ln(1 + form submissions 90) + 0.30 * ln(1 + senior-contact sessions 90)
///         - 0.55 * ln(amount / 25,000)
///         + 0.30 * latent intent (not observable)
/// </code>
/// With <see cref="WinSignal.Interaction"/> (<c>gtm generate --win-signal interaction</c>) one more term, an
/// interaction of industry and company size that no sum of per-feature effects can express:
/// <code>
///         + 0.90 if the industry favours large companies (Software, Financial Services, Telecommunications, Public Sector)
///                and the account has 200 or more employees, or the industry favours small ones (the other four) and it has fewer
///         - 0.90 otherwise
/// </code>
/// Engagement counts are those of the account's contacts in the 30/90 days before the created day, scaled
/// (a) to the full window length when the data window starts less than 30/90 days before (at least 14 days of
/// history are assumed), and (b) by <see cref="GenerationPlan.SessionScale"/>, i.e. per seed-like traffic level.
/// </summary>
internal static class WinModel
{
    public const double Intercept = -3.05;
    public const double IcpBonus = 0.60;
    public const double RevenueIntensity = 0.35;
    public const double RevenuePerEmployeeReference = 200_000;
    public const double Sessions30Coefficient = 0.30;
    public const double Sessions90Coefficient = 0.10;
    public const double HighIntentCoefficient = 0.25;
    public const double FormsCoefficient = 0.35;
    public const double SeniorCoefficient = 0.30;
    public const double AmountCoefficient = -0.55;
    public const double AmountReferenceUsd = 25_000;
    public const double IntentCoefficient = 0.30;
    public const int MinHistoryDays = 14;
    public const double InteractionStrength = 0.90;

    /// <summary>Per industry of <see cref="Catalog.Industries"/>: whether it wins more with large companies under <see cref="WinSignal.Interaction"/>.</summary>
    private static readonly bool[] FavoursLarge = [true, true, false, false, false, true, false, true];

    /// <summary>The first size band counted as large (200 or more employees) by the interaction.</summary>
    private const int FirstLargeBand = 2;

    public static double Logit(in WinFeatures f, WinSignal signal = WinSignal.Additive) =>
        Additive(f) + (signal == WinSignal.Interaction ? Interaction(f) : 0);

    /// <summary>The interaction term: ±<see cref="InteractionStrength"/> by whether the size matches the industry's preference.</summary>
    public static double Interaction(in WinFeatures f) =>
        FavoursLarge[f.Industry] == (f.Band >= FirstLargeBand) ? InteractionStrength : -InteractionStrength;

    private static double Additive(in WinFeatures f)
    {
        var industry = Catalog.Industries[f.Industry];
        var band = Catalog.SizeBands[f.Band];
        var revenuePerEmployee = (double)f.RevenueUsd / Math.Max(1, f.Employees);
        return Intercept
            + industry.WinEffect
            + band.WinEffect
            + (industry.Icp && band.Icp ? IcpBonus : 0)
            + (RevenueIntensity * Math.Log(revenuePerEmployee / RevenuePerEmployeeReference))
            + Catalog.Regions[f.Region].WinEffect
            + Catalog.OpportunitySources[f.Source].WinEffect
            + (Sessions30Coefficient * Math.Log(1 + f.Sessions30))
            + (Sessions90Coefficient * Math.Log(1 + f.Sessions90))
            + (HighIntentCoefficient * Math.Log(1 + f.HighIntent90))
            + (FormsCoefficient * Math.Log(1 + f.Forms90))
            + (SeniorCoefficient * Math.Log(1 + f.Senior90))
            + (AmountCoefficient * Math.Log(Math.Max(1, f.AmountUsd) / AmountReferenceUsd))
            + (IntentCoefficient * f.Intent);
    }

    public static double Probability(in WinFeatures f, WinSignal signal = WinSignal.Additive) => 1.0 / (1.0 + Math.Exp(-Logit(f, signal)));

    /// <summary>Features of planned opportunity <paramref name="o"/> after the sessions were simulated.</summary>
    public static WinFeatures Features(GenerationPlan plan, AccountTable accounts, OpportunityPlan opportunities, int o)
    {
        var a = opportunities.Account[o];
        var created = opportunities.CreatedDay[o];
        var scale30 = 30.0 / Math.Max(MinHistoryDays, Math.Min(30, created)) * plan.SessionScale;
        var scale90 = 90.0 / Math.Max(MinHistoryDays, Math.Min(90, created)) * plan.SessionScale;
        return new WinFeatures(
            accounts.Industry[a],
            accounts.Band[a],
            accounts.Region[a],
            opportunities.Source[o],
            accounts.Employees[a],
            accounts.RevenueUsd[a],
            opportunities.AmountCents[o] / 100.0,
            opportunities.Sessions30[o] * scale30,
            opportunities.Sessions90[o] * scale90,
            opportunities.HighIntent90[o] * scale90,
            opportunities.Forms90[o] * scale90,
            opportunities.Senior90[o] * scale90,
            accounts.Intent[a]);
    }
}
