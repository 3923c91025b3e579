"""What the tree regressors share: their trees' leaf values, combined into one prediction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowleap.ops.regression.regressor import Regressor

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray
    from snowleap.ops.tree.ensemble import FlatEnsemble


class TreeRegressor(Regressor):
    """A regressor whose trees' leaves each hold one prediction value."""

    def __init__(self, ensemble: FlatEnsemble, num_features: int) -> None:
        super().__init__(num_features)
        for tree in ensemble.trees:
            # NOTE: MLeap predicts ``values(0)``; regression trees write exactly one value.
            tree.check_leaf_width(1, "prediction value")
        self.ensemble = ensemble
        self.leaf_value = ensemble.leaf_table(_prediction)

    def leaf_values_batch(self, features: FloatArray) -> FloatArray:
        """The leaf value each row reaches in each tree, of shape (rows, trees)."""
        return self.leaf_value.take(self.ensemble.leaf_nodes(features))

    def leaf_values_row_function(self) -> Callable[[list[float]], list[Any]]:
        return self.ensemble.row_walker(_prediction)

    def describe(self) -> dict[str, Any]:
        return {"num_trees": self.ensemble.num_trees}


def _prediction(values: tuple[float, ...]) -> float:
    return values[0]
