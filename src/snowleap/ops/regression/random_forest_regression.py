"""``random_forest_regression``: mirrors MLeap's ``RandomForestRegressionModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.regression.regressor import RegressorOp
from snowleap.ops.regression.tree_regressor import TreeRegressor
from snowleap.ops.tree.loading import PREDICTION, num_features_of, read_ensemble
from snowleap.ops.tree.storing import REGRESSION_TREE, ensemble_of_layout

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray
    from snowleap.ops.tree.layout import TreeLayout


class RandomForestRegression(TreeRegressor):
    """The mean of the trees' predictions: summed in tree order, divided by the tree count.

    ``tree_weights`` are ignored, as in MLeap (Spark's forests weight every tree 1.0).
    """

    def __init__(self, layout: TreeLayout, num_features: int) -> None:
        # NOTE: the row's sum over the tree count is divided by the walker (the same division).
        super().__init__(layout, num_features, "sum", divisor=float(layout.num_trees))

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return self.scorer.batch(features)[:, 0] / float(self.layout.num_trees)


class RandomForestRegressionOp(RegressorOp):
    op_name = "random_forest_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RandomForestRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features, PREDICTION)
        return cls.wired(node, RandomForestRegression(loaded.layout, num_features))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, RandomForestRegression)
        # NOTE: Spark weights every tree of a forest 1.0; MLeap and snowleap ignore the weights.
        weights = [1.0] * model.layout.num_trees
        return ensemble_of_layout(
            self.op_name, REGRESSION_TREE, model.layout, weights, model.num_features
        )
