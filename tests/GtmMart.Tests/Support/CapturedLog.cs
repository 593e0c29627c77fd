using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GtmMart.Tests.Support;

/// <summary>
/// A server's log entries, each with the exception's full text: what the server's own filters let through (as its
/// console would show), or with <paramref name="everything"/> every entry at every level (a rule of its own overrides
/// the server's filters), so a test can scan all that was or could be logged.
/// </summary>
public sealed class CapturedLog(bool everything = false) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public IReadOnlyList<string> Entries => [.. entries];

    public string All => string.Join('\n', entries);

    /// <summary>Adds this provider (with everything: and a Trace-level rule of its own).</summary>
    public void AddTo(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddProvider(this);
        if (everything)
        {
            logging.AddFilter<CapturedLog>(null, LogLevel.Trace);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue($"{logLevel}: {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
    }
}
