namespace GtmMart.Warehouse.Connection;

/// <summary>An error meant for the person at the terminal: its message is one clear line.</summary>
public class WarehouseException : Exception
{
    public WarehouseException(string message)
        : base(message)
    {
    }

    public WarehouseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
