using Google.Protobuf;
using Google.Protobuf.Reflection;
using GtmMart.Contracts.V1;
using GtmMart.Scoring.Features;

namespace GtmMart.Server.Services;

/// <summary>
/// The catalog's features bound to the fields of an inline-opportunity message (<see cref="InlineOpportunity"/>, or
/// any message that carries a catalog's features the same way): the row of a request, its field violations and the
/// warnings of its score, all driven by the feature catalog. Building one checks the message against the catalog:
/// every feature has its field (optional float, optional int64 cents, or string) and every other field is a key field.
/// </summary>
public sealed class InlineMapping
{
    private readonly (OpportunityFeature Feature, int Index, FieldDescriptor Field)[] _features;
    private readonly FieldDescriptor _opportunityId;
    private readonly FieldDescriptor _accountId;

    public InlineMapping(OpportunityFeatureCatalog catalog, MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(descriptor);
        var problems = Problems(catalog, descriptor);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{descriptor.FullName} does not carry the opportunity feature catalog: {string.Join("; ", problems)}");
        }

        Catalog = catalog;
        _features = [.. catalog.Features.Select(f => (f, catalog.IndexOf(f.Name), descriptor.FindFieldByName(f.ProtoField)))];
        _opportunityId = descriptor.FindFieldByName("opportunity_id");
        _accountId = descriptor.FindFieldByName("account_id");
    }

    /// <summary>The product's: the default catalog on <see cref="InlineOpportunity"/>.</summary>
    public static InlineMapping Default { get; } = new(OpportunityFeatureCatalog.Default, InlineOpportunity.Descriptor);

    public OpportunityFeatureCatalog Catalog { get; }

    /// <summary>Where <paramref name="descriptor"/> and <paramref name="catalog"/> disagree; empty when they agree.</summary>
    public static List<string> Problems(OpportunityFeatureCatalog catalog, MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(descriptor);
        var problems = new List<string>();
        foreach (var feature in catalog.Features)
        {
            var field = descriptor.FindFieldByName(feature.ProtoField);
            var expected = feature.Wire switch
            {
                WireUnit.UsdCents => "optional int64",
                WireUnit.Number => "optional float",
                _ => "string",
            };
            var actual = field is null ? null
                : field.IsRepeated ? "repeated"
                : (field.HasPresence && field.FieldType != FieldType.String && field.FieldType != FieldType.Message ? "optional " : "") + field.FieldType switch
                {
                    FieldType.Int64 => "int64",
                    FieldType.Float => "float",
                    FieldType.String => "string",
                    var other => other.ToString().ToLowerInvariant(),
                };
            if (actual != expected)
            {
                problems.Add(actual is null
                    ? $"feature {feature.Name} has no field {feature.ProtoField}"
                    : $"field {feature.ProtoField} of feature {feature.Name} is {actual}, not {expected}");
            }
        }

        foreach (var key in OpportunityFeatureCatalog.InlineKeyFields.Where(k => descriptor.FindFieldByName(k)?.FieldType != FieldType.String))
        {
            problems.Add($"key field {key} is not a string field");
        }

        var declared = catalog.Features.Select(f => f.ProtoField).Concat(OpportunityFeatureCatalog.InlineKeyFields).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(descriptor.Fields.InFieldNumberOrder().Where(f => !declared.Contains(f.Name)).Select(f => $"field {f.Name} is not a feature of the catalog"));
        return problems;
    }

    /// <summary>
    /// The feature row of <paramref name="message"/>, created today: an unset number is missing (NaN), cents are
    /// dollars, an empty category is empty.
    /// </summary>
    public OpportunityFeatureRow ToRow(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = new OpportunityFeatureRow(Catalog)
        {
            OpportunityId = (string)_opportunityId.Accessor.GetValue(message),
            AccountId = (string)_accountId.Accessor.GetValue(message),
            CreatedDate = DateTime.UtcNow.Date,
        };
        foreach (var (feature, index, field) in _features)
        {
            switch (feature.Wire)
            {
                case WireUnit.Text:
                    row.Categories[index] = (string)field.Accessor.GetValue(message);
                    break;
                case WireUnit.UsdCents:
                    row.Numbers[index] = field.Accessor.HasValue(message) ? (float)((long)field.Accessor.GetValue(message) / 100.0) : float.NaN;
                    break;
                default:
                    row.Numbers[index] = field.Accessor.HasValue(message) ? (float)field.Accessor.GetValue(message) : float.NaN;
                    break;
            }
        }

        return row;
    }

    /// <summary>
    /// Field violations of <paramref name="message"/> (fields named under <paramref name="path"/>): every number set is
    /// finite and not negative, flags are 0 or 1, strings at most 256 characters.
    /// </summary>
    public void Validate(IMessage message, Violations violations, string path = "")
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(violations);
        foreach (var key in (FieldDescriptor[])[_opportunityId, _accountId])
        {
            CheckText(key, (string)key.Accessor.GetValue(message), violations, path);
        }

        foreach (var (feature, _, field) in _features)
        {
            if (feature.Wire == WireUnit.Text)
            {
                CheckText(field, (string)field.Accessor.GetValue(message), violations, path);
                continue;
            }

            if (!field.Accessor.HasValue(message))
            {
                continue;
            }

            var value = feature.Wire == WireUnit.UsdCents ? (long)field.Accessor.GetValue(message) : (double)(float)field.Accessor.GetValue(message);
            if (!double.IsFinite(value))
            {
                violations.Add(path + field.Name, "must be a finite number");
            }
            else if (value < 0)
            {
                violations.Add(path + field.Name, "must not be negative");
            }
            else if (feature.IsFlag && value is not (0 or 1))
            {
                violations.Add(path + field.Name, "must be 0 or 1");
            }
        }
    }

    /// <summary>What the model did not know about the request, by the request's field path (the score's unknown values).</summary>
    public IEnumerable<(string Field, string Description)> Warnings(Scoring.Opportunity.OpportunityScore score, string path = "")
    {
        ArgumentNullException.ThrowIfNull(score);
        return score.Unknown.Select(u => (path + Catalog[u.Feature].ProtoField, u.Text));
    }

    private static void CheckText(FieldDescriptor field, string text, Violations violations, string path)
    {
        if (text.Length > 256)
        {
            violations.Add(path + field.Name, "must be at most 256 characters");
        }
    }
}
