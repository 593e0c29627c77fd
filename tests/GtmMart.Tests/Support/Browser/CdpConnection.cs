using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GtmMart.Tests.Support.Browser;

/// <summary>A CDP event: method, params and the flattened session it belongs to (null for the browser).</summary>
public sealed record CdpEvent(string Method, JsonElement Params, string? SessionId);

/// <summary>
/// A minimal Chrome DevTools Protocol client over one WebSocket (flattened sessions): commands are matched to their
/// replies by id, events go to every listener. Every wait is bounded by a timeout.
/// </summary>
public sealed class CdpConnection : IDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> pending = new();
    private readonly List<Action<CdpEvent>> listeners = [];
    private readonly Lock listenersLock = new();
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly CancellationTokenSource stop = new();
    private Task? receiveLoop;
    private int nextId;

    public static async Task<CdpConnection> ConnectAsync(Uri endpoint, TimeSpan timeout)
    {
        var connection = new CdpConnection();
        using var cts = new CancellationTokenSource(timeout);
        connection.socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection.socket.ConnectAsync(endpoint, cts.Token);
        connection.receiveLoop = Task.Run(connection.ReceiveAsync);
        return connection;
    }

    /// <summary>Adds a listener for every event; returns a handle that removes it.</summary>
    public IDisposable Listen(Action<CdpEvent> listener)
    {
        lock (listenersLock)
        {
            listeners.Add(listener);
        }

        return new Unsubscribe(() =>
        {
            lock (listenersLock)
            {
                listeners.Remove(listener);
            }
        });
    }

    /// <summary>Sends a command and waits (bounded) for its result; a protocol error throws.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, string? sessionId = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var reply = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = reply;
        var message = new JsonObject
        {
            ["id"] = id,
            ["method"] = method,
            ["params"] = parameters is null ? new JsonObject() : JsonSerializer.SerializeToNode(parameters),
        };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource(limit);
        await sendLock.WaitAsync(cts.Token);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        }
        finally
        {
            sendLock.Release();
        }

        try
        {
            return await reply.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"CDP {method} got no reply within {limit.TotalSeconds:0}s");
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    /// <summary>Waits (bounded) for the first event matching <paramref name="method"/> and <paramref name="match"/>; subscribe before triggering it.</summary>
    public EventWaiter WaitFor(string method, string? sessionId, Func<JsonElement, bool>? match = null) => new(this, method, sessionId, match);

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!stop.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                message.SetLength(0);
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                Dispatch(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The browser went away or we are closing: fail whoever still waits.
        }
        finally
        {
            foreach (var (_, reply) in pending)
            {
                reply.TrySetException(new IOException("the DevTools connection closed"));
            }
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (pending.TryGetValue(id.GetInt32(), out var reply))
            {
                if (message.TryGetProperty("error", out var error))
                {
                    reply.TrySetException(new InvalidOperationException($"CDP error: {error}"));
                }
                else
                {
                    reply.TrySetResult(message.TryGetProperty("result", out var result) ? result : default);
                }
            }

            return;
        }

        var evt = new CdpEvent(
            message.GetProperty("method").GetString()!,
            message.TryGetProperty("params", out var p) ? p : default,
            message.TryGetProperty("sessionId", out var s) ? s.GetString() : null);
        Action<CdpEvent>[] current;
        lock (listenersLock)
        {
            current = [.. listeners];
        }

        foreach (var listener in current)
        {
            listener(evt);
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token).Wait(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or AggregateException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing is best effort: the browser process is killed next anyway.
        }

        receiveLoop?.Wait(TimeSpan.FromSeconds(2));
        socket.Dispose();
        stop.Dispose();
        sendLock.Dispose();
    }

    /// <summary>A pending wait for one event; created before the action that triggers it.</summary>
    public sealed class EventWaiter : IDisposable
    {
        private readonly TaskCompletionSource<JsonElement> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IDisposable subscription;
        private readonly string method;

        internal EventWaiter(CdpConnection connection, string method, string? sessionId, Func<JsonElement, bool>? match)
        {
            this.method = method;
            subscription = connection.Listen(e =>
            {
                if (e.Method == method && e.SessionId == sessionId && (match is null || match(e.Params)))
                {
                    seen.TrySetResult(e.Params);
                }
            });
        }

        public async Task<JsonElement> WaitAsync(TimeSpan timeout)
        {
            try
            {
                return await seen.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no CDP {method} event within {timeout.TotalSeconds:0}s");
            }
        }

        public void Dispose() => subscription.Dispose();
    }

    private sealed class Unsubscribe(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
