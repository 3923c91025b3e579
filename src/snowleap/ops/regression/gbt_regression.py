"""``gbt_regression``: mirrors MLeap's ``GBTRegressionModel``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
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
    from snowleap.ops.tree.ensemble import FlatEnsemble


class GBTRegression(TreeRegressor):
    """The trees' predictions weighted by ``tree_weights`` and summed in tree order
    (``ops.linalg``'s sequential dot product of the leaf values with the weights).

    The GBT classifier's margin is this same sum, so it scores with this class too.
    """

    def __init__(
        self, ensemble: FlatEnsemble, weights: tuple[float, ...], num_features: int
    ) -> None:
        super().__init__(ensemble, num_features)
        self.weights = weights

    def predict_batch(self, features: FloatArray) -> FloatArray:
        # NOTE: the weighted sum is the dot product of the trees' values with the weights.
        return sequential_dot_batch(self.leaf_values_batch(features), self.weights)

    def predict_row_function(self) -> Callable[[list[float]], float]:
        leaves = self.leaf_values_row_function()
        weights = list(self.weights)

        def predict(x: list[float]) -> float:
            return sequential_dot(leaves(x), weights)

        return predict


class GBTRegressionOp(RegressorOp):
    op_name = "gbt_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> GBTRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features)
        return cls.wired(node, GBTRegression(loaded.ensemble, loaded.weights, num_features))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, GBTRegression)
        trees = [
            decision_tree_model(REGRESSION_TREE, tree.node_defs(), model.num_features)
            for tree in model.ensemble.trees
        ]
        return ensemble_model(self.op_name, trees, model.weights, model.num_features)
