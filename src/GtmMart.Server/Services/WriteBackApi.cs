using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GtmMart.Contracts.V1;
using GtmMart.Serving;
using GtmMart.Warehouse.Connection;
using GtmMart.Warehouse.History;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Services;

/// <summary>
/// gtm.v1.WriteBackService: scores every open opportunity and account with the served models, writes them to the
/// warehouse on a short-lived connection (one write-back at a time: DuckDB has a single writer), then reloads the
/// in-memory features so the server serves what was just written.
/// </summary>
public sealed partial class WriteBackApi(ServingAccess serving, ILogger<WriteBackApi> logger) : WriteBackService.WriteBackServiceBase
{
    private static readonly SemaphoreSlim WriteGate = new(1, 1);

    public override async Task<WriteBackResponse> WriteBackScores(WriteBackRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var runId = RequestText.Optional(request.HasRunId, request.RunId);
        if (runId is not null && !IsRunId(runId))
        {
            throw RpcErrors.InvalidArgument("run_id", "must be 1-64 characters of letters, digits, '.', '_' or '-'");
        }

        var snapshot = serving.Snapshot();
        var token = context.CancellationToken;
        await WriteGate.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var result = await Task.Run(
                () =>
                {
                    var written = new ScoreWriteBack(serving.State.Warehouse) { Retention = ScoreHistoryRetention.FromEnvironment() }.Run(snapshot.Models, snapshot.Features, runId, null, token);
                    serving.State.RefreshFeatures();
                    serving.Publish();
                    return written;
                },
                token).ConfigureAwait(false);
            LogWritten(logger, result.RunId, result.Opportunities, result.Accounts, result.AlreadyWritten);
            return new WriteBackResponse
            {
                RunId = result.RunId,
                Opportunities = result.Opportunities,
                Accounts = result.Accounts,
                ScoredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(result.ScoredAtUtc, DateTimeKind.Utc)),
                AlreadyWritten = result.AlreadyWritten,
                OpportunityModel = result.OpportunityModelVersion == snapshot.Models.OpportunityVersion
                    ? snapshot.OpportunityModel : new ModelRef { Name = snapshot.Models.OpportunityModel, Version = result.OpportunityModelVersion },
                IcpModel = result.IcpModelVersion == snapshot.Models.IcpVersion
                    ? snapshot.IcpModel : new ModelRef { Name = snapshot.Models.IcpModel, Version = result.IcpModelVersion },
            };
        }
        catch (ServingException ex)
        {
            LogFailed(logger, ex.Message);
            throw RpcErrors.FailedPrecondition(ex.Message.Split('\n')[0]);
        }
        catch (WarehouseException ex)
        {
            LogFailed(logger, ex.Message);
            throw RpcErrors.Unavailable("the warehouse could not take the write-back now: " + ex.Message.Split('\n')[0]);
        }
        finally
        {
            WriteGate.Release();
        }
    }

    /// <summary>The run id rule (1-64 characters of letters, digits, '.', '_' or '-'), shared by the rpcs that take one.</summary>
    internal static bool IsRunId(string runId) =>
        runId.Length is > 0 and <= 64 && runId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    [LoggerMessage(Level = LogLevel.Information, Message = "write-back {RunId}: {Opportunities} opportunities, {Accounts} accounts (already written: {AlreadyWritten})")]
    private static partial void LogWritten(ILogger logger, string runId, long opportunities, long accounts, bool alreadyWritten);

    [LoggerMessage(Level = LogLevel.Warning, Message = "write-back failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
