using GtmMart.Warehouse.Connection;

namespace GtmMart.Serving;

/// <summary>
/// Serving cannot start or run (no active model version, no published mart). Its message is one line meant for the
/// operator; it derives from <see cref="WarehouseException"/> so the CLI prints it as a plain <c>error:</c> line.
/// </summary>
public sealed class ServingException : WarehouseException
{
    public ServingException(string message)
        : base(message)
    {
    }

    public ServingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
