using GtmMart.Tests.Support;

namespace GtmMart.Tests.Grpc;

/// <summary>
/// A fact that needs Debian's <c>/usr/bin/python3</c> with <c>grpc</c> importable (apt-get install python3-grpcio):
/// skipped with the reason when it is not, unless <c>CI=true</c>, where it runs (and so fails).
/// </summary>
public sealed class PythonGrpcFactAttribute : FactAttribute
{
    public const string Python = "/usr/bin/python3";

    public PythonGrpcFactAttribute()
    {
        if (!RepoPaths.OnCi && !PythonHasGrpc.Value)
        {
            Skip = $"needs {Python} with the grpc module (apt-get install python3-grpcio), which is missing here; CI=true makes this a failure";
        }
    }

    private static readonly Lazy<bool> PythonHasGrpc = new(() =>
    {
        try
        {
            return File.Exists(Python) && ChildProcess.Run(new System.Diagnostics.ProcessStartInfo(Python) { ArgumentList = { "-c", "import grpc" } }).ExitCode == 0;
        }
        catch (Exception)
        {
            return false;
        }
    });
}
