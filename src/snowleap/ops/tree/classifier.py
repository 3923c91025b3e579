"""What the tree classifiers share: leaves of class counts, probabilities that normalise."""

from __future__ import annotations

from snowleap.ops.classification.probabilistic import FloatArray, NormalizedProbabilities
from snowleap.ops.tree.ensemble import FlatEnsemble, LeafOutput, RowWalker


class TreeClassifier(NormalizedProbabilities):
    """A classifier whose trees' leaves hold one count per class (Spark's impurity stats).

    ``leaf_output`` turns a leaf's counts into what the model adds up per tree; its values for
    every leaf are tabulated once for batches (``leaf_table``) and held in the row walker.
    """

    def __init__(
        self,
        ensemble: FlatEnsemble,
        num_features: int,
        num_classes: int,
        thresholds: tuple[float, ...] | None,
        leaf_output: LeafOutput,
    ) -> None:
        super().__init__(num_features, num_classes, thresholds)
        for tree in ensemble.trees:
            tree.check_leaf_width(num_classes, "class counts")
        self.ensemble = ensemble
        self.leaf_output = leaf_output
        self.leaf_table: FloatArray = ensemble.leaf_table(leaf_output)

    def leaf_outputs_batch(self, features: FloatArray) -> FloatArray:
        """Each tree's leaf output for each row, of shape (rows, trees, classes)."""
        return self.leaf_table[self.ensemble.leaf_nodes(features)]

    def leaf_outputs_row_function(self) -> RowWalker:
        return self.ensemble.row_walker(self.leaf_output)
