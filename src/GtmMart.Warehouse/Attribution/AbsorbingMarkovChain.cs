namespace GtmMart.Warehouse.Attribution;

/// <summary>One transition count of a touch-path chain: from a state to a state, how many times.</summary>
public sealed record Transition(string From, string To, long Count);

/// <summary>One channel's removal effect in a month's chain and its share of the month's removal effects.</summary>
public sealed record RemovalEffect(string Channel, Fraction Effect, Fraction Share);

/// <summary>
/// A first-order Markov chain over touch paths: <see cref="Start"/> &gt; channel &gt; ... &gt; <see cref="Conversion"/>
/// or <see cref="Null"/>. Transition probabilities are the observed counts out of each state. The probability of
/// reaching conversion from the start solves the absorbing chain's linear system (I - Q) x = r exactly, in rationals;
/// removing a channel makes it lead to null (x = 0 there), and its removal effect is
/// 1 - P(conversion without it) / P(conversion). Shares are the effects divided by their sum. Deterministic: states are
/// ordered by name (ordinal) and the arithmetic is exact.
/// </summary>
public sealed class AbsorbingMarkovChain
{
    public const string Start = "(start)";
    public const string Conversion = "(conversion)";
    public const string Null = "(null)";

    private readonly List<string> states;
    private readonly Fraction[,] q;
    private readonly Fraction[] r;

    public AbsorbingMarkovChain(IEnumerable<Transition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var list = transitions.ToList();
        foreach (var t in list.Where(t => t.Count <= 0 || t.From is Conversion or Null || t.To == Start))
        {
            throw new ArgumentException($"Not a transition of a touch-path chain: {t.From} > {t.To} ({t.Count}).", nameof(transitions));
        }

        Channels = list.SelectMany(t => new[] { t.From, t.To })
            .Where(s => s is not (Start or Conversion or Null))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        states = [Start, .. Channels];
        var index = states.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var n = states.Count;
        q = new Fraction[n, n];
        r = new Fraction[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = Fraction.Zero;
            for (var j = 0; j < n; j++)
            {
                q[i, j] = Fraction.Zero;
            }
        }

        foreach (var from in list.GroupBy(t => t.From, StringComparer.Ordinal))
        {
            var total = from.Sum(t => t.Count);
            var i = index[from.Key];
            foreach (var t in from)
            {
                var p = Fraction.Of(t.Count, total);
                if (t.To == Conversion)
                {
                    r[i] += p;
                }
                else if (t.To != Null)
                {
                    q[i, index[t.To]] += p;
                }
            }
        }

        Paths = list.Where(t => t.From == Start).Sum(t => t.Count);
        ConvertingPaths = list.Where(t => t.To == Conversion).Sum(t => t.Count);
    }

    /// <summary>The channels on the paths, in ordinal order.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>Paths in the chain (transitions out of the start).</summary>
    public long Paths { get; }

    /// <summary>Paths ending in conversion.</summary>
    public long ConvertingPaths { get; }

    /// <summary>P(the start reaches conversion), with <paramref name="removed"/> (if any) leading straight to null.</summary>
    public Fraction ConversionProbability(string? removed = null)
    {
        if (Paths == 0)
        {
            return Fraction.Zero;
        }

        var n = states.Count;
        var a = new Fraction[n, n + 1];
        for (var i = 0; i < n; i++)
        {
            var cut = states[i] == removed;
            for (var j = 0; j < n; j++)
            {
                a[i, j] = (i == j ? Fraction.One : Fraction.Zero) - (cut ? Fraction.Zero : q[i, j]);
            }

            a[i, n] = cut ? Fraction.Zero : r[i];
        }

        return Solve(a, n)[0];
    }

    /// <summary>Every channel's removal effect and share; empty when no path converts (there is nothing to share).</summary>
    public IReadOnlyList<RemovalEffect> RemovalEffects()
    {
        var baseline = ConversionProbability();
        if (baseline.IsZero)
        {
            return [];
        }

        var effects = Channels.Select(c => (Channel: c, Effect: Fraction.One - ConversionProbability(c) / baseline)).ToList();
        var total = effects.Aggregate(Fraction.Zero, (sum, e) => sum + e.Effect);
        return effects.Select(e => new RemovalEffect(e.Channel, e.Effect, e.Effect / total)).ToList();
    }

    /// <summary>Gauss-Jordan elimination on the augmented matrix (exact, so the first non-zero pivot will do).</summary>
    private static Fraction[] Solve(Fraction[,] a, int n)
    {
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            while (pivot < n && a[pivot, col].IsZero)
            {
                pivot++;
            }

            if (pivot == n)
            {
                throw new InvalidOperationException("The chain has a set of states that never reaches an absorbing state.");
            }

            for (var j = 0; j <= n; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            var p = a[col, col];
            for (var j = col; j <= n; j++)
            {
                a[col, j] /= p;
            }

            for (var i = 0; i < n; i++)
            {
                if (i == col || a[i, col].IsZero)
                {
                    continue;
                }

                var factor = a[i, col];
                for (var j = col; j <= n; j++)
                {
                    a[i, j] -= factor * a[col, j];
                }
            }
        }

        return Enumerable.Range(0, n).Select(i => a[i, n]).ToArray();
    }
}
