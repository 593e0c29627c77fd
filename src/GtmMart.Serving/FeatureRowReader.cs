using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.ML.Data;

namespace GtmMart.Serving;

/// <summary>
/// Maps query results onto the scoring row classes by their <see cref="ColumnNameAttribute"/> (the same contract as
/// the training snapshot reader): every such property must have a column. float ← any number (NULL → NaN);
/// string ← string (NULL → ""); bool ← bool or integer (== 1; NULL → false); DateTime ← date or timestamp (NULL → default).
/// </summary>
internal static class FeatureRowReader
{
    public static List<T> ReadAll<T>(DbDataReader reader, string source)
        where T : new()
    {
        var setters = Bind<T>(reader, source);
        var rows = new List<T>();
        while (reader.Read())
        {
            var row = new T();
            foreach (var set in setters)
            {
                set(reader, row);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static List<Action<DbDataReader, T>> Bind<T>(DbDataReader reader, string source)
    {
        var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            ordinals[reader.GetName(i)] = i;
        }

        var setters = new List<Action<DbDataReader, T>>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var column = property.GetCustomAttribute<ColumnNameAttribute>() is null || property.SetMethod is null
                ? null
                : ColumnOf(property);
            if (column is null)
            {
                continue;
            }

            if (!ordinals.TryGetValue(column, out var ordinal))
            {
                throw new InvalidDataException($"{source} has no column {column} (for {typeof(T).Name}.{property.Name}).");
            }

            setters.Add(Setter<T>(property, ordinal, reader.GetFieldType(ordinal), source, column));
        }

        return setters;
    }

    private static string ColumnOf(PropertyInfo property)
    {
        var data = property.GetCustomAttributesData().First(a => a.AttributeType == typeof(ColumnNameAttribute));
        return data.ConstructorArguments.Count == 1 && data.ConstructorArguments[0].Value is string name ? name : property.Name;
    }

    private static Action<DbDataReader, T> Setter<T>(PropertyInfo property, int ordinal, Type fieldType, string source, string column)
    {
        var setter = property.SetMethod!;
        if (property.PropertyType == typeof(float))
        {
            var set = setter.CreateDelegate<Action<T, float>>();
            Func<DbDataReader, float> get = fieldType == typeof(double) ? r => (float)r.GetDouble(ordinal)
                : fieldType == typeof(float) ? r => r.GetFloat(ordinal)
                : fieldType == typeof(int) ? r => r.GetInt32(ordinal)
                : fieldType == typeof(long) ? r => r.GetInt64(ordinal)
                : IsNumeric(fieldType) ? r => Convert.ToSingle(r.GetValue(ordinal), CultureInfo.InvariantCulture)
                : throw Mismatch(source, column, fieldType, "float");
            return (r, row) => set(row, r.IsDBNull(ordinal) ? float.NaN : get(r));
        }

        if (property.PropertyType == typeof(string))
        {
            var set = setter.CreateDelegate<Action<T, string>>();
            return fieldType == typeof(string)
                ? (r, row) => set(row, r.IsDBNull(ordinal) ? "" : r.GetString(ordinal))
                : (r, row) => set(row, r.IsDBNull(ordinal) ? "" : Convert.ToString(r.GetValue(ordinal), CultureInfo.InvariantCulture) ?? "");
        }

        if (property.PropertyType == typeof(bool))
        {
            var set = setter.CreateDelegate<Action<T, bool>>();
            Func<DbDataReader, bool> get = fieldType == typeof(bool) ? r => r.GetBoolean(ordinal)
                : IsNumeric(fieldType) ? r => Convert.ToInt64(r.GetValue(ordinal), CultureInfo.InvariantCulture) == 1
                : throw Mismatch(source, column, fieldType, "bool");
            return (r, row) => set(row, !r.IsDBNull(ordinal) && get(r));
        }

        if (property.PropertyType == typeof(DateTime))
        {
            var set = setter.CreateDelegate<Action<T, DateTime>>();
            return (r, row) => set(row, r.IsDBNull(ordinal) ? default : r.GetValue(ordinal) switch
            {
                DateTime d => d,
                DateOnly d => d.ToDateTime(TimeOnly.MinValue),
                DateTimeOffset d => d.UtcDateTime,
                var other => throw Mismatch(source, column, other.GetType(), "DateTime"),
            });
        }

        throw new NotSupportedException(
            $"{typeof(T).Name}.{property.Name} is {property.PropertyType.Name}; rows map only float, string, bool and DateTime properties.");
    }

    private static bool IsNumeric(Type type) =>
        type == typeof(decimal) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
        || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) || type == typeof(System.Numerics.BigInteger)
        || type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float);

    private static InvalidDataException Mismatch(string source, string column, Type type, string target) =>
        new($"{source}, column {column}: {type.Name} cannot be read as {target}.");
}
