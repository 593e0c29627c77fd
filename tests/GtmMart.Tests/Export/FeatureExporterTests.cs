using System.Security.Cryptography;
using GtmMart.Tests.Support;
using GtmMart.Training.Export;
using GtmMart.Warehouse.Building;
using GtmMart.Warehouse.Connection;

namespace GtmMart.Tests.Export;

/// <summary>
/// One warehouse with <c>mart.all_types</c> (250k rows, every mapped type, NULLs) exported twice; the tests read the
/// exports back with DuckDB and check them against the table and the manifest.
/// </summary>
public sealed class ExportFixture : IDisposable
{
    public const int Rows = 250_000;
    public const long BuildId = 42;
    public const string Table = "mart.all_types";

    public ExportFixture()
    {
        using (var connection = Db.Warehouse.Open())
        {
            ExportTables.CreateAllTypes(connection, Rows);
            BuildMetadata.Ensure(connection);
            connection.Execute("insert into gtm_meta.builds (build_id, status, started_at, published_at) values (41, 'failed', now(), null), ($id, 'published', now(), now())",
                ("id", BuildId));
        }

        Started = DateTime.UtcNow;
        First = Db.Folder.Sub("first");
        Second = Db.Folder.Sub("second");
        FirstManifest = FeatureExporter.Export(Db.Warehouse, First, [Table], Progress);
        SecondManifest = FeatureExporter.Export(Db.Warehouse, Second, [Table]);
        Finished = DateTime.UtcNow;
    }

    public TestWarehouse Db { get; } = new();

    public List<string> Messages { get; } = [];

    public DateTime Started { get; }

    public DateTime Finished { get; }

    public string First { get; }

    public string Second { get; }

    public ExportManifest FirstManifest { get; }

    public ExportManifest SecondManifest { get; }

    public string FirstFile => Path.Combine(First, "all_types.parquet");

    private SynchronousProgress Progress => new(Messages.Add);

    public void Dispose() => Db.Dispose();

    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

public sealed class FeatureExporterTests(ExportFixture fixture) : IClassFixture<ExportFixture>
{
    private string ReadParquet => $"read_parquet({ExportTables.Literal(fixture.FirstFile)})";

    [Fact]
    public void Export_reads_back_in_duckdb_equal_to_the_table_row_for_row()
    {
        Assert.Equal(ExportFixture.Rows, fixture.Db.Scalar<long>($"select count(*) from {ReadParquet}"));
        Assert.Equal(0, fixture.Db.Scalar<long>($"select count(*) from ({ExportTables.AllTypesAsExported} except all select * from {ReadParquet})"));
        Assert.Equal(0, fixture.Db.Scalar<long>($"select count(*) from (select * from {ReadParquet} except all {ExportTables.AllTypesAsExported})"));

        // NULLs survived (EXCEPT treats NULLs as equal, so also count them directly).
        var nulls = fixture.Db.Rows($"select count(*) - count(dbl), count(*) - count(label), count(*) - count(ts), count(*) - count(flag) from {ReadParquet}")[0];
        var expected = fixture.Db.Rows("select count(*) - count(dbl), count(*) - count(label), count(*) - count(ts), count(*) - count(flag) from mart.all_types")[0];
        Assert.Equal(expected, nulls);
        Assert.True((long)nulls[0]! > 0);
    }

    [Fact]
    public void Columns_have_the_mapped_types()
    {
        var described = fixture.Db.Rows($"select column_name, column_type from (describe select * from {ReadParquet})")
            .Select(r => ((string)r[0]!, (string)r[1]!))
            .ToList();
        Assert.Equal(ExportTables.AllTypesColumns.Select(c => (c.Name, c.DuckDb)).ToList(), described);
    }

    [Fact]
    public void Rows_are_ordered_by_the_first_column_in_row_groups_of_100k()
    {
        var outOfOrder = fixture.Db.Scalar<long>(
            $"""
            select count(*) from (
                select id, lag(id) over (order by file_row_number) as previous
                from read_parquet({ExportTables.Literal(fixture.FirstFile)}, file_row_number = true))
            where previous >= id
            """);
        Assert.Equal(0, outOfOrder);
        Assert.Equal("id-0000000", fixture.Db.Scalar<string>($"select id from read_parquet({ExportTables.Literal(fixture.FirstFile)}, file_row_number = true) where file_row_number = 0"));

        var groups = fixture.Db.Rows(
            $"select row_group_id, any_value(row_group_num_rows), any_value(compression) from parquet_metadata({ExportTables.Literal(fixture.FirstFile)}) group by all order by 1");
        Assert.Equal([100_000L, 100_000L, 50_000L], groups.Select(g => Convert.ToInt64(g[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(groups, g => Assert.Equal("ZSTD", g[2]));
    }

    [Fact]
    public void Manifest_describes_the_file_and_the_source()
    {
        var manifest = ExportManifest.Read(fixture.First);
        Assert.Equal(fixture.Db.Warehouse.DisplayName, manifest.Source);
        Assert.Equal(ExportFixture.BuildId, manifest.SourceBuildId);
        Assert.Equal(DateTimeKind.Utc, manifest.CreatedAt.Kind);
        Assert.InRange(manifest.CreatedAt, fixture.Started.AddSeconds(-1), fixture.Finished.AddSeconds(1));

        var file = Assert.Single(manifest.Files);
        Assert.Equal(ExportFixture.Table, file.Table);
        Assert.Equal("all_types.parquet", file.File);
        Assert.Equal(ExportFixture.Rows, file.Rows);
        Assert.Equal(3, file.RowGroups);
        Assert.Equal(ExportTables.AllTypesColumns.Select(c => new ExportedColumn(c.Name, c.Parquet)), file.Columns);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(fixture.FirstFile))), file.Sha256);
        Assert.Equal(
            Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(file.Sha256 + "\n"))),
            manifest.SnapshotHash);
        Assert.Equal(fixture.FirstManifest.SnapshotHash, manifest.SnapshotHash);

        var json = File.ReadAllText(Path.Combine(fixture.First, "manifest.json"));
        foreach (var key in new[] { "\"created_at\"", "\"source\"", "\"source_build_id\": 42", "\"files\"", "\"row_groups\": 3", "\"sha256\"", "\"snapshot_hash\"", "\"columns\"" })
        {
            Assert.Contains(key, json, StringComparison.Ordinal);
        }

        Assert.Contains(fixture.Messages, m => m.Contains("250,000 rows in 3 row group(s)", StringComparison.Ordinal));
        Assert.Equal(manifest.SnapshotHash, ExportManifest.Verify(fixture.First).SnapshotHash);
    }

    [Fact]
    public void Exporting_the_same_mart_twice_gives_identical_files_and_hashes()
    {
        Assert.Equal(fixture.FirstManifest.SnapshotHash, fixture.SecondManifest.SnapshotHash);
        Assert.Equal(fixture.FirstManifest.Files[0].Sha256, fixture.SecondManifest.Files[0].Sha256);
        Assert.Equal(File.ReadAllBytes(fixture.FirstFile), File.ReadAllBytes(Path.Combine(fixture.Second, "all_types.parquet")));
    }

    [Fact]
    public void Verify_names_a_changed_file()
    {
        using var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(fixture.First))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }

        ExportManifest.Verify(copy.Path);
        var path = copy.File("all_types.parquet");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var changed = Assert.Throws<InvalidDataException>(() => ExportManifest.Verify(copy.Path));
        Assert.Contains("all_types.parquet", changed.Message, StringComparison.Ordinal);
        Assert.Contains("changed", changed.Message, StringComparison.Ordinal);

        File.Delete(path);
        var missing = Assert.Throws<FileNotFoundException>(() => ExportManifest.Verify(copy.Path));
        Assert.Contains("all_types.parquet", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_rejects_an_edited_snapshot_hash()
    {
        using var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(fixture.First))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }

        var manifest = copy.File("manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(fixture.FirstManifest.SnapshotHash, new string('0', 64), StringComparison.Ordinal));
        var ex = Assert.Throws<InvalidDataException>(() => ExportManifest.Verify(copy.Path));
        Assert.Contains("snapshot_hash", ex.Message, StringComparison.Ordinal);
    }
}

public sealed class FeatureExporterEdgeTests : IDisposable
{
    private readonly TestWarehouse db = new();

    public void Dispose() => db.Dispose();

    [Fact]
    public void Empty_table_exports_a_readable_file_and_no_build_means_null_build_id()
    {
        using (var connection = db.Warehouse.Open())
        {
            ExportTables.CreateAllTypes(connection, 0);
        }

        var dir = db.Folder.Sub("empty");
        var manifest = FeatureExporter.Export(db.Warehouse, dir, ["mart.all_types"]);
        Assert.Null(manifest.SourceBuildId);
        Assert.Equal(0, manifest.Files[0].Rows);
        var path = ExportTables.Literal(Path.Combine(dir, "all_types.parquet"));
        Assert.Equal(0, db.Scalar<long>($"select count(*) from read_parquet({path})"));
        Assert.Equal(
            ExportTables.AllTypesColumns.Select(c => c.DuckDb),
            db.Rows($"select column_type from (describe select * from read_parquet({path}))").Select(r => (string)r[0]!));
    }

    [Fact]
    public void Unsupported_column_type_is_named()
    {
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema mart; create table mart.odd as select 1 as id, [1, 2] as tags");
        }

        var ex = Assert.Throws<NotSupportedException>(() => FeatureExporter.Export(db.Warehouse, db.Folder.Sub("odd"), ["mart.odd"]));
        Assert.Contains("mart.odd.tags", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(db.Folder.Path, "odd", "odd.parquet.tmp")));
    }

    [Fact]
    public void A_hugeint_beyond_64_bits_fails_the_export_naming_the_column()
    {
        using (var connection = db.Warehouse.Open())
        {
            connection.Execute("create schema mart; create table mart.wide_sums as select i::varchar as id, i::hugeint * 3 as total from range(5000) t(i)");
            connection.Execute("update mart.wide_sums set total = 170141183460469231731687303715884105727 where id = '4321'");
        }

        var ex = Assert.ThrowsAny<Exception>(() => FeatureExporter.Export(db.Warehouse, db.Folder.Sub("wide"), ["mart.wide_sums"]));
        Assert.Contains("mart.wide_sums.total: value 170141183460469231731687303715884105727 does not fit a 64-bit integer column", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(db.Folder.Path, "wide", "wide_sums.parquet")));
        Assert.False(File.Exists(Path.Combine(db.Folder.Path, "wide", "wide_sums.parquet.tmp")));
    }

    [Fact]
    public void Default_tables_are_the_two_feature_marts() =>
        Assert.Equal(["mart.mrt_opportunity_features", "mart.mrt_account_features"], FeatureExporter.DefaultTables);
}
