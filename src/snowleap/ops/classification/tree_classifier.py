"""What the tree classifiers share: leaves of class counts, probabilities that normalise."""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, ClassVar

from snowleap.ops.base import Pieces
from snowleap.ops.classification.probabilistic import (
    NormalizedProbabilities,
    RawFrom,
    RawRowFunction,
)
from snowleap.ops.tree.scoring import TreeScorer

if TYPE_CHECKING:
    from array import array

    from snowleap.numeric import FloatArray
    from snowleap.ops.tree.layout import TreeLayout
    from snowleap.ops.tree.walk import Combine


class TreeClassifier(NormalizedProbabilities):
    """A classifier whose trees' leaves hold one count per class (Spark's impurity stats).

    Subclasses give ``leaf_outputs`` (what each leaf's counts add, per class) and ``combine``
    (how the trees' leaves make the raw scores); the scorer serves rows and batches.
    """

    combine: ClassVar[Combine]

    def __init__(
        self,
        layout: TreeLayout,
        num_features: int,
        num_classes: int,
        thresholds: tuple[float, ...] | None,
    ) -> None:
        super().__init__(num_features, num_classes, thresholds)
        self.layout = layout
        self.scorer = TreeScorer(layout, self.leaf_outputs(layout), num_classes, self.combine)

    @staticmethod
    @abstractmethod
    def leaf_outputs(layout: TreeLayout) -> array[float]:
        """Each leaf's per-class contribution, ``num_classes`` values per leaf."""

    def raw_batch(self, features: FloatArray) -> FloatArray:
        return self.scorer.batch(features)

    def raw_row_function(self) -> RawRowFunction:
        return self.scorer.row_function()

    def assembled_raw_function(self, pieces: Pieces, assembled: str) -> RawFrom | None:
        return self.scorer.assembled_row_function(pieces, assembled, self.num_features)
