"""``random_forest_regression``: mirrors MLeap's ``RandomForestRegressionModel``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.linalg import sequential_sum, sequential_sum_batch
from snowleap.ops.regression.regressor import RegressorOp
from snowleap.ops.regression.tree_regressor import TreeRegressor
from snowleap.ops.tree.loading import num_features_of, read_ensemble
from snowleap.ops.tree.storing import (
    REGRESSION_TREE,
    decision_tree_model,
    ensemble_model,
)

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class RandomForestRegression(TreeRegressor):
    """The mean of the trees' predictions: summed in tree order, divided by the tree count.

    ``tree_weights`` are ignored, as in MLeap (Spark's forests weight every tree 1.0).
    """

    def predict_batch(self, features: FloatArray) -> FloatArray:
        values = self.leaf_values_batch(features)
        return sequential_sum_batch(values) / float(values.shape[1])

    def predict_row_function(self) -> Callable[[list[float]], float]:
        leaves = self.leaf_values_row_function()
        count = float(self.ensemble.num_trees)

        def predict(x: list[float]) -> float:
            return sequential_sum(leaves(x)) / count

        return predict


class RandomForestRegressionOp(RegressorOp):
    op_name = "random_forest_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RandomForestRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features)
        return cls.wired(node, RandomForestRegression(loaded.ensemble, num_features))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, RandomForestRegression)
        trees = [
            decision_tree_model(REGRESSION_TREE, tree.node_defs(), model.num_features)
            for tree in model.ensemble.trees
        ]
        # NOTE: Spark weights every tree of a forest 1.0; MLeap and snowleap ignore the weights.
        return ensemble_model(self.op_name, trees, [1.0] * len(trees), model.num_features)
