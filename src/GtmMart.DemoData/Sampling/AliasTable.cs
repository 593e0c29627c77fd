namespace GtmMart.DemoData.Sampling;

/// <summary>Walker/Vose alias table: O(n) build, O(1) weighted draw. Rebuildable without reallocating.</summary>
internal sealed class AliasTable
{
    private readonly Entry[] _entries;
    private readonly int[] _small;
    private readonly int[] _large;
    private readonly double[] _scaled;
    private int _count;

    public AliasTable(int capacity)
    {
        _entries = new Entry[capacity];
        _small = new int[capacity];
        _large = new int[capacity];
        _scaled = new double[capacity];
    }

    public int Count => _count;

    /// <summary>Rebuilds for non-negative weights with a positive total.</summary>
    public void Build(ReadOnlySpan<double> weights)
    {
        var n = weights.Length;
        if (n == 0 || n > _entries.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(weights), n, "Alias table needs 1..capacity weights.");
        }

        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            total += weights[i];
        }

        if (!(total > 0))
        {
            throw new ArgumentException("Alias table weights must have a positive total.", nameof(weights));
        }

        _count = n;
        var smallCount = 0;
        var largeCount = 0;
        var factor = n / total;
        for (var i = 0; i < n; i++)
        {
            var scaled = weights[i] * factor;
            _scaled[i] = scaled;
            if (scaled < 1.0)
            {
                _small[smallCount++] = i;
            }
            else
            {
                _large[largeCount++] = i;
            }
        }

        while (smallCount > 0 && largeCount > 0)
        {
            var less = _small[--smallCount];
            var more = _large[largeCount - 1];
            _entries[less] = new Entry(_scaled[less], more);
            _scaled[more] = _scaled[more] + _scaled[less] - 1.0;
            if (_scaled[more] < 1.0)
            {
                largeCount--;
                _small[smallCount++] = more;
            }
        }

        while (largeCount > 0)
        {
            var i = _large[--largeCount];
            _entries[i] = new Entry(1.0, i);
        }

        while (smallCount > 0)
        {
            // Only reachable through rounding error: the remaining mass is ~1.
            var i = _small[--smallCount];
            _entries[i] = new Entry(1.0, i);
        }
    }

    public int Sample(Rng rng)
    {
        var u = rng.NextDouble() * _count;
        var i = (int)u;
        if (i >= _count)
        {
            i = _count - 1;
        }

        var entry = _entries[i];
        return u - i < entry.Probability ? i : entry.Alias;
    }

    /// <summary>Probability of keeping column i, and the column that takes the rest (kept together for locality).</summary>
    private readonly record struct Entry(double Probability, int Alias);
}
