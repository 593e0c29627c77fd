using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using GtmMart.Contracts.V1;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// The REST endpoint (HTTP/1.1, JSON transcoding) beside the gRPC one: each route called with a plain HttpClient over
/// HTTP/1.1 answers what the same call over gRPC answers (the JSON parsed back into the message and compared whole),
/// with the same API key header; no key is 401, a key without the scope 403; OpenAPI with the protos' comments.
/// </summary>
public sealed class RestTests(GrpcServerFixture server) : IClassFixture<GrpcServerFixture>
{
    private static readonly JsonParser Strict = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    private HttpClient Http(string? key = GrpcServerFixture.ApiKey)
    {
        var http = new HttpClient
        {
            BaseAddress = new Uri(server.RestAddress),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>Calls a route and parses its JSON answer as <typeparamref name="T"/> (unknown fields are an error).</summary>
    private async Task<T> Rest<T>(HttpMethod method, string path, string? body = null, string? key = GrpcServerFixture.ApiKey)
        where T : IMessage<T>, new()
    {
        using var http = Http(key);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {json}");
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return Strict.Parse<T>(json);
    }

    private string[] OpenIds(int n) => [.. server.State.Features!.OpenOpportunities.Take(n).Select(o => o.OpportunityId)];

    private string[] AccountIds(int n) => [.. server.State.Features!.Accounts.Take(n).Select(a => a.AccountId)];

    [Fact]
    public async Task Every_route_answers_over_HTTP_1_1_what_the_same_call_answers_over_gRPC()
    {
        var ids = OpenIds(3);
        var accounts = AccountIds(2);
        var auth = GrpcServerFixture.Auth();

        var body = JsonSerializer.Serialize(new { opportunity_ids = ids.Append("no-such-opportunity") });
        Assert.Equal(
            await server.Scoring.ScoreOpportunitiesAsync(new ScoreOpportunitiesRequest { OpportunityIds = { ids.Append("no-such-opportunity") } }, auth),
            await Rest<ScoreOpportunitiesResponse>(HttpMethod.Post, "/v1/opportunities:score", body));

        var deal = new InlineOpportunity { OpportunityId = "rest-deal", AmountUsdCents = 2_500_000, Channel = "Partner", Sessions30D = 12, DemoVisits30D = 3 };
        // An inline score is made per call, so each carries its own scored_at: compared without it.
        var grpcInline = await server.Scoring.ScoreOpportunityInlineAsync(new ScoreOpportunityInlineRequest { Opportunity = deal }, auth);
        var restInline = await Rest<ScoreOpportunityInlineResponse>(HttpMethod.Post, "/v1/opportunities:scoreInline", JsonFormatter.Default.Format(new ScoreOpportunityInlineRequest { Opportunity = deal }));
        (grpcInline.Score, restInline.Score) = (ScoreStamps.Unstamped(grpcInline.Score), ScoreStamps.Unstamped(restInline.Score));
        Assert.Equal(grpcInline, restInline);

        Assert.Equal(
            await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { accounts } }, auth),
            await Rest<ScoreAccountsResponse>(HttpMethod.Post, "/v1/accounts:score", JsonSerializer.Serialize(new { account_ids = accounts })));

        Assert.Equal(
            await server.Scoring.ScoreAccountsAsync(new ScoreAccountsRequest { AccountIds = { accounts[0] } }, auth),
            await Rest<ScoreAccountsResponse>(HttpMethod.Get, $"/v1/accounts/{Uri.EscapeDataString(accounts[0])}/score"));

        Assert.Equal(
            await server.Reporting.GetPriorityAccountsAsync(new GetPriorityAccountsRequest { Limit = 5 }, auth),
            await Rest<GetPriorityAccountsResponse>(HttpMethod.Get, "/v1/priority-accounts?limit=5"));

        Assert.Equal(
            await server.Models.ListModelsAsync(new ListModelsRequest(), auth),
            await Rest<ListModelsResponse>(HttpMethod.Get, "/v1/models"));

        Assert.Equal(
            await server.Models.GetModelCardAsync(new GetModelCardRequest { Name = "icp" }, auth),
            await Rest<GetModelCardResponse>(HttpMethod.Get, "/v1/models/icp/card"));

        var funnel = await server.Reporting.GetChannelFunnelAsync(new GetChannelFunnelRequest { MonthFrom = "2000-01", MonthTo = "2100-12" }, auth);
        Assert.NotEmpty(funnel.Rows);
        Assert.Equal(funnel, await Rest<GetChannelFunnelResponse>(HttpMethod.Get, "/v1/channel-funnel?month_from=2000-01&month_to=2100-12"));

        var owner = server.State.Features!.OpenOpportunities[0].AccountId;
        Assert.Equal(
            await server.Scoring.ListAccountOpportunitiesAsync(new ListAccountOpportunitiesRequest { AccountId = owner }, auth),
            await Rest<ListAccountOpportunitiesResponse>(HttpMethod.Get, $"/v1/accounts/{Uri.EscapeDataString(owner)}/opportunities"));

        Assert.Equal(
            await server.Models.GetAllowedValuesAsync(new GetAllowedValuesRequest(), auth),
            await Rest<GetAllowedValuesResponse>(HttpMethod.Get, "/v1/allowed-values"));

        Assert.Equal(new Empty(), await Rest<Empty>(HttpMethod.Get, "/v1/ping"));
    }

    [Fact]
    public async Task Write_back_and_reload_run_over_REST_and_agree_with_gRPC()
    {
        var written = await Rest<WriteBackResponse>(HttpMethod.Post, "/v1/scores:writeBack", """{"run_id": "rest-run-1"}""");
        Assert.Equal("rest-run-1", written.RunId);
        Assert.False(written.AlreadyWritten);
        Assert.True(written.Opportunities > 0 && written.Accounts > 0);

        var again = await server.WriteBack.WriteBackScoresAsync(new WriteBackRequest { RunId = "rest-run-1" }, GrpcServerFixture.Auth());
        Assert.True(again.AlreadyWritten);
        Assert.Equal((written.Opportunities, written.Accounts), (again.Opportunities, again.Accounts));

        var reloaded = await Rest<ReloadModelsResponse>(HttpMethod.Post, "/v1/models:reload", "{}");
        Assert.Equal(await server.Models.ReloadModelsAsync(new ReloadModelsRequest(), GrpcServerFixture.Auth()), reloaded);
    }

    [Fact]
    public async Task No_key_is_401_a_wrong_key_401_a_missing_scope_403_and_a_bad_request_400_with_the_gRPC_message()
    {
        var body = JsonSerializer.Serialize(new { opportunity_ids = OpenIds(1) });
        Assert.Equal((HttpStatusCode.Unauthorized, 16), await Status(HttpMethod.Post, "/v1/opportunities:score", body, key: null));
        Assert.Equal((HttpStatusCode.Unauthorized, 16), await Status(HttpMethod.Post, "/v1/opportunities:score", body, key: "not-a-key"));

        // A key listed without scopes reads scores but may neither write back nor reload.
        Assert.Equal((HttpStatusCode.OK, 0), await Status(HttpMethod.Post, "/v1/opportunities:score", body, GrpcServerFixture.ReadOnlyKey));
        Assert.Equal((HttpStatusCode.Forbidden, 7), await Status(HttpMethod.Post, "/v1/scores:writeBack", "{}", GrpcServerFixture.ReadOnlyKey));
        Assert.Equal((HttpStatusCode.Forbidden, 7), await Status(HttpMethod.Post, "/v1/models:reload", "{}", GrpcServerFixture.ReadOnlyKey));

        Assert.Equal((HttpStatusCode.BadRequest, 3), await Status(HttpMethod.Post, "/v1/opportunities:score", """{"opportunity_ids": []}""", GrpcServerFixture.ApiKey));
        Assert.Equal((HttpStatusCode.BadRequest, 3), await Status(HttpMethod.Post, "/v1/opportunities:score", "{not json", GrpcServerFixture.ApiKey));
        Assert.Equal((HttpStatusCode.BadRequest, 3), await Status(HttpMethod.Get, "/v1/channel-funnel?month_from=0000-01&month_to=2025-01", null, GrpcServerFixture.ApiKey));
    }

    private async Task<(HttpStatusCode Status, int Code)> Status(HttpMethod method, string path, string? body, string? key)
    {
        using var http = Http(key);
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return (response.StatusCode, 0);
        }

        Assert.True(text.Length > 0, $"{method} {path}: {(int)response.StatusCode} with an empty body");
        using var json = JsonDocument.Parse(text);
        var message = json.RootElement.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message), text);
        return (response.StatusCode, json.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_routes_with_the_protos_comments()
    {
        using var http = Http(key: null);
        var text = await http.GetStringAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(text);
        var paths = document.RootElement.GetProperty("paths");
        foreach (var route in new[] { "/v1/opportunities:score", "/v1/opportunities:scoreInline", "/v1/accounts:score", "/v1/accounts/{accountIds}/score", "/v1/priority-accounts", "/v1/models", "/v1/scores:writeBack" })
        {
            Assert.True(paths.TryGetProperty(route, out _), $"{route} missing from the OpenAPI paths: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }

        // Method and field descriptions come from the proto comments.
        Assert.Contains("Scores known opportunities by id", text, StringComparison.Ordinal);
        Assert.Contains("Deal amount in US cents", text, StringComparison.Ordinal);
    }
}
