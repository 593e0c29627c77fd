using GtmMart.DemoData.Model;

namespace GtmMart.DemoData.Writers;

/// <summary>crm_contacts.csv: the known web users, in user-id order; anonymous visitors are absent.</summary>
internal static class ContactsWriter
{
    public const string FileName = "crm_contacts.csv";

    public static long Write(GenerationPlan plan, ContactTable contacts, ProgressTracker progress)
    {
        var levels = Catalog.JobLevels.Select(l => CsvFormat.Utf8(l.Name)).ToArray();
        var departments = Catalog.Departments.Select(d => CsvFormat.Utf8(d.Name)).ToArray();

        // Inverse of the user shuffle, restricted to contacts: user number -> contact index (or -1).
        var contactOfUser = new int[contacts.Users + 1];
        Array.Fill(contactOfUser, -1);
        for (var k = 0; k < contacts.ContactCount; k++)
        {
            contactOfUser[contacts.UserOfSlot[k]] = k;
        }

        using var csv = new CsvWriter(plan.RawPath(FileName));
        csv.WriteHeader("user_id", "account_id", "job_level", "department");
        for (var user = 1; user <= contacts.Users; user++)
        {
            var k = contactOfUser[user];
            if (k < 0)
            {
                continue;
            }

            csv.Id("U"u8, user, contacts.UserIdWidth);
            csv.Id("ACCT"u8, contacts.AccountOfContact[k] + 1, plan.AccountIdWidth);
            csv.Field(levels[contacts.Level[k]]);
            csv.Field(departments[contacts.Department[k]]);
            csv.EndRow();
            progress.Row(csv.Rows);
        }

        progress.Complete(csv.Rows);
        return csv.Rows;
    }
}
