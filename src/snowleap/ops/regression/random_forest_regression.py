"""``random_forest_regression``: mirrors MLeap's ``RandomForestRegressionModel``."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import add
from typing import TYPE_CHECKING

import numpy as np

from snowleap.ops.tree.loading import num_features_of, read_ensemble
from snowleap.ops.tree.regressor import FloatArray, TreeRegressor, TreeRegressorOp

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext


class RandomForestRegression(TreeRegressor):
    """The mean of the trees' predictions: summed in tree order, divided by the tree count.

    ``tree_weights`` are ignored, as in MLeap (Spark's forests weight every tree 1.0).
    """

    def predict_batch(self, features: FloatArray) -> FloatArray:
        values = self.leaf_values_batch(features)
        total = np.zeros(values.shape[0], dtype=np.float64)
        for t in range(values.shape[1]):
            total = total + values[:, t]
        return total / float(values.shape[1])

    def predict_row_function(self) -> Callable[[list[float]], float]:
        leaves = self.leaf_values_row_function()
        count = float(self.ensemble.num_trees)

        def predict(x: list[float]) -> float:
            # NOTE: 0.0 + v1 + v2 ..., left to right like the batch's loop.
            total: float = reduce(add, leaves(x), 0.0)
            return total / count

        return predict


class RandomForestRegressionOp(TreeRegressorOp):
    op_name = "random_forest_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RandomForestRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features)
        return cls.wired(node, RandomForestRegression(loaded.ensemble, num_features))
