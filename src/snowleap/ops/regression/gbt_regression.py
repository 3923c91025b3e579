"""``gbt_regression``: mirrors MLeap's ``GBTRegressionModel``."""

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


class GBTRegression(TreeRegressor):
    """The trees' predictions weighted by ``tree_weights`` and summed in tree order,
    ``0.0 + v0 * w0 + v1 * w1 ...`` (``ops.linalg.sequential_dot``'s order).

    The GBT classifier's margin is this same sum, so it scores with this class too.
    """

    def __init__(self, layout: TreeLayout, weights: tuple[float, ...], num_features: int) -> None:
        super().__init__(layout, num_features, "dot", weights)
        self.weights = weights

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return self.scorer.batch(features)[:, 0]


class GBTRegressionOp(RegressorOp):
    op_name = "gbt_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> GBTRegressionOp:
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features, PREDICTION)
        return cls.wired(node, GBTRegression(loaded.layout, loaded.weights, num_features))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, GBTRegression)
        return ensemble_of_layout(
            self.op_name, REGRESSION_TREE, model.layout, model.weights, model.num_features
        )
