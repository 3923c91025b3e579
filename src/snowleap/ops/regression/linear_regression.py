"""``linear_regression``: ``features . coefficients + intercept``; mirrors MLeap's
``LinearRegressionModel``.

The dot product is ``snowleap.ops.linalg``'s sequential sum in both paths, so the two give
identical numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from snowleap.errors import InputError
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LinearPrediction:
    coefficients: FloatArray
    intercept: float

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return sequential_dot_batch(features, self.coefficients) + self.intercept


def _width_error(column: str, width: int, expected: int) -> InputError:
    return InputError(
        f"column {column!r}: features have width {width}, linear_regression expects {expected}"
    )


class LinearRegressionOp(Op):
    op_name = "linear_regression"

    def __init__(
        self, name: str, features_col: str, prediction_col: str, model: LinearPrediction
    ) -> None:
        size = len(model.coefficients)
        super().__init__(name, [Field(features_col, vector(size))], [Field(prediction_col, DOUBLE)])
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def from_bundle(cls, node: NodeContext) -> LinearRegressionOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            LinearPrediction(
                coefficients=attributes.get_double_vector("coefficients"),
                intercept=attributes.get_double("intercept"),
            ),
        )

    def transform(self, frame: Frame) -> Frame:
        features = frame[self.features_col]
        expected = len(self.model.coefficients)
        if features.ndim != 2 or features.shape[1] != expected:
            width = features.shape[1] if features.ndim == 2 else 1
            raise _width_error(self.features_col, width, expected)
        frame[self.prediction_col] = self.model.predict_batch(features)
        return frame

    def row_step(self) -> RowStep:
        source, target = self.features_col, self.prediction_col
        coefficients = self.model.coefficients.tolist()
        intercept = self.model.intercept
        expected = len(coefficients)

        def predict(row: Row) -> None:
            features = row[source]
            if len(features) != expected:
                raise _width_error(source, len(features), expected)
            row[target] = sequential_dot(features, coefficients) + intercept

        return predict
