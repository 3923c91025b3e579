"""``support_vector_machine``: MLeap's extension op (``SupportVectorMachineModel``, from the
MLlib ``SVMModel`` of Spark's RDD API; no Spark ML stage writes it).

Margin ``m = coefficients . x + intercept``; raw scores ``[-m, m]``, and MLeap's
"probabilities" are the raw scores themselves. Predictions follow MLeap's
``ProbabilisticClassificationModel`` rules (``probabilistic``): with ``thresholds``, the argmax
of ``p / t``; without, the argmax. The model stores ``coefficients``, ``intercept``,
``num_classes`` (always 2) and optional ``thresholds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifier,
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_thresholds,
)
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class SupportVectorMachine(ProbabilisticClassifier):
    def __init__(
        self, coefficients: list[float], intercept: float, thresholds: tuple[float, ...] | None
    ) -> None:
        super().__init__(len(coefficients), 2, thresholds)
        self.coefficients = coefficients
        self.intercept = intercept

    def raw_batch(self, features: FloatArray) -> FloatArray:
        margin = sequential_dot_batch(features, self.coefficients) + self.intercept
        return np.stack([-margin, margin], axis=1)

    def raw_row_function(self) -> RawRowFunction:
        coefficients, intercept = self.coefficients, self.intercept

        def raw(x: list[float]) -> list[float]:
            margin = sequential_dot(x, coefficients) + intercept
            return [-margin, margin]

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        return raw.copy()

    def probability_row(self, raw: list[float]) -> list[float]:
        return list(raw)


class SupportVectorMachineOp(ProbabilisticClassifierOp):
    op_name = "support_vector_machine"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> SupportVectorMachineOp:
        attributes = node.attributes
        classes = attributes.get_long("num_classes")
        if classes != 2:
            raise BundleError(
                f"{node.where}: 'num_classes' is {classes}; MLeap's SVM has 2 classes"
            )
        model = SupportVectorMachine(
            attributes.get_double_vector("coefficients"),
            attributes.get_double("intercept"),
            read_thresholds(node, 2),
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, SupportVectorMachine), "from_bundle builds a SupportVectorMachine"
        return stored_model(model.coefficients, model.intercept, model.thresholds)


def stored_model(
    coefficients: Sequence[float], intercept: float, thresholds: Sequence[float] | None
) -> StoredModel:
    """The ``support_vector_machine`` model MLeap writes."""
    attributes: dict[str, Value] = {
        "coefficients": attr.vector(coefficients),
        "intercept": attr.double(intercept),
        "num_classes": attr.long(2),
    }
    if thresholds is not None:
        attributes["thresholds"] = attr.double_list(thresholds)
    return StoredModel("support_vector_machine", attributes)
