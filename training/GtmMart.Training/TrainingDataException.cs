namespace GtmMart.Training;

/// <summary>
/// The data cannot train a model: the message says what is missing (e.g. how many won and lost deals there are and
/// how many are needed), in one line fit for the command line's <c>error:</c> output.
/// </summary>
public sealed class TrainingDataException : Exception
{
    public TrainingDataException(string message)
        : base(message)
    {
    }

    public TrainingDataException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TrainingDataException()
    {
    }
}
