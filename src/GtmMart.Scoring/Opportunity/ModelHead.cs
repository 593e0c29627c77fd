using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace GtmMart.Scoring.Opportunity;

/// <summary>
/// The model's predictor computed from the featurized vector, as ML.NET computes it (the same raw score, which
/// <see cref="PlattCalibration"/> turns into the probability), and the effect of each feature family against a
/// reference vector: the raw score of the row minus the raw score of the row with that family's slots set to the
/// reference's. A linear model scores <c>bias + Σ w_i · x_i</c>, so a family's effect is <c>Σ w_i · (x_i − r_i)</c> over
/// its slots, exact and additive. A tree ensemble scores the sum of the leaves the row reaches; a family's effect is the
/// change in that sum, which only trees whose path the family's reference values turn can make (see
/// <see cref="Trees.Evaluate"/>).
/// </summary>
internal abstract class ModelHead
{
    /// <summary>
    /// The raw (uncalibrated) score of <paramref name="x"/>; when <paramref name="effects"/> is not empty, also adds
    /// each family's effect against <paramref name="reference"/> to it (indexed by family, as the head's slot families).
    /// </summary>
    public abstract float Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, Span<double> effects);

    /// <summary>For a linear model, or null when its weights are not one per slot.</summary>
    public static ModelHead? For(LinearBinaryModelParameters model, int[] slotFamily)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(slotFamily);
        return model.Weights.Count == slotFamily.Length ? new Linear([.. model.Weights], model.Bias, slotFamily) : null;
    }

    /// <summary>For a FastTree or LightGBM ensemble, or null when it uses what this walk does not (categorical splits).</summary>
    public static ModelHead? For(TreeEnsembleModelParametersBasedOnRegressionTree model, int[] slotFamily)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(slotFamily);
        var ensemble = model.TrainedTreeEnsemble;
        var trees = ensemble.Trees;
        if (trees.Any(t => t.CategoricalSplitFlags.Any(c => c) || t.NumericalSplitFeatureIndexes.Any(f => f < 0 || f >= slotFamily.Length)))
        {
            return null;
        }

        return new Trees(trees, ensemble.TreeWeights, ensemble.Bias, slotFamily);
    }

    private sealed class Linear(float[] weights, float bias, int[] slotFamily) : ModelHead
    {
        public override float Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, Span<double> effects)
        {
            var score = 0f;
            for (var i = 0; i < weights.Length; i++)
            {
                // Float products summed in float, as ML.NET multiplies the two vectors element-wise.
                score += weights[i] * x[i];
            }

            if (!effects.IsEmpty)
            {
                for (var i = 0; i < weights.Length; i++)
                {
                    effects[slotFamily[i]] += weights[i] * ((double)x[i] - reference[i]);
                }
            }

            return bias + score;
        }
    }

    /// <summary>
    /// All trees in flat arrays, one entry per split node: for tree t, nodes <c>NodeStart[t] ..</c> and leaves
    /// <c>LeafStart[t] ..</c>; a child is a node index within its tree, or ~leaf. A tree without splits has no nodes.
    /// </summary>
    private sealed class Trees : ModelHead
    {
        private readonly int[] _nodeStart;
        private readonly int[] _leafStart;
        /// <summary>
        /// Every tree's split nodes, one after another: a node's slot, threshold and children side by side (16 bytes, one
        /// cache line holds four), so a step down a tree reads one line rather than one in each of four arrays. In the
        /// call the trees are often cold (transport work runs between two scores), and every score walks each tree.
        /// </summary>
        private readonly Node[] _nodes;
        private readonly double[] _leaf;
        private readonly double[] _weight;
        private readonly double _bias;
        private readonly int[] _slotFamily;

        /// <summary>Room for the splits on any root-to-leaf path: the most leaves in any tree (n leaves, at most n − 1 splits on a path).</summary>
        private readonly int _maxPath;

        public Trees(IReadOnlyList<RegressionTree> trees, IReadOnlyList<double> weights, double bias, int[] slotFamily)
        {
            _nodeStart = new int[trees.Count];
            _leafStart = new int[trees.Count];
            var nodes = 0;
            var leaves = 0;
            for (var t = 0; t < trees.Count; t++)
            {
                _nodeStart[t] = nodes;
                _leafStart[t] = leaves;
                nodes += trees[t].NumberOfNodes;
                leaves += trees[t].NumberOfLeaves;
            }

            _nodes = [.. trees.SelectMany(t => t.LeftChild.Select((left, i) =>
                new Node(t.NumericalSplitFeatureIndexes[i], t.NumericalSplitThresholds[i], left, t.RightChild[i])))];
            _leaf = [.. trees.SelectMany(t => t.LeafValues)];
            _weight = [.. weights];
            _bias = bias;
            _slotFamily = slotFamily;
            _maxPath = trees.Count == 0 ? 0 : trees.Max(t => t.NumberOfLeaves);
        }

        /// <summary>
        /// One walk down each tree gives its leaf, and with effects wanted, the splits on the row's path. A family's
        /// counterfactual path in a tree is the row's own path down to the first split on one of the family's slots
        /// where the reference goes the other way; from there it continues on the other side with the family's slots
        /// read from the reference. A tree without such a split leaves the family's effect unchanged, so only the
        /// first such split of each family on each path costs a walk.
        /// </summary>
        public override float Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, Span<double> effects)
        {
            Span<int> path = _maxPath <= 256 ? stackalloc int[_maxPath] : new int[_maxPath];
            Span<bool> flipped = effects.Length <= 256 ? stackalloc bool[effects.Length] : new bool[effects.Length];
            var score = _bias;
            for (var t = 0; t < _nodeStart.Length; t++)
            {
                var nodes = _nodeStart[t];
                var leaves = _leafStart[t];
                var hasSplits = t + 1 < _nodeStart.Length ? _nodeStart[t + 1] > nodes : _nodes.Length > nodes;
                var depth = 0;
                var node = hasSplits ? 0 : ~0;
                while (node >= 0)
                {
                    var at = nodes + node;
                    path[depth++] = at;
                    ref readonly var split = ref _nodes[at];
                    node = x[split.Feature] <= split.Threshold ? split.Left : split.Right;
                }

                var output = _leaf[leaves + ~node];
                score += _weight[t] * output;
                if (effects.IsEmpty)
                {
                    continue;
                }

                flipped.Clear();
                for (var d = 0; d < depth; d++)
                {
                    ref readonly var split = ref _nodes[path[d]];
                    var slot = split.Feature;
                    var family = _slotFamily[slot];
                    if (flipped[family] || (x[slot] <= split.Threshold) == (reference[slot] <= split.Threshold))
                    {
                        continue;
                    }

                    flipped[family] = true;
                    var other = x[slot] <= split.Threshold ? split.Right : split.Left;
                    effects[family] += _weight[t] * (output - _leaf[leaves + LeafFrom(x, reference, nodes, other, family)]);
                }
            }

            return (float)score;
        }

        /// <summary>
        /// The leaf (within its tree) reached from <paramref name="node"/> of the tree whose nodes start at
        /// <paramref name="nodes"/>, reading the slots of <paramref name="family"/> from <paramref name="reference"/>.
        /// </summary>
        private int LeafFrom(ReadOnlySpan<float> x, ReadOnlySpan<float> reference, int nodes, int node, int family)
        {
            while (node >= 0)
            {
                ref readonly var split = ref _nodes[nodes + node];
                var slot = split.Feature;
                node = (_slotFamily[slot] == family ? reference[slot] : x[slot]) <= split.Threshold ? split.Left : split.Right;
            }

            return ~node;
        }

        /// <summary>A split: go left when the slot's value is at most the threshold; a negative child is ~leaf.</summary>
        private readonly record struct Node(int Feature, float Threshold, int Left, int Right);
    }
}
