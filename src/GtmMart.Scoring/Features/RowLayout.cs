using System.Reflection;
using Microsoft.ML.Data;

namespace GtmMart.Scoring.Features;

/// <summary>One column a row type reads from a table: its name and a typed setter.</summary>
public abstract record RowColumn<TRow>(string Name);

/// <summary>A float column: NULL reads as NaN.</summary>
public sealed record NumberColumn<TRow>(string Name, Action<TRow, float> Set) : RowColumn<TRow>(Name);

/// <summary>
/// A text column: NULL reads as "". <paramref name="Repeats"/>: a category, whose few values repeat from row to row, so a
/// reader keeps one string per value (rows share it) rather than one per row.
/// </summary>
public sealed record TextColumn<TRow>(string Name, Action<TRow, string> Set, bool Repeats = false) : RowColumn<TRow>(Name);

/// <summary>A boolean column (bool, or an integer that is 1): NULL reads as false.</summary>
public sealed record FlagColumn<TRow>(string Name, Action<TRow, bool> Set) : RowColumn<TRow>(Name);

/// <summary>A date or timestamp column: NULL reads as the default DateTime.</summary>
public sealed record DateColumn<TRow>(string Name, Action<TRow, DateTime> Set) : RowColumn<TRow>(Name);

/// <summary>How to make a row type from a table: a new row, and the columns every table must have for it.</summary>
public sealed record RowLayout<TRow>(Func<TRow> Create, IReadOnlyList<RowColumn<TRow>> Columns);

/// <summary>The layouts of the scoring rows: opportunity rows from their feature catalog, others from their <c>[ColumnName]</c> properties.</summary>
public static class RowLayouts
{
    /// <summary>Rows of <paramref name="catalog"/>: the key columns, then every feature.</summary>
    public static RowLayout<OpportunityFeatureRow> Opportunity(OpportunityFeatureCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        List<RowColumn<OpportunityFeatureRow>> columns =
        [
            new TextColumn<OpportunityFeatureRow>("opportunity_id", (r, v) => r.OpportunityId = v),
            new TextColumn<OpportunityFeatureRow>("account_id", (r, v) => r.AccountId = v),
            new DateColumn<OpportunityFeatureRow>("created_date", (r, v) => r.CreatedDate = v),
            new FlagColumn<OpportunityFeatureRow>("label_won", (r, v) => r.Label = v),
            new FlagColumn<OpportunityFeatureRow>("is_closed", (r, v) => r.IsClosed = v),
        ];
        foreach (var f in catalog.Features)
        {
            var i = catalog.IndexOf(f.Name);
            columns.Add(f.Kind == FeatureKind.Numeric
                ? new NumberColumn<OpportunityFeatureRow>(f.Name, (r, v) => r.Numbers[i] = v)
                : new TextColumn<OpportunityFeatureRow>(f.Name, (r, v) => r.Categories[i] = v, Repeats: true));
        }

        return new RowLayout<OpportunityFeatureRow>(() => new OpportunityFeatureRow(catalog), columns);
    }

    /// <summary>Every settable property with a <see cref="ColumnNameAttribute"/> (float, string, bool or DateTime).</summary>
    public static RowLayout<TRow> FromAttributes<TRow>()
        where TRow : new()
    {
        var columns = new List<RowColumn<TRow>>();
        foreach (var property in typeof(TRow).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attribute = property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute));
            if (attribute is null || property.SetMethod is not { } setter)
            {
                continue;
            }

            var name = attribute.ConstructorArguments.Count == 1 && attribute.ConstructorArguments[0].Value is string n ? n : property.Name;
            columns.Add(property.PropertyType switch
            {
                var t when t == typeof(float) => new NumberColumn<TRow>(name, setter.CreateDelegate<Action<TRow, float>>()),
                var t when t == typeof(string) => new TextColumn<TRow>(name, setter.CreateDelegate<Action<TRow, string>>()),
                var t when t == typeof(bool) => new FlagColumn<TRow>(name, setter.CreateDelegate<Action<TRow, bool>>()),
                var t when t == typeof(DateTime) => new DateColumn<TRow>(name, setter.CreateDelegate<Action<TRow, DateTime>>()),
                _ => throw new NotSupportedException(
                    $"{typeof(TRow).Name}.{property.Name} is {property.PropertyType.Name}; rows map only float, string, bool and DateTime properties."),
            });
        }

        return new RowLayout<TRow>(() => new TRow(), columns);
    }
}
