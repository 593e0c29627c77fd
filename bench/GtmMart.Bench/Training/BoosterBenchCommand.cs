using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using GtmMart.Scoring.Opportunity;
using GtmMart.Training;
using GtmMart.Training.Export;
using GtmMart.Training.Opportunity;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GtmMart.Bench.Training;

/// <summary>
/// FastTree against LightGBM on one featurized split (issue 23.4): both from the product's trainer factory, FastTree
/// also with settings varied one at a time, in rounds (the order turned every round so drifting load falls on both).
/// Each thread count runs in its own process, since ML.NET's FastTree keeps the thread count of the first FastTree fit
/// in a process. A short fit beside each full one splits the fit into setup and per-tree cost.
/// </summary>
public sealed class BoosterBenchCommand : Command<BoosterBenchCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--snapshot <DIR>")]
        [Description("Feature snapshot (gtm export-features) to split and featurize")]
        public string Snapshot { get; init; } = "";

        [CommandOption("--threads <LIST>")]
        [Description("Trainer thread counts, each measured in its own process")]
        [DefaultValue("1")]
        public string Threads { get; init; } = "1";

        [CommandOption("--rounds <N>")]
        [Description("Rounds of every fit")]
        [DefaultValue(3)]
        public int Rounds { get; init; } = 3;

        [CommandOption("--short-trees <N>")]
        [Description("Trees of the short fit that splits each fit into setup and per-tree cost (0: none)")]
        [DefaultValue(20)]
        public int ShortTrees { get; init; } = 20;

        [CommandOption("--variants <LIST>")]
        [Description("FastTree variants beside the product's settings, ';'-separated NAME:Option=Value[,Option=Value] of FastTreeBinaryTrainer.Options")]
        [DefaultValue("")]
        public string Variants { get; init; } = "";

        [CommandOption("--breakdown")]
        [Description("One more FastTree fit with ExecutionTime on: its time per phase")]
        public bool Breakdown { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("Training config (default training/configs/default.json)")]
        public string? Config { get; init; }

        [CommandOption("--child")]
        [Description("Measure in this process (one thread count) and print the result as JSON")]
        public bool Child { get; init; }
    }

    /// <summary>One trainer's (or FastTree variant's) rounds: medians of wall and CPU seconds, setup and per-tree CPU.</summary>
    public sealed record BoosterRun(string Name, string Settings, double[] Wall, double[] Cpu, double[] ShortCpu, double HoldoutAuc)
    {
        public double MedianWall() => Median(Wall);

        public double MedianCpu() => Median(Cpu);
    }

    /// <summary>One process's measurements at one thread count.</summary>
    public sealed record BoosterResult(int Threads, int TrainRows, int HoldoutRows, int Slots, double FeaturizeSeconds, int Trees, int ShortTrees, List<BoosterRun> Runs, List<string> Breakdown);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Snapshot.Length == 0)
        {
            throw new InvalidOperationException("--snapshot DIR is required (a folder written by gtm export-features).");
        }

        if (settings.Rounds < 1 || settings.ShortTrees < 0)
        {
            throw new InvalidOperationException("--rounds must be 1 or more and --short-trees 0 or more.");
        }

        if (settings.Child)
        {
            var result = Measure(settings, int.Parse(settings.Threads, CultureInfo.InvariantCulture));
            Console.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }

        var before = MarkdownSection.LoadAverage();
        var machine = MarkdownSection.MachineLine();
        var results = new List<BoosterResult>();
        foreach (var t in BenchSettings.Numbers(settings.Threads))
        {
            AnsiConsole.MarkupLine($"{t} thread(s), in its own process ...");
            results.Add(InChildProcess(settings.Snapshot, (int)t, settings.Rounds, settings.ShortTrees, settings.Variants, settings.Breakdown, settings.Config));
        }

        var markdown = Markdown(settings, results, machine, before, MarkdownSection.LoadAverage());
        MarkdownSection.Write(settings.Out, $"boosters-{results[0].TrainRows + results[0].HoldoutRows}", markdown);
        Console.Out.Write(markdown);
        return 0;
    }

    /// <summary>
    /// Measures one thread count in a child process of this benchmark (ML.NET's FastTree keeps the thread count of a
    /// process's first FastTree fit), echoing its output indented.
    /// </summary>
    public static BoosterResult InChildProcess(string snapshot, int threads, int rounds, int shortTrees, string variants, bool breakdown, string? config)
    {
        var inv = CultureInfo.InvariantCulture;
        var child = ChildRun.Run("dotnet", [typeof(BoosterBenchCommand).Assembly.Location, "boosters", "--child", "--snapshot", snapshot,
            "--threads", threads.ToString(inv), "--rounds", rounds.ToString(inv), "--short-trees", shortTrees.ToString(inv), "--variants", variants,
            .. breakdown ? ["--breakdown"] : Array.Empty<string>(), .. config is { } c ? ["--config", c] : Array.Empty<string>()],
            line => Console.WriteLine($"  | {line}"));
        return JsonSerializer.Deserialize<BoosterResult>(child.Stdout.Trim().Split('\n')[^1])
            ?? throw new InvalidOperationException("the booster benchmark's child printed no result");
    }

    private static BoosterResult Measure(Settings settings, int threads)
    {
        var o = TrainingConfig.Resolve(settings.Config).Opportunity;
        var rows = FeatureSnapshot.ReadOpportunities(Path.GetFullPath(settings.Snapshot));
        var split = TrainerComparison.Featurize(rows, o, new Progress<string>(Console.WriteLine));
        var fastTrees = new List<(string Name, string Settings)> { ("FastTree", "") };
        fastTrees.AddRange(settings.Variants.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => v.Split(':', 2) is [var name, var set] ? (name, set) : throw new InvalidOperationException($"variant '{v}' is not NAME:Option=Value")));
        // First, before any other FastTree fit: ML.NET's FastTree timer is static and sums every fit of the process.
        var breakdown = settings.Breakdown ? Breakdown(split, o, threads) : [];
        var names = fastTrees.Select(f => f.Name).Append("LightGBM").ToList();

        // One short fit of each booster first, not counted: the first fit in a process pays for loading and compiling
        // the booster's code (FastTree: 0.5-0.9 s more CPU at 100k opportunities), which would otherwise fall on whichever runs first.
        var warmUp = o with { Boosting = o.Boosting with { NumberOfTrees = Math.Max(1, settings.ShortTrees) } };
        TrainerComparison.Fit("FastTree", split, Trainer(warmUp, threads, ""));
        TrainerComparison.Fit("LightGBM", split, Trainer(warmUp, threads, null));
        var wall = names.ToDictionary(n => n, _ => new List<double>());
        var cpu = names.ToDictionary(n => n, _ => new List<double>());
        var shortCpu = names.ToDictionary(n => n, _ => new List<double>());
        var auc = new Dictionary<string, double>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            // Turn the order every round, so a load that drifts during a round falls on every trainer alike.
            var order = round % 2 == 0 ? names : Enumerable.Reverse(names).ToList();
            foreach (var name in order)
            {
                var variant = fastTrees.FirstOrDefault(f => f.Name == name).Settings;
                if (settings.ShortTrees > 0)
                {
                    shortCpu[name].Add(TrainerComparison.Fit(name, split, Trainer(o with { Boosting = o.Boosting with { NumberOfTrees = settings.ShortTrees } }, threads, variant)).TrainCpuSeconds);
                }

                var timing = TrainerComparison.Fit(name, split, Trainer(o, threads, variant));
                wall[name].Add(timing.Train.TotalSeconds);
                cpu[name].Add(timing.TrainCpuSeconds);
                auc[name] = timing.HoldoutAuc;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: {name} {timing.Train.TotalSeconds:0.00}s wall, {timing.TrainCpuSeconds:0.00}s CPU, holdout AUC {timing.HoldoutAuc:0.0000}"));
            }
        }

        return new BoosterResult(threads, split.TrainRows, split.HoldoutRows, split.Slots, split.Featurize.TotalSeconds, o.Boosting.NumberOfTrees, settings.ShortTrees,
            [.. fastTrees.Select(f => (f.Name, f.Settings.Length == 0 ? "the product's" : f.Settings)).Append(("LightGBM", "the product's")).Select(n => new BoosterRun(n.Item1, n.Item2, [.. wall[n.Item1]], [.. cpu[n.Item1]], [.. shortCpu[n.Item1]], auc[n.Item1]))],
            breakdown);
    }

    /// <summary>LightGBM (variant null) or FastTree from the product's factory, with the variant's options set.</summary>
    private static IEstimator<ITransformer> Trainer(OpportunityTrainingOptions o, int threads, string? variant)
    {
        var ml = new MLContext(o.Seed);
        if (variant is null)
        {
            return OpportunityFits.Trainer(ml, OpportunityModelMetadata.LightGbm, o, threads, earlyStopping: false);
        }

        var options = OpportunityFits.FastTreeOptions(o, threads, earlyStopping: false);
        Apply(options, variant);
        return ml.BinaryClassification.Trainers.FastTree(options);
    }

    /// <summary>Sets <c>Option=Value</c> pairs (comma-separated) on FastTree's options by name.</summary>
    internal static void Apply(FastTreeBinaryTrainer.Options options, string assignments)
    {
        foreach (var pair in assignments.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, text) = pair.Split('=', 2) is [var n, var v] ? (n, v) : throw new InvalidOperationException($"'{pair}' is not Option=Value");
            var field = typeof(FastTreeBinaryTrainer.Options).GetField(name, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"FastTreeBinaryTrainer.Options has no field {name}");
            var type = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
            field.SetValue(options, type.IsEnum ? Enum.Parse(type, text) : Convert.ChangeType(text, type, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A FastTree fit with the product's settings and ExecutionTime on: the lines of its time breakdown.</summary>
    private static List<string> Breakdown(FeaturizedSplit split, OpportunityTrainingOptions o, int threads)
    {
        var ml = new MLContext(o.Seed);
        var lines = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains("Time", StringComparison.OrdinalIgnoreCase) || e.Message.Contains('\t', StringComparison.Ordinal))
            {
                lock (lines)
                {
                    lines.Add(e.Message);
                }
            }
        };
        var options = OpportunityFits.FastTreeOptions(o, threads, earlyStopping: false);
        options.ExecutionTime = true;
        Task.Run(() => ml.BinaryClassification.Trainers.FastTree(options).Fit(split.Train)).GetAwaiter().GetResult();
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        return lines;
    }

    private static string Markdown(Settings settings, List<BoosterResult> results, string machine, string before, string after)
    {
        var inv = CultureInfo.InvariantCulture;
        var first = results[0];
        var md = new StringBuilder();
        md.AppendLine(inv, $"### FastTree against LightGBM, {first.TrainRows + first.HoldoutRows:N0} closed deals");
        md.AppendLine();
        md.AppendLine(inv, $"Command: `dotnet run --project bench/GtmMart.Bench -c Release -- boosters --snapshot DIR --threads {settings.Threads} --rounds {settings.Rounds} --short-trees {settings.ShortTrees}{(settings.Variants.Length > 0 ? $" --variants \"{settings.Variants}\"" : "")}{(settings.Breakdown ? " --breakdown" : "")}`  ");
        md.AppendLine(machine);
        md.AppendLine();
        md.AppendLine(inv, $"Load average (1, 5, 15 min) before {before}, after {after}. {first.TrainRows:N0} training rows, {first.HoldoutRows:N0} holdout, {first.Slots} slots, featurized once per process ({first.FeaturizeSeconds:0.0}s); a short fit of each booster first, not counted (the first fit in a process loads and compiles its code); {first.Trees} trees, no early stopping; each thread count in its own process; medians of {settings.Rounds} rounds. {(first.ShortTrees > 0 && first.Trees > first.ShortTrees ? $"Setup and per-tree CPU come from a {first.ShortTrees}-tree fit beside each full one: per tree = (full - short) / {first.Trees - first.ShortTrees}, setup = short - {first.ShortTrees} x per tree." : "No short fits (--short-trees 0), so no setup and per-tree split.")}");
        md.AppendLine();
        md.AppendLine("| threads | trainer | settings | fit s wall | fit s CPU | setup CPU s | per tree CPU ms | holdout AUC | / LightGBM wall | / LightGBM CPU |");
        md.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var light = r.Runs.Single(x => x.Name == "LightGBM");
            foreach (var run in r.Runs)
            {
                var (setup, perTree) = Split(run, r);
                md.AppendLine(inv, $"| {r.Threads} | {run.Name} | {run.Settings} | {run.MedianWall():0.00} | {run.MedianCpu():0.00} | {setup:0.00} | {perTree * 1000:0.00} | {run.HoldoutAuc:0.0000} | {Ratio(run.Wall, light.Wall):0.00}x | {Ratio(run.Cpu, light.Cpu):0.00}x |");
            }
        }

        foreach (var r in results.Where(r => r.Breakdown.Count > 0))
        {
            md.AppendLine();
            md.AppendLine(inv, $"FastTree's own time breakdown (its ExecutionTime option: wall-clock seconds of one fit with the product's settings, before the rounds; phases nest, so shares add up to more than 100%), {r.Threads} thread(s):");
            md.AppendLine();
            md.AppendLine("```");
            foreach (var line in Timed(r.Breakdown))
            {
                md.AppendLine(line);
            }

            md.AppendLine("```");
        }

        return md.ToString();
    }

    /// <summary>The breakdown's header and its phases that took any time (ML.NET prints every phase it knows, most at 0).</summary>
    internal static IEnumerable<string> Timed(IEnumerable<string> messages) =>
        messages.SelectMany(m => m.Split('\n')).TakeWhile(l => !l.StartsWith("Count Statistics", StringComparison.Ordinal))
            .Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && (l.StartsWith("Name", StringComparison.Ordinal) || l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var time, ..]
                && double.TryParse(time, CultureInfo.InvariantCulture, out var seconds) && seconds > 0));

    /// <summary>Median per-round ratio (each round's trainers ran back to back, so the load of that round cancels).</summary>
    private static double Ratio(double[] a, double[] b) => Median([.. a.Zip(b, (x, y) => x / y)]);

    private static (double Setup, double PerTree) Split(BoosterRun run, BoosterResult r)
    {
        if (run.ShortCpu.Length == 0 || r.Trees <= r.ShortTrees)
        {
            return (double.NaN, double.NaN);
        }

        var perTree = (Median(run.Cpu) - Median(run.ShortCpu)) / (r.Trees - r.ShortTrees);
        return (Median(run.ShortCpu) - r.ShortTrees * perTree, perTree);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
