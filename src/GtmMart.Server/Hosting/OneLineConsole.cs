using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace GtmMart.Server.Hosting;

/// <summary>
/// The server's console log: one line per entry (<c>warn: category: message</c>), and for an entry carrying an
/// exception only the first line of its message, never its type or stack trace (nothing internal reaches a terminal).
/// </summary>
public sealed class OneLineConsole() : ConsoleFormatter(Name)
{
    public new const string Name = "gtm";

    public static void Use(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddConsole(console => console.FormatterName = Name).AddConsoleFormatter<OneLineConsole, ConsoleFormatterOptions>();
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (logEntry.Exception is { } exception)
        {
            message = $"{message} ({FirstLine(exception.Message)})";
        }

        var category = logEntry.Category;
        var dot = category.LastIndexOf('.');
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(dot >= 0 ? category[(dot + 1)..] : category);
        textWriter.Write(": ");
        textWriter.WriteLine(FirstLine(message));
    }

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return (end >= 0 ? text[..end] : text).Trim();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
