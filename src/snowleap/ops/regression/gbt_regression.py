"""``gbt_regression``: mirrors MLeap's ``GBTRegressionModel``."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import add, mul
from typing import TYPE_CHECKING

import numpy as np

from snowleap.ops.tree.ensemble import FlatEnsemble
from snowleap.ops.tree.loading import num_features_of, read_ensemble
from snowleap.ops.tree.regressor import FloatArray, TreeRegressor, TreeRegressorOp

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext


class GBTRegression(TreeRegressor):
    """The trees' predictions weighted by ``tree_weights`` and summed in tree order.

    The GBT classifier's margin is this same sum, so it scores with this class too.
    """

    def __init__(
        self, ensemble: FlatEnsemble, weights: tuple[float, ...], num_features: int
    ) -> None:
        super().__init__(ensemble, num_features)
        self.weights = weights

    def predict_batch(self, features: FloatArray) -> FloatArray:
        values = self.leaf_values_batch(features)
        total = np.zeros(values.shape[0], dtype=np.float64)
        for t, weight in enumerate(self.weights):
            total = total + values[:, t] * weight
        return total

    def predict_row_function(self) -> Callable[[list[float]], float]:
        leaves = self.leaf_values_row_function()
        weights = self.weights

        def predict(x: list[float]) -> float:
            # NOTE: 0.0 + v1 * w1 + v2 * w2 ..., left to right like the batch's loop.
            total: float = reduce(add, map(mul, leaves(x), weights), 0.0)
            return total

        return predict


class GBTRegressionOp(TreeRegressorOp):
    op_name = "gbt_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> GBTRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features)
        return cls.wired(node, GBTRegression(loaded.ensemble, loaded.weights, num_features))
