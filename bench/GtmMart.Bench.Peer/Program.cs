using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using GtmMart.Bench.Training;
using GtmMart.Training;
using GtmMart.Training.Export;

// The training peer benchmark (docs/BENCHMARKS.md, "Training against scikit-learn"): on one exported feature snapshot,
// in one run, times `gtm train` (the real command, in a child process, with 1 thread and with all cores) and
// scikit-learn's logistic regression and HistGradientBoosting with early stopping (5-fold CV plus a final fit each,
// 1 thread and all) on the same Parquet file, and FastTree against LightGBM on the same featurized split.
// Usage: GtmMart.Bench.Peer --snapshot DIR [--gtm PATH/gtm.dll] [--python /usr/bin/python3] [--config FILE] [--work DIR]
var inv = CultureInfo.InvariantCulture;
var options = Args(args);
var snapshot = Path.GetFullPath(options.GetValueOrDefault("snapshot") ?? throw new ArgumentException("--snapshot DIR is required (gtm export-features --out DIR)"));
var gtm = Path.GetFullPath(options.GetValueOrDefault("gtm") ?? Path.Combine("src", "GtmMart.Cli", "bin", "Release", "net10.0", "gtm.dll"));
var python = options.GetValueOrDefault("python") ?? "/usr/bin/python3";
var work = Path.GetFullPath(options.GetValueOrDefault("work") ?? Path.Combine(Path.GetTempPath(), "gtm-bench-peer"));
var config = TrainingConfig.Resolve(options.GetValueOrDefault("config"));
Directory.CreateDirectory(work);
var cores = Environment.ProcessorCount;
Console.WriteLine($"snapshot {snapshot}, {cores} cores, load average {Load()}");

// 1. The same Parquet file as CSV for Python (Debian serves no Parquet reader for it), written by DuckDB.
var csv = Path.Combine(work, "opportunities.csv");
var watch = Stopwatch.StartNew();
using (var duck = new DuckDBConnection("DataSource=:memory:"))
{
    duck.Open();
    using var cmd = duck.CreateCommand();
    var parquet = Path.Combine(snapshot, "mrt_opportunity_features.parquet").Replace("'", "''", StringComparison.Ordinal);
    cmd.CommandText = $"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{csv.Replace("'", "''", StringComparison.Ordinal)}' (HEADER)";
    cmd.ExecuteNonQuery();
}

var toCsv = watch.Elapsed.TotalSeconds;
var rows = FeatureSnapshot.ReadOpportunities(snapshot);
var o = config.Opportunity;
var categorical = o.CategoricalFeatures.Except(TrainerComparison.Excluded).ToList();
var numeric = o.NumericFeatures.Except(TrainerComparison.Excluded).ToList();
Console.WriteLine($"{rows.Count:N0} opportunities; Parquet to CSV by DuckDB {toCsv:0.0}s");

// 2. gtm train, one thread and all cores.
var gtmSeconds = new Dictionary<int, double>();
foreach (var threads in new[] { 1, cores })
{
    var configFile = Path.Combine(work, $"config-{threads}.json");
    File.WriteAllText(configFile, (config with { Opportunity = o with { Threads = threads } }).ToJson());
    var registry = Path.Combine(work, $"models-{threads}");
    if (Directory.Exists(registry))
    {
        Directory.Delete(registry, recursive: true);
    }

    gtmSeconds[threads] = Run("dotnet", [gtm, "train", "--snapshot", snapshot, "--config", configFile, "--models", registry, "--warehouse", Path.Combine(work, $"w-{threads}.duckdb")], out _);
    Console.WriteLine($"gtm train, {threads} thread(s): {gtmSeconds[threads]:0.0}s");
}

// 3. scikit-learn on the same rows and features.
var script = Path.Combine(AppContext.BaseDirectory, "sklearn_peer.py");
Run(python, [script, "--csv", csv, "--categorical", string.Join(',', categorical), "--numeric", string.Join(',', numeric),
    "--folds", o.Folds.ToString(inv), "--holdout-fraction", o.HoldoutFraction.ToString(inv), "--seed", o.Seed.ToString(inv), "--threads", $"1,{cores}"], out var json);
using var peer = JsonDocument.Parse(json.Trim().Split('\n')[^1]);
var runs = peer.RootElement.GetProperty("runs").EnumerateArray().ToList();
double Sk(int threads, string model, string field) =>
    runs.First(r => r.GetProperty("threads").GetInt32() == threads && r.GetProperty("model").GetString() == model).GetProperty(field).GetDouble();

// 4. FastTree against LightGBM on the same featurized split, 1 thread and all.
var comparisons = new[] { 1, cores }.Select(t => TrainerComparison.Run(rows, o, t)).ToList();

var md = new StringBuilder();
md.AppendLine(inv, $"Snapshot of {rows.Count:N0} opportunities ({peer.RootElement.GetProperty("train_rows").GetInt32():N0} closed in the training part, {peer.RootElement.GetProperty("holdout_rows").GetInt32():N0} in the holdout), {cores} cores, load average at the start {Load()}; scikit-learn {peer.RootElement.GetProperty("sklearn").GetString()}.");
md.AppendLine();
md.AppendLine("| threads | `gtm train` s | scikit-learn LR s (CV AUC / holdout AUC) | scikit-learn HGB s (CV AUC / holdout AUC) | `gtm train` / scikit-learn |");
md.AppendLine("|---|---|---|---|---|");
foreach (var t in new[] { 1, cores })
{
    var lr = Sk(t, "LogisticRegression", "seconds");
    var hgb = Sk(t, "HistGradientBoosting", "seconds");
    md.AppendLine(inv, $"| {t} | {gtmSeconds[t]:0.0} | {lr:0.0} ({Sk(t, "LogisticRegression", "cv_auc"):0.0000} / {Sk(t, "LogisticRegression", "holdout_auc"):0.0000}) | {hgb:0.0} ({Sk(t, "HistGradientBoosting", "cv_auc"):0.0000} / {Sk(t, "HistGradientBoosting", "holdout_auc"):0.0000}) | {gtmSeconds[t] / (lr + hgb):0.00}x |");
}

md.AppendLine();
md.AppendLine("| threads | FastTree fit s (holdout AUC) | LightGBM fit s (holdout AUC) | FastTree / LightGBM |");
md.AppendLine("|---|---|---|---|");
foreach (var c in comparisons)
{
    md.AppendLine(inv, $"| {c.Threads} | {c.FastTree.Train.TotalSeconds:0.0} ({c.FastTree.HoldoutAuc:0.0000}) | {c.LightGbm.Train.TotalSeconds:0.0} ({c.LightGbm.HoldoutAuc:0.0000}) | {c.FastTreeOverLightGbm:0.00}x |");
}

md.AppendLine();
md.AppendLine(inv, $"CSV read by Python {peer.RootElement.GetProperty("read_seconds").GetDouble():0.0}s and DuckDB's Parquet-to-CSV {toCsv:0.0}s are outside the scikit-learn times; `gtm train` is the whole command (process start, snapshot read, both models, registry).");
Console.WriteLine();
Console.WriteLine(md.ToString());
if (options.GetValueOrDefault("out") is { } outFile)
{
    File.AppendAllText(outFile, md.ToString());
}

return 0;

static Dictionary<string, string> Args(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        d[args[i].TrimStart('-')] = args[i + 1];
    }

    return d;
}

static double Run(string file, string[] arguments, out string stdout)
{
    var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments)
    {
        info.ArgumentList.Add(a);
    }

    var watch = Stopwatch.StartNew();
    using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    var error = process.StandardError.ReadToEndAsync();
    stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    var seconds = watch.Elapsed.TotalSeconds;
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', arguments.Take(2))} failed (exit {process.ExitCode}): {error.Result.Trim()}");
    }

    return seconds;
}

static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
