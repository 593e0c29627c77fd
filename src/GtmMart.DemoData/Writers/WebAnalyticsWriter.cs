using GtmMart.DemoData.Model;
using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Writers;

/// <summary>
/// Streams web_analytics.csv day by day (nothing per session is kept) and, as a side effect, fills the engagement
/// counters of the opportunities and counts paid sessions per campaign and day for ad_spend. The hot per-account,
/// per-contact and per-opportunity data is packed into small structs so a session touches few cache lines.
/// </summary>
internal static class WebAnalyticsWriter
{
    public const string FileName = "web_analytics.csv";

    /// <summary>Writes the sessions; returns paid sessions per [day * campaigns + campaign].</summary>
    public static int[] Write(
        GenerationPlan plan,
        AccountTable accounts,
        ContactTable contacts,
        OpportunityPlan opportunities,
        ProgressTracker progress,
        out long rows)
    {
        var campaigns = Catalog.Campaigns.Length;
        var paidSessions = new int[plan.Days * campaigns];
        var traffic = new TrafficModel(accounts, contacts, opportunities);
        var rng = new Rng(plan.Seed, RngStream.Sessions);
        var labels = new Labels(plan.Start);
        var hot = HotAccounts(contacts, opportunities);
        var engagement = Engagement(opportunities);
        var contactUsers = new int[contacts.ContactCount];
        for (var k = 0; k < contactUsers.Length; k++)
        {
            contactUsers[k] = (contacts.UserOfSlot[k] << 1) | (contacts.IsSenior(k) ? 1 : 0);
        }

        var userOfSlot = contacts.UserOfSlot;
        var contactCount = contacts.ContactCount;
        var anonymous = contacts.AnonymousUsers;
        var opportunityAccount = opportunities.Account;
        var userWidth = contacts.UserIdWidth;
        var trafficCum = traffic.TrafficCumulative;
        var journeyLandingCum = traffic.JourneyLandingCumulative;
        var baseLandingCum = traffic.BaseLandingCumulative;
        Span<byte> date = stackalloc byte[10];

        using var csv = new CsvWriter(plan.RawPath(FileName));
        csv.WriteHeader("session_id", "user_id", "session_date", "landing_page", "utm_source", "utm_campaign", "pageviews", "conversions");
        var calendar = new DailyVolume(plan.Seed, RngStream.SessionCalendar, plan.Days, SeedRates.DailySessionNoise);
        long session = 0;
        var sessionId = new SequentialId("S", 1, plan.SessionIdWidth);
        for (var day = 0; day < plan.Days; day++)
        {
            var dayEnd = calendar.EndOfDay(plan.Sessions, day);
            if (dayEnd == session)
            {
                continue;
            }

            traffic.PrepareDay(day);
            CsvFormat.WriteDate(plan.Start.AddDays(day), date);
            var quarter = labels.Quarter(day);
            var baseFormRate = traffic.BaseFormRate;
            var journeyProbability = traffic.KnownJourneyProbability;
            for (; session < dayEnd; session++)
            {
                int user;
                var account = -1;
                var journey = false;
                var senior = false;
                if (anonymous == 0 || rng.Chance(SeedRates.KnownSessionShare))
                {
                    journey = journeyProbability > 0 && rng.Chance(journeyProbability);
                    account = journey ? opportunityAccount[traffic.SampleJourneyOpportunity(rng)] : traffic.SampleBaseAccount(rng);
                    ref readonly var a = ref hot[account];
                    var contact = journey && a.Seniors > 0 && rng.Chance(TrafficModel.JourneySeniorPreference)
                        ? a.FirstContact + rng.NextInt(a.Seniors)
                        : a.FirstContact + rng.NextInt(a.Contacts);
                    var encoded = contactUsers[contact];
                    senior = (encoded & 1) != 0;
                    user = encoded >> 1;
                }
                else
                {
                    user = userOfSlot[contactCount + rng.NextInt(anonymous)];
                }

                var source = rng.Pick(trafficCum);
                var page = rng.Pick(journey ? journeyLandingCum : baseLandingCum);
                var pageviews = 1 + rng.NextInt(10);
                var form = rng.Chance(journey ? TrafficModel.JourneyFormRate : baseFormRate);
                var conversions = form ? (rng.Chance(SeedRates.TwoConversionShare) ? 2 : 1) : 0;

                csv.Field(sessionId.Current);
                sessionId.Increment();
                csv.Id("U"u8, user, userWidth);
                csv.Field(date);
                csv.Field(labels.Pages[page]);
                if (source < TrafficModel.OrganicTraffic)
                {
                    paidSessions[(day * campaigns) + source]++;
                    csv.Field(labels.UtmSources[source]);
                    csv.Field(labels.Slugs[(quarter * campaigns) + source]);
                }
                else if (source == TrafficModel.OrganicTraffic)
                {
                    csv.Field("organic"u8);
                    csv.Empty();
                }
                else
                {
                    csv.Empty();
                    csv.Empty();
                }

                csv.Field(pageviews);
                csv.Field(conversions);
                csv.EndRow();
                progress.Row(csv.Rows);

                if (account >= 0)
                {
                    Count(ref hot[account], engagement, day, Catalog.IsHighIntentPage(page), form, senior);
                }
            }
        }

        for (var q = 0; q < engagement.Length; q++)
        {
            ref readonly var e = ref engagement[q];
            if (e.Opportunity < opportunities.Written)
            {
                opportunities.Sessions30[e.Opportunity] = e.Sessions30;
                opportunities.Sessions90[e.Opportunity] = e.Sessions90;
                opportunities.HighIntent90[e.Opportunity] = e.HighIntent90;
                opportunities.Forms90[e.Opportunity] = e.Forms90;
                opportunities.Senior90[e.Opportunity] = e.Senior90;
            }
        }

        rows = csv.Rows;
        progress.Complete(rows);
        return paidSessions;
    }

    /// <summary>Adds a session of the account on <paramref name="day"/> to its opportunities created 1..90 days later.</summary>
    private static void Count(ref HotAccount account, OpportunityEngagement[] engagement, int day, bool highIntent, bool form, bool senior)
    {
        var next = account.NextOpportunity;
        var end = account.OpportunityEnd;
        while (next < end && engagement[next].CreatedDay <= day)
        {
            next++;
        }

        account.NextOpportunity = next;
        for (var q = next; q < end; q++)
        {
            ref var e = ref engagement[q];
            var lead = e.CreatedDay - day;
            if (lead > 90)
            {
                break;
            }

            e.Sessions90++;
            if (lead <= 30)
            {
                e.Sessions30++;
            }

            if (highIntent)
            {
                e.HighIntent90++;
            }

            if (form)
            {
                e.Forms90++;
            }

            if (senior)
            {
                e.Senior90++;
            }
        }
    }

    private static HotAccount[] HotAccounts(ContactTable contacts, OpportunityPlan opportunities)
    {
        var hot = new HotAccount[contacts.SeniorCount.Length];
        for (var a = 0; a < hot.Length; a++)
        {
            hot[a] = new HotAccount
            {
                FirstContact = contacts.AccountStart[a],
                Contacts = contacts.AccountStart[a + 1] - contacts.AccountStart[a],
                Seniors = contacts.SeniorCount[a],
                NextOpportunity = opportunities.AccountStart[a],
                OpportunityEnd = opportunities.AccountStart[a + 1],
            };
        }

        return hot;
    }

    /// <summary>Engagement counters in per-account order (an account's opportunities are adjacent, by created day).</summary>
    private static OpportunityEngagement[] Engagement(OpportunityPlan opportunities)
    {
        var engagement = new OpportunityEngagement[opportunities.Count];
        for (var q = 0; q < engagement.Length; q++)
        {
            var o = opportunities.ByAccount[q];
            engagement[q] = new OpportunityEngagement { Opportunity = o, CreatedDay = opportunities.CreatedDay[o] };
        }

        return engagement;
    }

    private struct HotAccount
    {
        public int FirstContact;
        public int Contacts;
        public int Seniors;
        public int NextOpportunity;
        public int OpportunityEnd;
    }

    private struct OpportunityEngagement
    {
        public int Opportunity;
        public int CreatedDay;
        public int Sessions30;
        public int Sessions90;
        public int HighIntent90;
        public int Forms90;
        public int Senior90;
    }
}
