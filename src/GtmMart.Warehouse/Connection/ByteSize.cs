using System.Globalization;
using System.Text.RegularExpressions;

namespace GtmMart.Warehouse.Connection;

/// <summary>Reads a memory size as DuckDB writes and takes one (<c>8GiB</c>, <c>7.4 GiB</c>, <c>500MB</c>, <c>1024 bytes</c>).</summary>
public static partial class ByteSize
{
    private static readonly Dictionary<string, long> Units = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b"] = 1,
        ["byte"] = 1,
        ["bytes"] = 1,
        ["kb"] = 1_000,
        ["mb"] = 1_000_000,
        ["gb"] = 1_000_000_000,
        ["tb"] = 1_000_000_000_000,
        ["kib"] = 1L << 10,
        ["mib"] = 1L << 20,
        ["gib"] = 1L << 30,
        ["tib"] = 1L << 40,
        ["pb"] = 1_000_000_000_000_000,
        ["pib"] = 1L << 50,
    };

    /// <summary>The size in bytes; a clear error naming the value when it is not a number and a unit.</summary>
    public static long Parse(string? text)
    {
        var match = text is null ? null : SizePattern().Match(text.Trim());
        if (match is not { Success: true } || !Units.TryGetValue(match.Groups[2].Value, out var unit))
        {
            throw new WarehouseException($"'{text}' is not a memory size (e.g. 8GiB, 500MB).");
        }

        // No limit shows as thousands of PiB: held at the largest long rather than overflowing.
        var bytes = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * unit;
        return bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)$")]
    private static partial Regex SizePattern();
}
