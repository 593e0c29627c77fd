namespace GtmMart.Warehouse;

/// <summary>
/// Named points where crash tests stop a process. When <c>GTM_FAILPOINT</c> names the point being passed, the
/// process announces it on stdout and waits there until it is killed, so a test can kill it at an exact step.
/// Off (a no-op) unless the variable is set.
/// </summary>
public static class Failpoint
{
    public const string EnvironmentVariable = "GTM_FAILPOINT";

    public static void Hit(string name)
    {
        if (!string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), name, StringComparison.Ordinal))
        {
            return;
        }

        Console.Out.WriteLine($"failpoint {name} reached");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
