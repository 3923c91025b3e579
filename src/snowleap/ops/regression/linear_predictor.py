"""What the linear-predictor models with optional ports share (generalized linear and AFT
regression): ``features . coefficients + intercept`` on both paths, and their ports by name.

The dot product is ``ops.linalg``'s sequential sum in both paths, so the two agree to the bit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from snowleap.ops.base import Frame, Row
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.vectors import vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


def wired_columns(
    node: NodeContext, optional_inputs: Sequence[str], optional_outputs: Sequence[str]
) -> dict[str, str]:
    """Port -> column: ``features`` and ``prediction`` (required), and the optional ports wired."""
    shape, where = node.shape, node.node_where
    columns = {
        "features": shape.input("features", where),
        "prediction": shape.output("prediction", where),
    }
    for port, column in [
        *((port, shape.optional_input(port)) for port in optional_inputs),
        *((port, shape.optional_output(port)) for port in optional_outputs),
    ]:
        if column is not None:
            columns[port] = column
    return columns


class LinearPredictor:
    """``features . coefficients + intercept`` of the vector column ``column``."""

    def __init__(self, coefficients: list[float], intercept: float, column: str) -> None:
        self.coefficients = coefficients
        self.intercept = intercept
        self.column = column

    def batch(self, frame: Frame, reader: str) -> FloatArray:
        features = vector_column(frame, self.column, len(self.coefficients), reader)
        return sequential_dot_batch(features, self.coefficients) + self.intercept

    def row_function(self, reader: str) -> Callable[[Row], float]:
        coefficients, intercept = self.coefficients, self.intercept
        features_of = vector_row_function(self.column, len(coefficients), reader)

        def predict(row: Row) -> float:
            return sequential_dot(features_of(row), coefficients) + intercept

        return predict
