"""What the tree classifiers share: leaves of class counts, probabilities that normalise."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING

from snowleap.ops.classification.probabilistic import NormalizedProbabilities

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray
    from snowleap.ops.tree.ensemble import FlatEnsemble, RowWalker


class TreeClassifier(NormalizedProbabilities):
    """A classifier whose trees' leaves hold one count per class (Spark's impurity stats).

    Subclasses give ``leaf_output``: what a leaf's counts add up to per tree. Its value for every
    leaf is tabulated once for batches (``leaf_table``) and held in the row walker.
    """

    def __init__(
        self,
        ensemble: FlatEnsemble,
        num_features: int,
        num_classes: int,
        thresholds: tuple[float, ...] | None,
    ) -> None:
        super().__init__(num_features, num_classes, thresholds)
        for tree in ensemble.trees:
            tree.check_leaf_width(num_classes, "class counts")
        self.ensemble = ensemble
        self.leaf_table: FloatArray = ensemble.leaf_table(self.leaf_output)

    @staticmethod
    @abstractmethod
    def leaf_output(counts: tuple[float, ...]) -> list[float]:
        """The per-tree contribution of a leaf holding ``counts`` (a new list)."""

    def leaf_outputs_batch(self, features: FloatArray) -> FloatArray:
        """Each tree's leaf output for each row, of shape (rows, trees, classes)."""
        # NOTE: ``take`` along axis 0 gathers (rows, trees) rows of the table ten times faster
        # than fancy indexing with the same index array.
        return self.leaf_table.take(self.ensemble.leaf_nodes(features), axis=0)

    def leaf_outputs_row_function(self) -> RowWalker:
        return self.ensemble.row_walker(self.leaf_output)
