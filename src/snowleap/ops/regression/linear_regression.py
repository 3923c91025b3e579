"""``linear_regression``: ``features . coefficients + intercept``; mirrors MLeap's
``LinearRegressionModel``.

The dot product is ``snowleap.ops.linalg``'s sequential sum in both paths, so the two give
identical numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.regression.regressor import Regressor, RegressorOp

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class LinearRegression(Regressor):
    """``x . coefficients + intercept``: the products summed feature by feature from 0, then
    the intercept added, as MLeap's ``BLAS.dot(features, coefficients) + intercept``.

    Example
    -------
    >>> LinearRegression([2.0, -1.0], 0.5).predict_row_function()([3.0, 4.0])
    2.5
    """

    def __init__(self, coefficients: list[float], intercept: float) -> None:
        super().__init__(len(coefficients))
        self.coefficients = coefficients
        self.intercept = intercept

    def predict_batch(self, features: FloatArray) -> FloatArray:
        return sequential_dot_batch(features, self.coefficients) + self.intercept

    def predict_row_function(self) -> Callable[[list[float]], float]:
        coefficients, intercept = self.coefficients, self.intercept

        def predict(x: list[float]) -> float:
            return sequential_dot(x, coefficients) + intercept

        return predict


class LinearRegressionOp(RegressorOp):
    op_name = "linear_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> LinearRegressionOp:
        attributes = node.attributes
        model = LinearRegression(
            attributes.get_double_vector("coefficients"), attributes.get_double("intercept")
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, LinearRegression), "from_bundle builds a LinearRegression"
        return stored_model(model.coefficients, model.intercept)


def stored_model(coefficients: Sequence[float], intercept: float) -> StoredModel:
    """The ``linear_regression`` model MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"coefficients": attr.vector(coefficients), "intercept": attr.double(intercept)}
    return StoredModel("linear_regression", attributes)
