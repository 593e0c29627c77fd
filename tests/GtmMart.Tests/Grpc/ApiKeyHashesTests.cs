using GtmMart.Server.Security;

namespace GtmMart.Tests.Grpc;

/// <summary>The GTM_API_KEY_HASHES format: keys with scopes, and the older comma-separated list of bare hashes.</summary>
public sealed class ApiKeyHashesTests
{
    private static readonly string A = ApiKeyHashes.Hash("key-a");
    private static readonly string B = ApiKeyHashes.Hash("key-b");

    [Fact]
    public void Keys_carry_their_scopes_and_a_key_without_scopes_may_only_read()
    {
        var keys = new ApiKeyHashes([$"{A}:scores:read,models:admin; {B}"]);

        Assert.Equal(2, keys.Count);
        Assert.Equal(["models:admin", "scores:read"], keys.Find("key-a")!.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(["scores:read"], keys.Find("key-b")!.Scopes);
        Assert.Null(keys.Find("key-c"));
        Assert.False(keys.Find("key-b")!.Allows(Scopes.WriteBackRun));
    }

    [Fact]
    public void The_older_comma_separated_list_reads_as_before_and_scopes_may_follow_with_commas()
    {
        Assert.Equal(2, new ApiKeyHashes([$"{A},{B}"]).Count);
        var keys = new ApiKeyHashes([$"{A}:scores:read,writeback:run,{B}:models:admin"]);
        Assert.Equal(["scores:read", "writeback:run"], keys.Find("key-a")!.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(["models:admin"], keys.Find("key-b")!.Scopes);
    }

    [Theory]
    [InlineData(", ,", 0)]
    [InlineData(" ; ", 0)]
    public void Blank_entries_give_no_key(string configured, int count) =>
        Assert.Equal(count, new ApiKeyHashes([configured]).Count);

    [Theory]
    [InlineData("abc")]
    [InlineData("scores:read")]
    public void A_value_that_is_neither_a_hash_nor_a_scope_after_one_is_refused_without_echoing_it(string configured)
    {
        var error = Assert.Throws<ArgumentException>(() => new ApiKeyHashes([configured]));
        Assert.Contains("64 hex characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(configured, error.Message, StringComparison.Ordinal);
    }
}
