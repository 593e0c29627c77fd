using System.Data.Common;
using System.Globalization;
using GtmMart.Scoring.Features;

namespace GtmMart.Serving;

/// <summary>
/// Maps query results onto the scoring rows through their <see cref="RowLayout{TRow}"/> (the same contract as the
/// training snapshot reader): every column of the layout must be in the result. float ← any number (NULL → NaN);
/// string ← string (NULL → ""); bool ← bool or integer (== 1; NULL → false); DateTime ← date or timestamp (NULL → default).
/// </summary>
internal static class FeatureRowReader
{
    public static List<T> ReadAll<T>(DbDataReader reader, string source, RowLayout<T> layout)
    {
        var setters = Bind(reader, source, layout);
        var rows = new List<T>();
        while (reader.Read())
        {
            var row = layout.Create();
            foreach (var set in setters)
            {
                set(reader, row);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static List<Action<DbDataReader, T>> Bind<T>(DbDataReader reader, string source, RowLayout<T> layout)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            ordinals[reader.GetName(i)] = i;
        }

        var setters = new List<Action<DbDataReader, T>>();
        foreach (var column in layout.Columns)
        {
            if (!ordinals.TryGetValue(column.Name, out var ordinal))
            {
                throw new InvalidDataException($"{source} has no column {column.Name} (for {typeof(T).Name}).");
            }

            setters.Add(Setter(column, ordinal, reader.GetFieldType(ordinal), source));
        }

        return setters;
    }

    private static Action<DbDataReader, T> Setter<T>(RowColumn<T> column, int ordinal, Type fieldType, string source)
    {
        switch (column)
        {
            case NumberColumn<T> number:
                {
                    var set = number.Set;
                    Func<DbDataReader, float> get = fieldType == typeof(double) ? r => (float)r.GetDouble(ordinal)
                        : fieldType == typeof(float) ? r => r.GetFloat(ordinal)
                        : fieldType == typeof(int) ? r => r.GetInt32(ordinal)
                        : fieldType == typeof(long) ? r => r.GetInt64(ordinal)
                        : IsNumeric(fieldType) ? r => Convert.ToSingle(r.GetValue(ordinal), CultureInfo.InvariantCulture)
                        : throw Mismatch(source, column.Name, fieldType, "float");
                    return (r, row) => set(row, r.IsDBNull(ordinal) ? float.NaN : get(r));
                }

            case TextColumn<T> text:
                {
                    var set = text.Set;
                    Func<DbDataReader, string> get = fieldType == typeof(string)
                        ? r => r.GetString(ordinal)
                        : r => Convert.ToString(r.GetValue(ordinal), CultureInfo.InvariantCulture) ?? "";
                    if (text.Repeats)
                    {
                        var values = new SharedValues();
                        return (r, row) => set(row, r.IsDBNull(ordinal) ? "" : values.Share(get(r)));
                    }

                    return (r, row) => set(row, r.IsDBNull(ordinal) ? "" : get(r));
                }

            case FlagColumn<T> flag:
                {
                    var set = flag.Set;
                    Func<DbDataReader, bool> get = fieldType == typeof(bool) ? r => r.GetBoolean(ordinal)
                        : IsNumeric(fieldType) ? r => Convert.ToInt64(r.GetValue(ordinal), CultureInfo.InvariantCulture) == 1
                        : throw Mismatch(source, column.Name, fieldType, "bool");
                    return (r, row) => set(row, !r.IsDBNull(ordinal) && get(r));
                }

            case DateColumn<T> date:
                {
                    var set = date.Set;
                    return (r, row) => set(row, r.IsDBNull(ordinal) ? default : r.GetValue(ordinal) switch
                    {
                        DateTime d => d,
                        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                        DateTimeOffset d => d.UtcDateTime,
                        var other => throw Mismatch(source, column.Name, other.GetType(), "DateTime"),
                    });
                }

            default:
                throw new NotSupportedException($"{column.GetType().Name} is not a column type rows are read into.");
        }
    }

    /// <summary>
    /// One string per distinct value of a category column, shared by the rows holding it: a served snapshot keeps a
    /// few strings hot in the caches instead of one cold copy per row, and equal values compare by reference (the
    /// featurizer's and the reasons' lookups, on every score). Values past <see cref="MaxValues"/> are kept as read.
    /// </summary>
    private sealed class SharedValues
    {
        private const int MaxValues = 65_536;
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public string Share(string value)
        {
            if (_values.TryGetValue(value, out var shared))
            {
                return shared;
            }

            if (_values.Count < MaxValues)
            {
                _values.Add(value, value);
            }

            return value;
        }
    }

    private static bool IsNumeric(Type type) =>
        type == typeof(decimal) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
        || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(System.Numerics.BigInteger)
        || type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float);

    private static InvalidDataException Mismatch(string source, string column, Type type, string target) =>
        new($"{source}, column {column}: {type.Name} cannot be read as {target}.");
}
