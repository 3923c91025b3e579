"""``decision_tree_regression``: mirrors MLeap's ``DecisionTreeRegressionModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.regression.regressor import RegressorOp
from snowleap.ops.regression.tree_regressor import TreeRegressor
from snowleap.ops.tree.loading import PREDICTION, num_features_of, read_single_tree
from snowleap.ops.tree.storing import decision_tree_model

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray
    from snowleap.ops.tree.layout import TreeLayout


class DecisionTreeRegression(TreeRegressor):
    """The prediction is the value of the leaf the row reaches."""

    def __init__(self, layout: TreeLayout, num_features: int) -> None:
        super().__init__(layout, num_features, "first")

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return self.scorer.batch(features)[:, 0]


class DecisionTreeRegressionOp(RegressorOp):
    op_name = "decision_tree_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> DecisionTreeRegressionOp:
        num_features = num_features_of(node)
        layout = read_single_tree(node, num_features, PREDICTION)
        return cls.wired(node, DecisionTreeRegression(layout, num_features))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, DecisionTreeRegression)
        return decision_tree_model(self.op_name, model.layout.node_defs(0), model.num_features)
