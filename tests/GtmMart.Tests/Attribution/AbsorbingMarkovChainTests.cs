using GtmMart.Warehouse.Attribution;

namespace GtmMart.Tests.Attribution;

/// <summary>The exact Markov solve on chains small enough to solve by hand, including a loop between channels.</summary>
public sealed class AbsorbingMarkovChainTests
{
    private const string S = AbsorbingMarkovChain.Start;
    private const string C = AbsorbingMarkovChain.Conversion;
    private const string N = AbsorbingMarkovChain.Null;

    [Fact]
    public void A_loop_between_channels_is_solved_as_a_linear_system()
    {
        // Paths: A > B > A > conversion, B > null. From A: 1/2 B, 1/2 conversion; from B: 1/2 A, 1/2 null.
        // x_A = x_B / 2 + 1/2 and x_B = x_A / 2 give x_A = 2/3, x_B = 1/3; P(conversion) = (2/3 + 1/3) / 2 = 1/2.
        // Without A: 0 (effect 1); without B: x_A = 1/2, P = 1/4 (effect 1/2). Shares 2/3 and 1/3.
        var chain = new AbsorbingMarkovChain([new(S, "A", 1), new(S, "B", 1), new("A", "B", 1), new("B", "A", 1), new("A", C, 1), new("B", N, 1)]);

        Assert.Equal(Fraction.Of(1, 2), chain.ConversionProbability());
        Assert.Equal(Fraction.Of(1, 4), chain.ConversionProbability("B"));
        var effects = chain.RemovalEffects();
        Assert.Equal(["A", "B"], effects.Select(e => e.Channel));
        Assert.Equal([Fraction.One, Fraction.Of(1, 2)], effects.Select(e => e.Effect));
        Assert.Equal([Fraction.Of(2, 3), Fraction.Of(1, 3)], effects.Select(e => e.Share));
        Assert.Equal(2, chain.Paths);
        Assert.Equal(1, chain.ConvertingPaths);
    }

    [Fact]
    public void A_month_without_a_conversion_has_nothing_to_share()
    {
        var chain = new AbsorbingMarkovChain([new(S, "A", 3), new("A", N, 3)]);

        Assert.True(chain.ConversionProbability().IsZero);
        Assert.Empty(chain.RemovalEffects());
    }

    [Fact]
    public void Rounded_shares_add_up_to_exactly_one_the_remainder_going_to_the_largest()
    {
        // Three channels each converting once on their own: effects 1 each, shares 1/3.
        var chain = new AbsorbingMarkovChain([new(S, "B", 1), new(S, "A", 1), new(S, "C", 1), new("A", C, 1), new("B", C, 1), new("C", C, 1)]);

        var shares = MarkovRemovalEffects.Shares(chain.RemovalEffects());

        Assert.Equal(1m, shares.Values.Sum());
        Assert.Equal(0.333333333333334m, shares["A"]);
        Assert.Equal(0.333333333333333m, shares["B"]);
        Assert.Equal(0.333333333333333m, shares["C"]);
    }

    [Fact]
    public void The_order_transitions_arrive_in_does_not_change_the_figures()
    {
        Transition[] transitions = [new(S, "X", 4), new(S, "Y", 3), new("X", "Y", 2), new("Y", "X", 1), new("X", C, 2), new("Y", N, 2), new("Y", C, 2), new("X", N, 1)];

        var forward = new AbsorbingMarkovChain(transitions).RemovalEffects();
        var backward = new AbsorbingMarkovChain(transitions.Reverse()).RemovalEffects();

        Assert.Equal(forward, backward);
    }

    [Fact]
    public void A_transition_out_of_an_absorbing_state_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AbsorbingMarkovChain([new(S, "A", 1), new(C, "A", 1)]));

        Assert.Contains("(conversion) > A", error.Message, StringComparison.Ordinal);
    }
}
