using Google.Rpc;
using Grpc.Core;
using GtmMart.Server.Services;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The id rules of a scoring request: the unary check (which allocates nothing for valid ids) and the violations a
/// stream chunk reports apply the same rule and name each bad id by its index.
/// </summary>
public sealed class ViolationsTests
{
    private static readonly string[] Mixed = ["OPP-1", "  ", new string('x', 257), new string('y', 256)];

    [Fact]
    public void A_blank_or_overlong_id_is_a_field_violation_naming_its_index()
    {
        var error = Assert.Throws<RpcException>(() => Violations.CheckIds(Mixed, "opportunity_ids", max: 10));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => (v.Field, v.Description));
        Assert.Equal([("opportunity_ids[1]", "must not be empty"), ("opportunity_ids[2]", "must be at most 256 characters")], violations);
        Assert.Equal("opportunity_ids[1]: must not be empty; opportunity_ids[2]: must be at most 256 characters", Violations.ForIds(Mixed, "opportunity_ids", 10).ToString());
    }

    [Fact]
    public void Valid_ids_pass_and_the_count_is_bounded_on_both_sides()
    {
        Violations.CheckIds(["OPP-1", new string('y', 256)], "opportunity_ids", max: 2);

        Assert.False(Violations.ForIds(["OPP-1"], "opportunity_ids", 1).Any);
        Assert.Throws<RpcException>(() => Violations.CheckIds([], "opportunity_ids", max: 2));
        Assert.Throws<RpcException>(() => Violations.CheckIds(["a", "b", "c"], "opportunity_ids", max: 2));
    }
}
