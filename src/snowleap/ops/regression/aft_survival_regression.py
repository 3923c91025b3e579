"""``aft_survival_regression``: a Weibull accelerated-failure-time model; mirrors MLeap's
``AFTSurvivalRegressionModel`` (Spark's model of that name).

The prediction is the Weibull scale ``lambda = exp(features . coefficients + intercept)``; the
optional ``quantiles`` output holds, for each of ``quantile_probabilities`` q, the lifetime
``lambda * exp(log(-log1p(-q)) * scale)`` (the factor after ``lambda`` is the model's alone,
computed once at load, as Spark does).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.classification.probability_math import exp_batch, exp_row
from snowleap.ops.regression.linear_predictor import LinearPredictor, wired_columns
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


def quantile_factors(probabilities: Sequence[float], scale: float) -> list[float]:
    """``exp(log(-log1p(-q)) * scale)`` for each q: the quantiles of a Weibull of scale 1."""
    return [exp_row(math.log(-math.log1p(-q)) * scale) for q in probabilities]


class AFTSurvivalRegressionOp(Op):
    """Port ``features`` in; ``prediction`` and, when wired, ``quantiles`` out."""

    op_name = "aft_survival_regression"

    def __init__(
        self,
        name: str,
        columns: dict[str, str],
        coefficients: list[float],
        intercept: float,
        probabilities: list[float],
        scale: float,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        outputs = [Field(columns["prediction"], DOUBLE)]
        if "quantiles" in columns:
            outputs.append(Field(columns["quantiles"], vector(len(probabilities))))
        super().__init__(
            name, [Field(columns["features"], vector(len(coefficients)))], outputs, ports=ports
        )
        self.columns = columns
        self.linear = LinearPredictor(coefficients, intercept, columns["features"])
        self.probabilities = probabilities
        self.scale = scale
        self.factors = quantile_factors(probabilities, scale)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> AFTSurvivalRegressionOp:
        attributes = node.attributes
        columns = wired_columns(node, [], ["quantiles"])
        probabilities = attributes.get_double_list("quantile_probabilities")
        outside = [q for q in probabilities if not 0.0 < q < 1.0]
        if outside:
            raise BundleError(
                f"{attributes.where}: quantile probability {outside[0]!r} is not in (0, 1)"
            )
        return cls(
            node.name,
            columns,
            attributes.get_double_vector("coefficients"),
            attributes.get_double("intercept"),
            probabilities,
            attributes.get_double("scale"),
            ports=node.shape,
        )

    @cached_property
    def _factors(self) -> FloatArray:
        return np.asarray(self.factors, dtype=np.float64)

    def transform(self, frame: Frame) -> Frame:
        columns = self.columns
        with np.errstate(all="ignore"):
            prediction = exp_batch(self.linear.batch(frame, reader_of(self)))
            frame[columns["prediction"]] = prediction
            if "quantiles" in columns:
                frame[columns["quantiles"]] = prediction[:, None] * self._factors[None, :]
        return frame

    def row_step(self) -> RowStep:
        columns = self.columns
        linear = self.linear.row_function(reader_of(self))
        target, quantiles_col, factors = (
            columns["prediction"],
            columns.get("quantiles"),
            self.factors,
        )

        def score(row: Row) -> None:
            prediction = exp_row(linear(row))
            row[target] = prediction
            if quantiles_col is not None:
                row[quantiles_col] = [prediction * factor for factor in factors]

        return score

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "scale": self.scale,
            "quantile_probabilities": list(self.probabilities),
        }

    def store(self) -> StoredNode:
        outputs = [
            (port, self.columns[port])
            for port in ("prediction", "quantiles")
            if port in self.columns
        ]
        linear = self.linear
        model = stored_model(linear.coefficients, linear.intercept, self.probabilities, self.scale)
        return predictor_node(self.name, self.columns["features"], outputs, model)


def stored_model(
    coefficients: Sequence[float], intercept: float, probabilities: Sequence[float], scale: float
) -> StoredModel:
    """The ``aft_survival_regression`` model MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "coefficients": attr.vector(coefficients),
        "intercept": attr.double(intercept),
        "quantile_probabilities": attr.double_list(probabilities),
        "scale": attr.double(scale),
    }
    return StoredModel("aft_survival_regression", attributes)
