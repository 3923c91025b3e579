"""``decision_tree_regression``: mirrors MLeap's ``DecisionTreeRegressionModel``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.regression.regressor import RegressorOp
from snowleap.ops.regression.tree_regressor import TreeRegressor
from snowleap.ops.tree.loading import num_features_of, read_single_tree
from snowleap.ops.tree.storing import (
    decision_tree_model,
)

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class DecisionTreeRegression(TreeRegressor):
    """The prediction is the value of the leaf the row reaches."""

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return self.leaf_values_batch(features)[:, 0]

    def predict_row_function(self) -> Callable[[list[float]], float]:
        leaves = self.leaf_values_row_function()

        def predict(x: list[float]) -> float:
            value: float = leaves(x)[0]
            return value

        return predict


class DecisionTreeRegressionOp(RegressorOp):
    op_name = "decision_tree_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> DecisionTreeRegressionOp:
        num_features = num_features_of(node)
        model = DecisionTreeRegression(read_single_tree(node, num_features), num_features)
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, DecisionTreeRegression)
        (tree,) = model.ensemble.trees
        return decision_tree_model(self.op_name, tree.node_defs(), model.num_features)
