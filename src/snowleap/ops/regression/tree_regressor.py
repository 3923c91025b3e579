"""What the tree regressors share: their trees' leaf values, combined into one prediction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from snowleap.ops.base import Pieces, RowStep
from snowleap.ops.regression.regressor import Regressor
from snowleap.ops.tree.scoring import TreeScorer

if TYPE_CHECKING:
    from snowleap.ops.tree.layout import TreeLayout
    from snowleap.ops.tree.walk import Combine


class TreeRegressor(Regressor):
    """A regressor whose trees' leaves each hold one prediction value (MLeap's ``values(0)``)."""

    def __init__(
        self,
        layout: TreeLayout,
        num_features: int,
        combine: Combine,
        weights: Sequence[float] = (),
        divisor: float = 1.0,
    ) -> None:
        super().__init__(num_features)
        self.layout = layout
        self.scorer = TreeScorer(layout, layout.leaf_values, 1, combine, weights, divisor)

    def predict_row_function(self) -> Callable[[list[float]], float]:
        """The combined leaf value over ``divisor``, one float straight from the walker."""
        return self.scorer.first_function()

    def compiled_row_step(
        self,
        pieces: Pieces,
        assembled: str | None,
        target: str,
        fallback: RowStep,
    ) -> RowStep | None:
        return self.scorer.first_step(pieces, assembled, self.num_features, target, fallback)

    def describe(self) -> dict[str, Any]:
        return {"num_trees": self.layout.num_trees}
