using System.Text;
using GtmMart.Tests.Support;
using GtmMart.Warehouse.Bulk;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Tables;

namespace GtmMart.Tests.Connection;

/// <summary>The dialect's typed bulk write on DuckDB: every value as given, text as string or as UTF-8, and a row of the wrong width refused.</summary>
public sealed class BulkWriteTests
{
    private static readonly DeclaredTable Table = DeclaredTable.Parse(
        """
        create table if not exists bulk.t (
            id varchar not null,
            note varchar,
            n integer not null,
            big bigint not null,
            x double not null,
            flag boolean not null,
            day date not null,
            stamp timestamp not null
        )
        """,
        "test");

    private sealed record Item(string Id, string? Note, byte[]? NoteUtf8, int N, long Big, double X, bool Flag, DateOnly Day, DateTime At);

    [Fact]
    public void Typed_rows_are_stored_as_given_and_utf8_text_as_its_string()
    {
        using var folder = new TempDirectory();
        var (warehouse, connection) = Open(folder);
        using var open = connection;
        var at = new DateTime(2026, 12, 5, 11, 12, 13, DateTimeKind.Utc);
        Item[] items =
        [
            new("a", "plain", null, 1, 10_000_000_000, 0.25, true, new DateOnly(2026, 12, 5), at),
            new("b", null, Encoding.UTF8.GetBytes("São Paulo \"quoted\" – [{\"k\":1}]"), -2, -3, double.MaxValue, false, new DateOnly(2020, 1, 1), at.AddDays(-1)),
            new("c", null, [], 3, 0, -0.5, true, new DateOnly(2026, 1, 31), at),
            new("d", null, null, 4, 1, 1e-300, false, new DateOnly(2026, 2, 1), at),
        ];

        using var staged = warehouse.Dialect.StageRows(connection, Table, items, (item, row) =>
        {
            row.Add(item.Id);
            _ = item.NoteUtf8 is { } utf8 ? row.AddUtf8(utf8) : item.Note is { } note ? row.Add(note) : row.AddNull();
            row.Add(item.N).Add(item.Big).Add(item.X).Add(item.Flag).Add(item.Day).Add(item.At);
        }, null);
        Assert.Equal((long)items.Length, connection.InTransaction(_ => staged.Append()));

        var stored = connection.Query(
            "select id, note, n, big, x, flag, day, stamp from bulk.t order by id",
            r => new Item(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), null, r.GetInt32(2), r.GetInt64(3), r.GetDouble(4), r.GetBoolean(5),
                DateOnly.FromDateTime(r.GetDateTime(6)), DateTime.SpecifyKind(r.GetDateTime(7), DateTimeKind.Utc)));
        // UTF-8 text reads back as its string; an empty UTF-8 text is an empty string, not null.
        var expected = items.Select(i => i with { Note = i.NoteUtf8 is { } b ? Encoding.UTF8.GetString(b) : i.Note, NoteUtf8 = null }).ToList();
        Assert.Equal(expected, stored);
        Assert.Equal("", stored[2].Note);
    }

    [Fact]
    public void A_row_with_too_few_or_too_many_values_names_the_table_and_is_not_appended()
    {
        using var folder = new TempDirectory();
        var (warehouse, connection) = Open(folder);
        using var open = connection;

        using var few = warehouse.Dialect.StageRows(connection, Table, [1], (_, row) => row.Add("a").AddNull(), null);
        var tooFew = Assert.Throws<ArgumentException>(() => few.Append());
        Assert.Equal("a row for bulk.t has 2 values; the table has 8 columns", tooFew.Message);

        using var many = warehouse.Dialect.StageRows(connection, Table, [1], (_, row) =>
            row.Add("a").AddNull().Add(1).Add(2L).Add(3.0).Add(true).Add(new DateOnly(2026, 1, 1)).Add(DateTime.UnixEpoch).Add("extra"), null);
        var tooMany = Assert.Throws<ArgumentException>(() => many.Append());
        Assert.Equal("a row for bulk.t has more than 8 values; the table has 8 columns", tooMany.Message);

        Assert.Equal(0L, connection.Query("select count(*) from bulk.t", r => r.GetInt64(0)).Single());
    }

    /// <summary>A new warehouse in <paramref name="folder"/> with the empty test table, and a connection to it.</summary>
    private static (DuckDbWarehouse Warehouse, System.Data.Common.DbConnection Connection) Open(TempDirectory folder)
    {
        var warehouse = new DuckDbWarehouse(folder.File("w.duckdb"));
        var connection = warehouse.Open();
        connection.Execute("create schema bulk");
        connection.Execute(Table.Sql);
        return (warehouse, connection);
    }
}
