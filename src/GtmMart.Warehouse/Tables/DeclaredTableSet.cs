using System.Data.Common;
using System.Reflection;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.Models;
using GtmMart.Warehouse.Testing;

namespace GtmMart.Warehouse.Tables;

/// <summary>
/// The tables of one folder under <c>sql/</c> that GtmMart writes itself (the score tables in <c>sql/scores</c>, the
/// history tables in <c>sql/history</c>): one <see cref="DeclaredTable"/> file each and their data tests in the
/// folder's <c>_tables.yml</c>, all built into an assembly as resources named <c>prefix.file</c>.
/// </summary>
public sealed class DeclaredTableSet
{
    public const string TestsFile = "_tables.yml";

    private readonly Assembly assembly;
    private readonly string resourcePrefix;

    /// <param name="assembly">The assembly the files are built into.</param>
    /// <param name="resourcePrefix">Resource name before the file name (e.g. <c>GtmMart.Serving.scores</c>).</param>
    /// <param name="folder">The folder as the repository names it (e.g. <c>sql/scores</c>), for messages.</param>
    /// <param name="tables">Schema and name of each table, in the order they are created and listed.</param>
    public DeclaredTableSet(Assembly assembly, string resourcePrefix, string folder, IReadOnlyList<(string Schema, string Name)> tables)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(tables);
        this.assembly = assembly;
        this.resourcePrefix = resourcePrefix;
        Folder = folder;
        All = [.. tables.Select(t => Declared(t.Schema, t.Name))];
        DataTests = DataTestDeclarations.LoadTables(Resource(TestsFile), $"{Folder}/{TestsFile}", [.. All.Select(t => t.QualifiedName)]);
    }

    public string Folder { get; }

    /// <summary>Every table of the set, in declaration order.</summary>
    public IReadOnlyList<DeclaredTable> All { get; }

    /// <summary>The data tests declared for the set's tables.</summary>
    public IReadOnlyList<DataTest> DataTests { get; }

    /// <summary>The table <paramref name="schema"/>.<paramref name="name"/> of the set.</summary>
    public DeclaredTable this[string schema, string name] =>
        All.FirstOrDefault(t => t.Schema == schema && t.Name == name)
        ?? throw new InvalidOperationException($"{Folder} declares no table {schema}.{name}");

    /// <summary>Creates the tables that are missing and adds the columns declared since an older release made them.</summary>
    public void Ensure(DbConnection connection)
    {
        foreach (var table in All)
        {
            table.Ensure(connection);
        }
    }

    /// <summary>The set's tables that exist in the warehouse, by qualified name.</summary>
    public IReadOnlySet<string> Existing(DbConnection connection)
    {
        var names = All.Select(t => t.QualifiedName).ToHashSet(StringComparer.Ordinal);
        var schemas = All.Select(t => t.Schema).Distinct(StringComparer.Ordinal).ToList();
        return connection.Query(
                $"select lower(table_schema), lower(table_name) from information_schema.tables where lower(table_schema) in ({string.Join(", ", schemas.Select((_, i) => $"$s{i}"))})",
                r => $"{r.GetString(0)}.{r.GetString(1)}",
                [.. schemas.Select((s, i) => ($"s{i}", (object?)s))])
            .Where(names.Contains)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The data tests of the set's tables that exist (none before they are first written).</summary>
    public IReadOnlyList<DataTest> ExistingTests(DbConnection connection)
    {
        var existing = Existing(connection);
        return [.. DataTests.Where(t => existing.Contains(t.Model))];
    }

    /// <summary>Runs data tests (default: all of the set's) against what <paramref name="connection"/> sees (its open transaction included).</summary>
    public IReadOnlyList<DataTestResult> Test(DbConnection connection, IReadOnlyList<DataTest>? tests = null, IProgress<DataTestResult>? progress = null) =>
        DataTestRunner.Run(connection, tests ?? DataTests, SqlRewriter.Published([]), progress);

    /// <summary>The data tests of the given tables only.</summary>
    public IReadOnlyList<DataTest> TestsOf(params DeclaredTable[] tables) =>
        [.. DataTests.Where(t => tables.Any(table => table.QualifiedName == t.Model))];

    private DeclaredTable Declared(string schema, string name)
    {
        var file = $"{name}.sql";
        var table = DeclaredTable.Parse(Resource(file), $"{Folder}/{file}");
        return table.Schema == schema && table.Name == name
            ? table
            : throw new InvalidOperationException($"{Folder}/{file} declares {table.QualifiedName}, expected {schema}.{name}");
    }

    private string Resource(string file)
    {
        using var stream = assembly.GetManifestResourceStream($"{resourcePrefix}.{file}")
            ?? throw new InvalidOperationException($"the built-in table file {Folder}/{file} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
