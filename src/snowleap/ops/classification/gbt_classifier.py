"""``gbt_classifier``: mirrors MLeap's ``GBTClassifierModel`` (binary, log loss)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifier,
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_thresholds,
)
from snowleap.ops.classification.probability_math import sigmoid_batch, sigmoid_row
from snowleap.ops.regression.gbt_regression import GBTRegression
from snowleap.ops.tree.loading import PREDICTION, num_features_of, read_ensemble
from snowleap.ops.tree.storing import (
    REGRESSION_TREE,
    decision_tree_model,
    ensemble_model,
)

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class GBTClassification(ProbabilisticClassifier):
    """Raw scores ``[-m, m]`` with the margin ``m`` = weighted sum of the regression trees.

    Probability of class 0 is log loss's ``1 / (1 + exp(-2 * raw[0]))``, class 1 gets the rest.
    Without thresholds ``predict`` is ``m > 0`` (MLeap's override), which for a tiny margin can
    differ from the argmax of the probabilities that rounds to ``[0.5, 0.5]``.
    """

    def __init__(self, margin: GBTRegression, thresholds: tuple[float, ...] | None) -> None:
        super().__init__(margin.num_features, 2, thresholds)
        self.margin = margin

    def raw_batch(self, features: FloatArray) -> FloatArray:
        margin = self.margin.predict_batch(features)
        return np.stack([-margin, margin], axis=1)

    def raw_row_function(self) -> RawRowFunction:
        margin_of = self.margin.predict_row_function()

        def raw(x: list[float]) -> list[float]:
            margin = margin_of(x)
            return [-margin, margin]

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        negative = sigmoid_batch(2.0 * raw[:, 0])
        return np.stack([negative, 1.0 - negative], axis=1)

    def probability_row(self, raw: list[float]) -> list[float]:
        negative = sigmoid_row(2.0 * raw[0])
        return [negative, 1.0 - negative]

    def predict_batch(self, raw: FloatArray) -> FloatArray:
        if self.thresholds is not None:
            return super().predict_batch(raw)
        return np.where(raw[:, 1] > 0.0, 1.0, 0.0)

    def predict_row(self, raw: list[float]) -> float:
        if self.thresholds is not None:
            return super().predict_row(raw)
        return 1.0 if raw[1] > 0.0 else 0.0


class GBTClassifierOp(ProbabilisticClassifierOp):
    op_name = "gbt_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> GBTClassifierOp:
        attributes = node.attributes
        num_classes = attributes.get_long("num_classes")
        if num_classes != 2:
            raise BundleError(
                f"{node.where}: gbt_classifier supports 2 classes only (as MLeap), got "
                f"{num_classes}"
            )
        if "lossType" in attributes and attributes.get_string("lossType") != "logistic":
            raise BundleError(
                f"{node.where}: gbt_classifier supports loss 'logistic' only (as MLeap), got "
                f"{attributes.get_string('lossType')!r}"
            )
        num_features = num_features_of(node)
        loaded = read_ensemble(node, "decision_tree_regression", num_features, PREDICTION)
        margin = GBTRegression(loaded.layout, loaded.weights, num_features)
        return cls.wired(node, GBTClassification(margin, read_thresholds(node, num_classes)))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, GBTClassification)
        margin = model.margin
        trees = [
            decision_tree_model(REGRESSION_TREE, margin.layout.node_defs(tree), margin.num_features)
            for tree in range(margin.layout.num_trees)
        ]
        return ensemble_model(
            self.op_name, trees, margin.weights, margin.num_features, 2, model.thresholds
        )
