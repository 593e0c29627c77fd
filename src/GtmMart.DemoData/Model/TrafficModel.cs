using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Model;

/// <summary>
/// Who visits on a given day and what a visit looks like. Each account has a base weight (its number of contacts x
/// exp(0.4 x intent), mean 1) plus, for every opportunity it will open within <see cref="SeedRates.JourneyDays"/>
/// days, a buying-journey weight <c>strength x shape(lead)</c> that ramps up steeply towards the created day.
/// A known contact's session picks an account by total weight; the part of the weight that comes from a journey
/// makes it a journey session: high-intent landing pages, more form submissions, senior contacts more often.
/// Non-journey mixes are re-balanced each day so the overall landing-page mix and form rate stay at the seed's.
/// <para>
/// Sampling is a mixture, so no per-account array is rebuilt per day: with probability J/(B+J) the session
/// belongs to a journey (pick the lead day by its journey mass, then the opportunity of that day by strength via
/// prefix sums), otherwise to the base (a static alias table). B = number of accounts, J = today's journey mass.
/// </para>
/// </summary>
internal sealed class TrafficModel
{
    public const double JourneyFormRate = 0.28;
    public const double JourneySeniorPreference = 0.5;
    public const int OrganicTraffic = 8;
    public const int DirectTraffic = 9;

    private readonly OpportunityPlan _opportunities;
    private readonly AliasTable _base;
    private readonly double _baseTotal;
    private readonly double[] _leadCumulative = new double[SeedRates.JourneyDays];
    private readonly double[] _baseLanding = new double[Catalog.LandingPages.Length];
    private double _journeyTotal;
    private int _day;

    public TrafficModel(AccountTable accounts, ContactTable contacts, OpportunityPlan opportunities)
    {
        _opportunities = opportunities;
        var n = accounts.Count;
        var weights = new double[n];
        for (var a = 0; a < n; a++)
        {
            weights[a] = (contacts.AccountStart[a + 1] - contacts.AccountStart[a]) * Math.Exp(0.4 * accounts.Intent[a]);
        }

        _base = new AliasTable(n);
        _base.Build(weights);
        _baseTotal = n; // base weights are relative: scaled to mean 1 they total n

        var traffic = new double[Catalog.Campaigns.Length + 2];
        for (var c = 0; c < Catalog.Campaigns.Length; c++)
        {
            traffic[c] = Catalog.Campaigns[c].SessionShare;
        }

        traffic[OrganicTraffic] = Catalog.OrganicShare;
        traffic[DirectTraffic] = Catalog.DirectShare;
        TrafficCumulative = Rng.Cumulative(traffic);
        JourneyLandingCumulative = Rng.Cumulative(Catalog.LandingJourney);
        BaseLandingCumulative = new double[Catalog.LandingPages.Length];
    }

    /// <summary>Cumulative mix over 8 campaigns, then organic, then direct (seed channel mix).</summary>
    public double[] TrafficCumulative { get; }

    public double[] JourneyLandingCumulative { get; }

    /// <summary>Today's landing mix of non-journey sessions.</summary>
    public double[] BaseLandingCumulative { get; }

    /// <summary>Today's form-submission rate of non-journey sessions.</summary>
    public double BaseFormRate { get; private set; }

    /// <summary>Today's expected share of journey sessions among all sessions.</summary>
    public double JourneyShare { get; private set; }

    /// <summary>Today's probability that a known contact's session is a journey session.</summary>
    public double KnownJourneyProbability { get; private set; }

    /// <summary>Prepares journey masses and calibrated mixes for <paramref name="day"/>.</summary>
    public void PrepareDay(int day)
    {
        _day = day;
        var dayStart = _opportunities.DayStart;
        var cumulative = _opportunities.JourneyCumulative;
        var plannedDays = dayStart.Length - 1;
        var total = 0.0;
        for (var lead = 1; lead <= SeedRates.JourneyDays; lead++)
        {
            var created = day + lead;
            var mass = 0.0;
            if (created < plannedDays && dayStart[created + 1] > dayStart[created])
            {
                mass = Prefix(cumulative, dayStart[created + 1]) - Prefix(cumulative, dayStart[created]);
            }

            total += mass * Shape(lead);
            _leadCumulative[lead - 1] = total;
        }

        _journeyTotal = total;
        KnownJourneyProbability = total / (_baseTotal + total);
        var share = Math.Min(0.9, SeedRates.KnownSessionShare * KnownJourneyProbability);
        JourneyShare = share;
        for (var p = 0; p < _baseLanding.Length; p++)
        {
            _baseLanding[p] = Math.Max(0.01, (Catalog.LandingTarget[p] - (share * Catalog.LandingJourney[p])) / (1 - share));
        }

        Rng.Cumulate(_baseLanding, BaseLandingCumulative);
        BaseFormRate = Math.Max(0.01, (SeedRates.FormSubmissionRate - (share * JourneyFormRate)) / (1 - share));
    }

    /// <summary>Account of a non-journey session (static base weights).</summary>
    public int SampleBaseAccount(Rng rng) => _base.Sample(rng);

    /// <summary>Opportunity whose journey produced a journey session today (by lead-day mass, then strength).</summary>
    public int SampleJourneyOpportunity(Rng rng)
    {
        var u = rng.NextDouble() * _journeyTotal;
        var leadIndex = UpperBound(_leadCumulative, 0, _leadCumulative.Length, u);
        if (leadIndex >= _leadCumulative.Length)
        {
            leadIndex = _leadCumulative.Length - 1;
        }

        while (leadIndex > 0 && _leadCumulative[leadIndex] == _leadCumulative[leadIndex - 1])
        {
            leadIndex--; // rounding landed on an empty day: step back to the day that holds the mass
        }

        var created = _day + leadIndex + 1;
        var first = _opportunities.DayStart[created];
        var end = _opportunities.DayStart[created + 1];
        var cumulative = _opportunities.JourneyCumulative;
        var low = Prefix(cumulative, first);
        var v = low + (rng.NextDouble() * (cumulative[end - 1] - low));
        return Math.Min(end - 1, UpperBound(cumulative, first, end, v));
    }

    /// <summary>
    /// Quadratic ramp over the journey with mean 1: (61 - lead)^2 / 1230.17 for lead 1..60, i.e. about 2.9 the day
    /// before the opportunity and 87% of the journey's sessions in its last 30 days.
    /// </summary>
    public static double Shape(int lead)
    {
        var k = SeedRates.JourneyDays + 1 - lead;
        return k * k / ShapeMean;
    }

    private static readonly double ShapeMean =
        Enumerable.Range(1, SeedRates.JourneyDays).Sum(k => (double)k * k) / SeedRates.JourneyDays;

    private static double Prefix(double[] cumulative, int index) => index == 0 ? 0.0 : cumulative[index - 1];

    /// <summary>First index in [from, to) whose value is greater than <paramref name="value"/> (or <paramref name="to"/>).</summary>
    private static int UpperBound(double[] values, int from, int to, double value)
    {
        while (from < to)
        {
            var mid = (int)((uint)(from + to) >> 1);
            if (values[mid] <= value)
            {
                from = mid + 1;
            }
            else
            {
                to = mid;
            }
        }

        return from;
    }
}
