namespace GtmMart.Server.Services;

/// <summary>
/// How every rpc reads ids and optional strings, the same way everywhere: surrounding whitespace is not part of a
/// value (" OPP0000012 " is OPP0000012; an id of only spaces is empty, "must not be empty"), and an optional string
/// that is unset, empty or only whitespace is unset.
/// </summary>
public static class RequestText
{
    /// <summary>Trims every id of a request in place (no allocation when none has surrounding whitespace).</summary>
    public static void TrimIds(IList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (id.Length > 0 && (char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1])))
            {
                ids[i] = id.Trim();
            }
        }
    }

    /// <summary>An id as the server reads it: trimmed.</summary>
    public static string Id(string? id) => id?.Trim() ?? "";

    /// <summary>An optional string's value: null when unset, empty or only whitespace, else trimmed.</summary>
    public static string? Optional(bool isSet, string? value) =>
        isSet && value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}
