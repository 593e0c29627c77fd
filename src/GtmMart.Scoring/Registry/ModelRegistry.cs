using System.Globalization;
using System.Text.Json;

namespace GtmMart.Scoring.Registry;

public sealed record ModelVersion(string Model, string Version, string Directory, ModelCard Card, bool IsActive)
{
    /// <summary>Whether the card's promotion gate refused this version (baselines and pre-gate cards were not gated).</summary>
    public bool RefusedByGate => Card.Gate is { Passed: false };
}

/// <summary>
/// One change of the active pointer, kept in <c>active.json</c>: which version, when, how (<see cref="Actions"/>)
/// and a note (the gate's reason, or the reason given with <c>--force</c>).
/// </summary>
public sealed record PromotionEvent(string Version, DateTime AtUtc, string Action, string? Note = null);

/// <summary>How a version became active.</summary>
public static class Actions
{
    public const string Gate = "activated by the gate";
    public const string Baseline = "baseline activated (no model passed the gate)";
    public const string Promoted = "promoted";
    public const string Forced = "forced past the gate";
    public const string RolledBack = "rolled back";
}

/// <summary>A refused version was promoted without <c>--force</c>.</summary>
public sealed class RefusedByGateException(string message) : ArgumentException(message);

/// <summary>
/// The model registry: <c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/</c> holds a version's artifacts and its
/// <c>model-card.json</c>; <c>&lt;root&gt;/&lt;model&gt;/active.json</c> names the active version and the versions active
/// before it (for rollback). Versions are never overwritten; the pointer is replaced atomically.
/// </summary>
public sealed class ModelRegistry(string root)
{
    public const string EnvironmentVariable = "GTM_MODELS";
    public const string CardFile = "model-card.json";
    private const string PointerFile = "active.json";

    public string Root { get; } = Path.GetFullPath(root);

    public static ModelRegistry Resolve(string? option) =>
        new(!string.IsNullOrWhiteSpace(option) ? option
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
            : "models");

    /// <summary>
    /// Adds a new version: <paramref name="writeArtifacts"/> fills a staging folder, the card is written, the folder is
    /// renamed into place (so a crash never leaves a half-written version) and, when <paramref name="activate"/>, made
    /// active with <paramref name="action"/> recorded (a version the gate refused is never activated here).
    /// </summary>
    public ModelVersion Register(ModelCard card, Action<string> writeArtifacts, bool activate = true, string action = Actions.Promoted)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(writeArtifacts);
        activate &= card.Gate is not { Passed: false };
        var modelDir = Directory.CreateDirectory(Path.Combine(Root, card.Model)).FullName;
        var next = Versions(card.Model).Select(v => int.Parse(v.Version[1..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        var version = $"v{next:D4}";
        var staging = Path.Combine(modelDir, $".staging-{version}-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        writeArtifacts(staging);
        var stamped = card with { Version = version };
        stamped.Write(Path.Combine(staging, CardFile));
        var target = Path.Combine(modelDir, version);
        Directory.Move(staging, target);
        if (activate)
        {
            Activate(card.Model, version, action, card.Gate?.Reason ?? card.BaselineDescription);
        }

        return new ModelVersion(card.Model, version, target, stamped, activate);
    }

    public IReadOnlyList<string> Models() =>
        Directory.Exists(Root)
            ? Directory.GetDirectories(Root).Select(Path.GetFileName).OfType<string>()
                .Where(m => !m.StartsWith('.') && Versions(m).Count > 0).Order(StringComparer.Ordinal).ToList()
            : [];

    public IReadOnlyList<ModelVersion> Versions(string model)
    {
        var dir = Path.Combine(Root, model);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var active = ReadPointer(model).Active;
        return Directory.GetDirectories(dir)
            .Where(d => Path.GetFileName(d) is { Length: 5 } n && n[0] == 'v' && File.Exists(Path.Combine(d, CardFile)))
            .Order(StringComparer.Ordinal)
            .Select(d => new ModelVersion(model, Path.GetFileName(d), d, ModelCard.Read(Path.Combine(d, CardFile)), Path.GetFileName(d) == active))
            .ToList();
    }

    public ModelVersion? Active(string model) => Versions(model).FirstOrDefault(v => v.IsActive);

    public ModelVersion Get(string model, string version) =>
        Versions(model).FirstOrDefault(v => v.Version == version)
        ?? throw new ArgumentException($"model {model} has no version {version} in {Root} (versions: {string.Join(", ", Versions(model).Select(v => v.Version))})");

    /// <summary>
    /// Makes <paramref name="version"/> active, remembering the previously active one for rollback. A version the
    /// promotion gate refused needs <paramref name="force"/>; the forced promotion and <paramref name="note"/> (why) are
    /// recorded in <c>active.json</c> and shown by <c>gtm models list</c>.
    /// </summary>
    public ModelVersion Promote(string model, string version, bool force = false, string? note = null)
    {
        var target = Get(model, version);
        if (target.RefusedByGate && !force)
        {
            throw new RefusedByGateException(
                $"{model} {version} was refused by the promotion gate ({target.Card.Gate!.Reason}); promote it anyway with --force (recorded in the registry)");
        }

        var action = target.RefusedByGate ? Actions.Forced : Actions.Promoted;
        return Activate(model, version, action, note ?? (target.RefusedByGate ? "no reason given" : null));
    }

    /// <summary>Re-activates the version that was active before the current one.</summary>
    public ModelVersion Rollback(string model)
    {
        var pointer = ReadPointer(model);
        if (pointer.History.Count == 0)
        {
            throw new ArgumentException($"model {model} has no earlier active version to roll back to");
        }

        var previous = pointer.History[^1];
        WritePointer(model, pointer with
        {
            Active = previous,
            History = [.. pointer.History.Take(pointer.History.Count - 1)],
            Events = [.. pointer.Events, new PromotionEvent(previous, DateTime.UtcNow, Actions.RolledBack, $"from {pointer.Active}")],
        });
        return Get(model, previous) with { IsActive = true };
    }

    /// <summary>Every change of the active pointer, oldest first (empty for registries written before they were kept).</summary>
    public IReadOnlyList<PromotionEvent> Events(string model) => ReadPointer(model).Events;

    /// <summary>The event that made <paramref name="version"/> active most recently, or null.</summary>
    public PromotionEvent? LastActivation(string model, string version) =>
        ReadPointer(model).Events.LastOrDefault(e => e.Version == version);

    private ModelVersion Activate(string model, string version, string action, string? note)
    {
        var target = Get(model, version);
        var pointer = ReadPointer(model);
        if (pointer.Active == version)
        {
            return target with { IsActive = true };
        }

        var history = pointer.Active is null ? pointer.History : [.. pointer.History, pointer.Active];
        WritePointer(model, new Pointer(version, history) { Events = [.. pointer.Events, new PromotionEvent(version, DateTime.UtcNow, action, note)] });
        return target with { IsActive = true };
    }

    /// <summary><c>active.json</c>: the active version, the ones active before it (rollback) and every change.</summary>
    private sealed record Pointer(string? Active, IReadOnlyList<string> History)
    {
        public IReadOnlyList<PromotionEvent> Events { get; init; } = [];
    }

    private Pointer ReadPointer(string model)
    {
        var path = Path.Combine(Root, model, PointerFile);
        return File.Exists(path)
            ? JsonSerializer.Deserialize<Pointer>(File.ReadAllText(path), ModelCard.Json) ?? new Pointer(null, [])
            : new Pointer(null, []);
    }

    private void WritePointer(string model, Pointer pointer)
    {
        var path = Path.Combine(Root, model, PointerFile);
        var temp = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(pointer, ModelCard.Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
