using System.Numerics;

namespace GtmMart.DemoData.Sampling;

/// <summary>
/// xoshiro256** generator seeded through SplitMix64. Implemented here (not <see cref="System.Random"/>) so the
/// sequence is fixed by this code alone: the same (seed, stream) gives the same numbers on every runtime.
/// Each independent part of the simulation uses its own stream, so changing one part does not shift the others.
/// </summary>
internal sealed class Rng
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public Rng(int seed, RngStream stream)
    {
        var x = unchecked(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ (((ulong)stream + 1) * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-high, bias below 2^-32 for the sizes used here).</summary>
    public int NextInt(int n) => (int)Math.BigMul(NextUInt64(), (ulong)n, out _);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box-Muller, no cached second value so the stream position is simple to reason about).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Log-normal multiplier with median 1 and log-sd <paramref name="sigma"/>.</summary>
    public double NextLogNormal(double sigma) => Math.Exp(sigma * NextGaussian());

    public double NextExponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Poisson draw: Knuth's product method for small means, rounded normal approximation above 30.</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            return (int)Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * NextGaussian())));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var product = NextDouble();
        while (product > limit)
        {
            k++;
            product *= NextDouble();
        }

        return k;
    }

    /// <summary>Index drawn from a cumulative weight table (last entry = total weight).</summary>
    public int Pick(ReadOnlySpan<double> cumulative)
    {
        var u = NextDouble() * cumulative[^1];
        for (var i = 0; i < cumulative.Length - 1; i++)
        {
            if (u < cumulative[i])
            {
                return i;
            }
        }

        return cumulative.Length - 1;
    }

    /// <summary>Cumulative table for <see cref="Pick"/>.</summary>
    public static double[] Cumulative(ReadOnlySpan<double> weights)
    {
        var cumulative = new double[weights.Length];
        Cumulate(weights, cumulative);
        return cumulative;
    }

    public static void Cumulate(ReadOnlySpan<double> weights, Span<double> cumulative)
    {
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }
    }
}

/// <summary>Independent random streams, one per part of the simulation.</summary>
internal enum RngStream : ulong
{
    Accounts = 1,
    Contacts = 2,
    Opportunities = 3,
    Sessions = 4,
    AdSpend = 5,
    Outcomes = 6,
    SessionCalendar = 7,
    OpportunityCalendar = 8,
    LaterOutcomes = 9,
}
