"""``linear_svc``: mirrors MLeap's ``LinearSVCModel`` (Spark's binary ``LinearSVCModel``).

Margin ``m = x . coefficients + intercept`` (``ops.linalg``'s dot product, then the intercept,
as ``BLAS.dot(...) + intercept``); raw scores ``[-m, m]`` when the node wires
``raw_prediction``; class 1 iff ``m > threshold`` (a threshold on the margin, not a probability:
Spark's default 0.0). The model stores ``num_classes`` (always 2), ``coefficients``,
``intercept`` and ``threshold``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

#: Spark's and MLeap's default threshold on the margin
DEFAULT_THRESHOLD = 0.0


class LinearSVCOp(Op):
    """``features`` in; ``raw_prediction`` (when wired) and ``prediction`` out."""

    op_name = "linear_svc"

    def __init__(
        self,
        name: str,
        features_col: str,
        raw_col: str | None,
        prediction_col: str,
        coefficients: list[float],
        intercept: float,
        threshold: float,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        outputs = [Field(raw_col, vector(2))] if raw_col is not None else []
        outputs.append(Field(prediction_col, DOUBLE))
        super().__init__(
            name, [Field(features_col, vector(len(coefficients)))], outputs, ports=ports
        )
        self.features_col = features_col
        self.raw_col = raw_col
        self.prediction_col = prediction_col
        self.coefficients = coefficients
        self.intercept = intercept
        self.threshold = threshold

    @classmethod
    def from_bundle(cls, node: NodeContext) -> LinearSVCOp:
        attributes = node.attributes
        classes = attributes.get_long("num_classes", 2)
        if classes != 2:
            raise BundleError(
                f"{node.where}: 'num_classes' is {classes}; a linear SVC has 2 classes"
            )
        shape = node.shape
        return cls(
            node.name,
            shape.input("features", node.node_where),
            shape.optional_output("raw_prediction"),
            shape.output("prediction", node.node_where),
            attributes.get_double_vector("coefficients"),
            attributes.get_double("intercept"),
            attributes.get_double("threshold", DEFAULT_THRESHOLD),
            ports=shape,
        )

    @cached_property
    def _width(self) -> int:
        return len(self.coefficients)

    def _margins(self, features: FloatArray) -> FloatArray:
        margins: FloatArray = sequential_dot_batch(features, self.coefficients) + self.intercept
        return margins

    def transform(self, frame: Frame) -> Frame:
        with np.errstate(all="ignore"):
            features = vector_column(frame, self.features_col, self._width, reader_of(self))
            margins = self._margins(features)
        if self.raw_col is not None:
            frame[self.raw_col] = np.stack([-margins, margins], axis=1)
        frame[self.prediction_col] = np.where(margins > self.threshold, 1.0, 0.0)
        return frame

    def row_step(self) -> RowStep:
        features_of = vector_row_function(self.features_col, self._width, reader_of(self))
        coefficients, intercept, threshold = self.coefficients, self.intercept, self.threshold
        raw_col, target = self.raw_col, self.prediction_col

        def score(row: Row) -> None:
            margin = sequential_dot(features_of(row), coefficients) + intercept
            if raw_col is not None:
                row[raw_col] = [-margin, margin]
            row[target] = 1.0 if margin > threshold else 0.0

        return score

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "num_classes": 2, "threshold": self.threshold}

    def store(self) -> StoredNode:
        outputs = [
            (port, column)
            for port, column in (
                ("raw_prediction", self.raw_col),
                ("prediction", self.prediction_col),
            )
            if column is not None
        ]
        return predictor_node(self.name, self.features_col, outputs, self.stored_model())

    def stored_model(self) -> StoredModel:
        return stored_model(self.coefficients, self.intercept, self.threshold)

    def predict_batch(self, features: FloatArray) -> FloatArray:
        """Class 1 or 0 per row (the margin against the threshold)."""
        predicted: FloatArray = np.where(self._margins(features) > self.threshold, 1.0, 0.0)
        return predicted


def stored_model(coefficients: Sequence[float], intercept: float, threshold: float) -> StoredModel:
    """The ``linear_svc`` model MLeap writes."""
    attributes = {
        "num_classes": attr.long(2),
        "coefficients": attr.vector(coefficients),
        "intercept": attr.double(intercept),
        "threshold": attr.double(threshold),
    }
    return StoredModel("linear_svc", attributes)
