using GtmMart.DemoData.Sampling;

namespace GtmMart.DemoData.Model;

/// <summary>
/// Web users: CRM contacts (grouped per account, senior contacts first) and anonymous visitors. User numbers are a
/// random permutation of 1..Users so a user id says nothing about whether the visitor is known.
/// </summary>
internal sealed class ContactTable
{
    public ContactTable(GenerationPlan plan, AccountTable accounts)
    {
        var rng = new Rng(plan.Seed, RngStream.Contacts);
        var n = accounts.Count;
        AccountStart = new int[n + 1];
        SeniorCount = new byte[n];
        var counts = new int[n];
        long total = 0;
        for (var a = 0; a < n; a++)
        {
            var band = Catalog.SizeBands[accounts.Band[a]];
            counts[a] = band.MinContacts + rng.NextInt(band.MaxContacts - band.MinContacts + 1);
            AccountStart[a] = (int)total;
            total += counts[a];
        }

        AccountStart[n] = (int)total;
        ContactCount = (int)total;
        var anonymous = (long)Math.Round(total * SeedRates.AnonymousUserShare / (1 - SeedRates.AnonymousUserShare));
        if (total + anonymous > int.MaxValue / 2)
        {
            throw new ArgumentException("Too many accounts: the number of web users exceeds the supported range.", nameof(plan));
        }

        Users = (int)(total + anonymous);
        UserIdWidth = GenerationPlan.Width(Users, 7);

        Level = new byte[ContactCount];
        Department = new byte[ContactCount];
        var levelCum = Rng.Cumulative([.. Catalog.JobLevels.Select(l => l.Share)]);
        var departmentCum = Rng.Cumulative([.. Catalog.Departments.Select(d => d.Share)]);
        Span<byte> levels = stackalloc byte[16];
        for (var a = 0; a < n; a++)
        {
            var count = counts[a];
            var seniors = 0;
            for (var i = 0; i < count; i++)
            {
                levels[i] = (byte)rng.Pick(levelCum);
                if (levels[i] < Catalog.SeniorLevels)
                {
                    seniors++;
                }
            }

            // Senior contacts first, so a journey can pick "a senior contact" as a prefix of the account's range.
            levels[..count].Sort();
            for (var i = 0; i < count; i++)
            {
                Level[AccountStart[a] + i] = levels[i];
                Department[AccountStart[a] + i] = (byte)rng.Pick(departmentCum);
            }

            SeniorCount[a] = (byte)seniors;
        }

        // Slot k < ContactCount is contact k; slots above are anonymous visitors. UserOfSlot maps a slot to its
        // 1-based user number (a shuffled 1..Users), SlotOfUser is the inverse.
        UserOfSlot = new int[Users];
        for (var i = 0; i < Users; i++)
        {
            UserOfSlot[i] = i + 1;
        }

        for (var i = Users - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (UserOfSlot[i], UserOfSlot[j]) = (UserOfSlot[j], UserOfSlot[i]);
        }

        AccountOfContact = new int[ContactCount];
        for (var a = 0; a < n; a++)
        {
            AccountOfContact.AsSpan(AccountStart[a], counts[a]).Fill(a);
        }
    }

    /// <summary>Contacts of account a are [AccountStart[a], AccountStart[a + 1]).</summary>
    public int[] AccountStart { get; }

    /// <summary>Number of senior contacts of each account (they open its contact range).</summary>
    public byte[] SeniorCount { get; }

    public int ContactCount { get; }

    public int Users { get; }

    public int AnonymousUsers => Users - ContactCount;

    public int UserIdWidth { get; }

    public byte[] Level { get; }

    public byte[] Department { get; }

    public int[] AccountOfContact { get; }

    public int[] UserOfSlot { get; }

    public bool IsSenior(int contact) => Level[contact] < Catalog.SeniorLevels;
}
