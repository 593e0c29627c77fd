using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Loading;
using GtmMart.Warehouse.Models;

namespace GtmMart.Warehouse.Building;

/// <summary>
/// What changed in the raw data since the published build, found by comparing fingerprints (row count and sum of row
/// hashes) per day and per key with the ones that build recorded, so it holds however the raw tables changed (an
/// append, a full reload, an edit in SQL). Changed days: sessions, spend or opportunities created that day, and the
/// session days of visitors whose contact changed. Changed accounts: their opportunities or firmographics, their
/// contacts, and the accounts (as published and as now) of sessions on changed days that have an opportunity created
/// on or after the session's day. DuckDB only.
/// </summary>
internal sealed class ChangeSet
{
    public const string Fingerprints = $"{BuildMetadata.Schema}.fingerprints";
    public const string Days = "_gtm_changed_days";
    public const string Accounts = "_gtm_changed_accounts";

    public long DayCount { get; private init; }

    public long AccountCount { get; private init; }

    /// <summary>
    /// Fingerprints of the raw tables as they are now, in temp table <c>_gtm_fp</c>: those the loads kept
    /// (<see cref="RawFingerprints"/>) when they add up to the raw tables, else computed from every raw row and kept
    /// again. Returns whether they were computed. A full refresh takes the kept ones too: it rebuilds from the raw rows
    /// and needs no change set itself; what it records is only what the next build compares with, and each load moves
    /// the kept fingerprints by exactly the hashes of the rows it added and took away, so the next build finds the same
    /// changed days and keys either way (raw rows edited by hand with the same row count are found by neither and
    /// need a full refresh, which rebuilds them).
    /// </summary>
    public static bool TakeFingerprints(DbConnection connection)
    {
        var computed = !RawFingerprints.Current(connection);
        if (computed)
        {
            RawFingerprints.Recompute(connection);
        }

        connection.Execute("drop table if exists _gtm_fp");
        connection.Execute($"create temp table _gtm_fp as select kind, key, sum(n) as n, sum(h) as h from {RawFingerprints.Table} group by kind, key");
        return computed;
    }

    /// <summary>
    /// Keeps the fingerprints taken by <see cref="TakeFingerprints"/> as build <paramref name="buildId"/>'s: the table
    /// holds the published build's fingerprints and nothing else (<c>build_id</c> is the build that last wrote a row).
    /// After <see cref="Find"/> (an incremental build) only the changed keys' rows are replaced, the others being equal
    /// to those kept (at 10M sessions, rewriting all 0.45M rows was about 0.3 s of a 6 s daily build); any other build
    /// writes them all again.
    /// </summary>
    public static void Record(DbConnection connection, long buildId, bool changedOnly)
    {
        connection.Execute($"create table if not exists {Fingerprints} (build_id bigint, kind varchar, key varchar, n bigint, h hugeint)");
        if (!changedOnly)
        {
            connection.Execute($"delete from {Fingerprints}");
            connection.Execute($"insert into {Fingerprints} select $id, kind, key, n, h from _gtm_fp", ("id", buildId));
            return;
        }

        // _gtm_changed lists every key whose count or hash differs, on either side (a key with no row now is deleted).
        const string changed = "exists (select 1 from _gtm_changed as changed where changed.kind = {0}.kind and changed.key is not distinct from {0}.key)";
        connection.Execute($"delete from {Fingerprints} where {string.Format(CultureInfo.InvariantCulture, changed, Fingerprints)}");
        connection.Execute($"insert into {Fingerprints} select $id, kind, key, n, h from _gtm_fp as now where {string.Format(CultureInfo.InvariantCulture, changed, "now")}", ("id", buildId));
    }

    /// <summary>
    /// The changed days and accounts against the published build's fingerprints (all <see cref="Fingerprints"/> holds), in temp tables
    /// <see cref="Days"/> (<c>k date</c>) and <see cref="Accounts"/> (<c>k varchar</c>); <paramref name="webSessions"/> is
    /// the published <c>core.fct_web_sessions</c> table.
    /// </summary>
    public static ChangeSet Find(DbConnection connection, string webSessions)
    {
        connection.Execute("drop table if exists _gtm_changed");
        connection.Execute(
            $"""
            create temp table _gtm_changed as
            select coalesce(now.kind, old.kind) as kind, coalesce(now.key, old.key) as key
            from _gtm_fp as now
            full outer join {Fingerprints} as old
                on now.kind = old.kind and now.key = old.key
            where now.n is distinct from old.n or now.h is distinct from old.h
            """);
        const string users = "(select key from _gtm_changed where kind = 'contacts')";
        // A session feeds an account's rows only through the account's opportunities created on or after its day (their
        // touches and features): sessions on a changed day change the accounts that have such an opportunity. An
        // opportunity added, changed or removed marks its account changed by itself (opps_account).
        const string laterOpportunity =
            "select 1 from raw.salesforce_opportunities as later where trim(later.account_id) = sessions.account_id and later.created_date >= {day}";
        const string sessionDays = "(select cast(key as date) from _gtm_changed where kind = 'sessions_day')";
        foreach (var table in new[] { Days, Accounts })
        {
            connection.Execute($"drop table if exists {table}");
        }

        connection.Execute(
            $"""
            create temp table {Days} as
            select distinct cast(key as date) as k from _gtm_changed where kind in ('sessions_day', 'spend_day', 'opps_day') and key is not null
            union
            select distinct session_date from raw.web_analytics where trim(user_id) in {users}
            """);
        connection.Execute(
            $"""
            create temp table {Accounts} as
            select key as k from _gtm_changed where kind in ('opps_account', 'accounts') and key is not null
            union select nullif(trim(account_id), '') from raw.crm_contacts where trim(user_id) in {users}
            union select account_id from {webSessions} where user_id in {users}
            union
            select account_id from {webSessions} as sessions
            where date_day in {sessionDays} and exists ({laterOpportunity.Replace("{day}", "sessions.date_day", StringComparison.Ordinal)})
            union
            select nullif(trim(contacts.account_id), '')
            from raw.web_analytics as sessions
            inner join raw.crm_contacts as contacts on trim(sessions.user_id) = trim(contacts.user_id)
            where sessions.session_date in {sessionDays}
                and exists ({laterOpportunity.Replace("{day}", "sessions.session_date", StringComparison.Ordinal).Replace("sessions.account_id", "nullif(trim(contacts.account_id), '')", StringComparison.Ordinal)})
            """);
        connection.Execute($"delete from {Accounts} where k is null");
        return new ChangeSet
        {
            DayCount = connection.Scalar<long>($"select count(*) from {Days}"),
            AccountCount = connection.Scalar<long>($"select count(*) from {Accounts}"),
        };
    }

    /// <summary>A hash of every model, seed and declaration: when it changes, the next build rebuilds everything.</summary>
    public static string CatalogHash(ModelCatalog catalog)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var model in catalog.Models.OrderBy(m => m.QualifiedName, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(model.QualifiedName + "\n"));
            sha.AppendData(File.ReadAllBytes(model.Path));
        }

        foreach (var layer in ModelCatalog.Layers)
        {
            var declarations = Path.Combine(catalog.Directory, layer, Testing.DataTestDeclarations.FileName);
            if (File.Exists(declarations))
            {
                sha.AppendData(File.ReadAllBytes(declarations));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static string Describe(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
