using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The model's raw score and each slot's contribution to it, computed from the featurized vector the way ML.NET
/// computes them (its prediction and its feature-contribution transform with <c>normalize: false</c>), without the
/// transform's per-row cost: it sorts every slot and allocates per row, which made it three quarters of a score.
/// A linear model scores <c>bias + Σ w_i · x_i</c> and slot i contributes <c>w_i · x_i</c>. A tree ensemble scores
/// the sum of the leaves the row reaches; in every tree, at every split on the row's path, the split's slot is
/// credited with the output of the leaf reached minus the output of the leaf it would reach had it gone the other way
/// at that split (tree weights are not applied to contributions, as in ML.NET).
/// <c>SlotContributionsTests</c> compares scores and factors with ML.NET on trained models of both kinds.
/// </summary>
internal abstract class SlotContributions
{
    /// <summary>Adds each slot's contribution to <paramref name="bySlot"/>; returns the raw (uncalibrated) score.</summary>
    public abstract float Add(ReadOnlySpan<float> features, Span<double> bySlot);

    /// <summary>For a linear model, or null when its weights are not one per slot.</summary>
    public static SlotContributions? For(LinearBinaryModelParameters model, int slots)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Weights.Count == slots ? new Linear([.. model.Weights], model.Bias) : null;
    }

    /// <summary>For a FastTree ensemble, or null when it uses what this walk does not (categorical splits).</summary>
    public static SlotContributions? For(FastTreeBinaryModelParameters model, int slots)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ensemble = model.TrainedTreeEnsemble;
        var trees = ensemble.Trees;
        if (trees.Any(t => t.CategoricalSplitFlags.Any(c => c) || t.NumericalSplitFeatureIndexes.Any(f => f < 0 || f >= slots)))
        {
            return null;
        }

        return new Trees(
            [.. trees.Select((t, i) => new Tree(
                [.. t.LeftChild], [.. t.RightChild], [.. t.NumericalSplitFeatureIndexes], [.. t.NumericalSplitThresholds], [.. t.LeafValues], ensemble.TreeWeights[i]))],
            ensemble.Bias);
    }

    private sealed class Linear(float[] weights, float bias) : SlotContributions
    {
        public override float Add(ReadOnlySpan<float> features, Span<double> bySlot)
        {
            var score = 0f;
            for (var i = 0; i < weights.Length; i++)
            {
                // Float products, as ML.NET multiplies the two vectors element-wise.
                var product = weights[i] * features[i];
                bySlot[i] += product;
                score += product;
            }

            return bias + score;
        }
    }

    /// <summary>One regression tree: children are node indexes, or ~leaf for a leaf; a tree without splits has no nodes.</summary>
    private sealed record Tree(int[] Left, int[] Right, int[] Feature, float[] Threshold, double[] Leaf, double Weight)
    {
        public int LeafFrom(ReadOnlySpan<float> x, int node)
        {
            while (node >= 0)
            {
                node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
            }

            return ~node;
        }
    }

    private sealed class Trees(Tree[] trees, double bias) : SlotContributions
    {
        public override float Add(ReadOnlySpan<float> features, Span<double> bySlot)
        {
            var score = bias;
            foreach (var tree in trees)
            {
                if (tree.Left.Length == 0)
                {
                    score += tree.Weight * tree.Leaf[0];
                    continue;
                }

                var output = tree.Leaf[tree.LeafFrom(features, 0)];
                score += tree.Weight * output;
                var node = 0;
                while (node >= 0)
                {
                    var slot = tree.Feature[node];
                    int otherWay;
                    if (features[slot] <= tree.Threshold[node])
                    {
                        otherWay = tree.Right[node];
                        node = tree.Left[node];
                    }
                    else
                    {
                        otherWay = tree.Left[node];
                        node = tree.Right[node];
                    }

                    // Credited in float per tree, as ML.NET accumulates them.
                    bySlot[slot] += (float)(output - tree.Leaf[tree.LeafFrom(features, otherWay)]);
                }
            }

            return (float)score;
        }
    }
}
