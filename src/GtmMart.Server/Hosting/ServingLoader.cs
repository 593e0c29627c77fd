using GtmMart.Server.Services;
using GtmMart.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GtmMart.Server.Hosting;

/// <summary>
/// Loads features and models in the background after the host starts, so health reports NOT_SERVING until they are
/// in memory. A failed load is logged and retried with backoff; the host keeps running (health stays NOT_SERVING).
/// </summary>
public sealed partial class ServingLoader(ServingState state, ServingAccess access, ILogger<ServingLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Run(state.Load, stoppingToken).ConfigureAwait(false);
                var features = state.Features;
                var models = state.Models.Current;
                LogLoaded(logger, features?.OpenOpportunities.Count ?? 0, features?.Accounts.Count ?? 0, models?.OpportunityVersion ?? "", models?.IcpVersion ?? "");
                access.Publish();
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex.Message.Split('\n')[0], delay.TotalSeconds);
            }

            try
            {
                await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "serving: {OpenOpportunities} open opportunities, {Accounts} accounts, opportunity-scoring {OpportunityVersion}, icp {IcpVersion}")]
    private static partial void LogLoaded(ILogger logger, int openOpportunities, int accounts, string opportunityVersion, string icpVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "loading features and models failed: {Reason}; retrying in {Seconds} s")]
    private static partial void LogFailed(ILogger logger, string reason, double seconds);
}
