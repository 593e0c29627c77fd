using GtmMart.DemoData;
using GtmMart.Tests.Support;

namespace GtmMart.Tests.DemoData;

/// <summary>One generated data set in a temp folder, with its files parsed (the generator never quotes these files).</summary>
public sealed class DemoDataSet : IDisposable
{
    private readonly TempDirectory _temp = new();

    public DemoDataSet(int accounts, int days, int seed = 42, long? sessions = null)
    {
        Options = new GeneratorOptions { OutputDirectory = _temp.Sub("raw"), Accounts = accounts, Days = days, Seed = seed, Sessions = sessions };
        Result = DemoDataGenerator.Generate(Options);
        Accounts = CsvTable.Load(Path.Combine(Options.OutputDirectory, "salesforce_accounts.csv"));
        Contacts = CsvTable.Load(Path.Combine(Options.OutputDirectory, "crm_contacts.csv"));
        Sessions = CsvTable.Load(Path.Combine(Options.OutputDirectory, "web_analytics.csv"));
        AdSpend = CsvTable.Load(Path.Combine(Options.OutputDirectory, "ad_spend.csv"));
        Opportunities = CsvTable.Load(Path.Combine(Options.OutputDirectory, "salesforce_opportunities.csv"));
        Truth = CsvTable.Load(Result.GroundTruthPath);
    }

    public GeneratorOptions Options { get; }

    public GeneratorResult Result { get; }

    public CsvTable Accounts { get; }

    public CsvTable Contacts { get; }

    public CsvTable Sessions { get; }

    public CsvTable AdSpend { get; }

    public CsvTable Opportunities { get; }

    public CsvTable Truth { get; }

    public void Dispose() => _temp.Dispose();
}

/// <summary>A CSV file as header + rows of fields (plain comma split: the demo files contain no quoted fields).</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
        _columns = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public int this[string column] => _columns[column];

    public IEnumerable<string> Column(string column)
    {
        var i = _columns[column];
        return Rows.Select(r => r[i]);
    }

    public static CsvTable Load(string path)
    {
        var text = File.ReadAllText(path);
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        var header = lines[0].Split(',');
        var rows = new List<string[]>(lines.Length);
        for (var i = 1; i < lines.Length - 1; i++)
        {
            var fields = lines[i].Split(',');
            Assert.True(fields.Length == header.Length, $"{Path.GetFileName(path)} line {i + 1} has {fields.Length} fields, expected {header.Length}: {lines[i]}");
            rows.Add(fields);
        }

        return new CsvTable(header, rows);
    }
}

/// <summary>Shared data sets, generated once per test run (each takes well under a second).</summary>
public sealed class DemoDataFixture : IDisposable
{
    /// <summary>2,000 accounts over the seed's 90-day window: large enough for rate checks.</summary>
    public DemoDataSet SeedWindow { get; } = new(accounts: 2_000, days: 90, seed: 7);

    /// <summary>Default-length window (270 days) with 400 accounts: integrity and age effects.</summary>
    public DemoDataSet Default { get; } = new(accounts: 400, days: 270, seed: 42);

    public void Dispose()
    {
        SeedWindow.Dispose();
        Default.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DemoDataGroup : ICollectionFixture<DemoDataFixture>
{
    public const string Name = "DemoData";
}
