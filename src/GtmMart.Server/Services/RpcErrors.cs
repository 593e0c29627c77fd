using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace GtmMart.Server.Services;

/// <summary>Builds the rich (google.rpc.Status) errors the services return.</summary>
public static class RpcErrors
{
    /// <summary>INVALID_ARGUMENT with a <c>google.rpc.BadRequest</c> listing every field violation.</summary>
    public static RpcException InvalidArgument(IReadOnlyCollection<(string Field, string Description)> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var badRequest = new BadRequest();
        foreach (var (field, description) in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        var summary = string.Join("; ", violations.Take(3).Select(v => $"{v.Field}: {v.Description}"));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = violations.Count > 3 ? $"{summary}; and {violations.Count - 3} more" : summary,
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    /// <summary>INVALID_ARGUMENT for a single field.</summary>
    public static RpcException InvalidArgument(string field, string description) => InvalidArgument([(field, description)]);

    /// <summary>NOT_FOUND for a single entity.</summary>
    public static RpcException NotFound(string message) =>
        new Google.Rpc.Status { Code = (int)Code.NotFound, Message = message }.ToRpcException();

    /// <summary>UNAVAILABLE: the server cannot answer now (not loaded yet, warehouse busy); retrying later can succeed.</summary>
    public static RpcException Unavailable(string message) =>
        new Google.Rpc.Status { Code = (int)Code.Unavailable, Message = message }.ToRpcException();

    /// <summary>ABORTED: a concurrency conflict (e.g. a page token of a ranking since replaced); retry from the start.</summary>
    public static RpcException Aborted(string message) =>
        new Google.Rpc.Status { Code = (int)Code.Aborted, Message = message }.ToRpcException();

    /// <summary>FAILED_PRECONDITION: the system is not in a state where the call can work (e.g. no active model).</summary>
    public static RpcException FailedPrecondition(string message) =>
        new Google.Rpc.Status { Code = (int)Code.FailedPrecondition, Message = message }.ToRpcException();
}

/// <summary>Collects field violations of one request.</summary>
public sealed class Violations
{
    private const int MaxReported = 50;
    private readonly List<(string Field, string Description)> items = [];

    public void Add(string field, string description)
    {
        if (items.Count < MaxReported)
        {
            items.Add((field, description));
        }
    }

    public bool Any => items.Count > 0;

    /// <summary>The violations in one line: "field: description; ...".</summary>
    public override string ToString() => string.Join("; ", items.Select(v => $"{v.Field}: {v.Description}"));

    /// <summary>Throws INVALID_ARGUMENT with BadRequest details when any violation was added.</summary>
    public void ThrowIfAny()
    {
        if (items.Count > 0)
        {
            throw RpcErrors.InvalidArgument(items);
        }
    }

    /// <summary>Validates a list of ids: at least one, at most <paramref name="max"/>, none blank or over 256 characters.</summary>
    public static void CheckIds(IReadOnlyList<string> ids, string field, int max)
    {
        // The valid case (nearly every call) allocates nothing; the violations are collected only when there are some.
        if (!AllValid(ids, max))
        {
            ForIds(ids, field, max).ThrowIfAny();
        }
    }

    private static bool AllValid(IReadOnlyList<string> ids, int max)
    {
        if (ids.Count == 0 || ids.Count > max)
        {
            return false;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (IdProblem(ids[i]) is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Adds a violation when one (trimmed) id breaks the id rule of every rpc: not empty, at most 256 characters.</summary>
    public static void CheckId(string id, string field, Violations violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (IdProblem(id) is { } problem)
        {
            violations.Add(field, problem);
        }
    }

    /// <summary>What is wrong with one id (the rule both the check and the violations use), or null.</summary>
    public static string? IdProblem(string id) =>
        string.IsNullOrWhiteSpace(id) ? "must not be empty"
        : id.Length > MaxIdLength ? $"must be at most {MaxIdLength} characters"
        : null;

    private const int MaxIdLength = 256;

    /// <summary>The violations of a list of ids (see <see cref="CheckIds"/>), for a caller that reports them itself.</summary>
    public static Violations ForIds(IReadOnlyList<string> ids, string field, int max)
    {
        var violations = new Violations();
        if (ids.Count == 0)
        {
            violations.Add(field, "must contain at least one id");
        }
        else if (ids.Count > max)
        {
            violations.Add(field, $"must contain at most {max} ids (got {ids.Count}); split them over several requests (or ScoreStream chunks)");
        }
        else
        {
            for (var i = 0; i < ids.Count; i++)
            {
                if (IdProblem(ids[i]) is { } problem)
                {
                    violations.Add($"{field}[{i}]", problem);
                }
            }
        }

        return violations;
    }
}
