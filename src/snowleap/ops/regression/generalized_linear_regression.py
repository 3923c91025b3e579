"""``generalized_linear_regression``: ``fitted(features . coefficients + intercept + offset)``;
mirrors MLeap's ``GeneralizedLinearRegressionModel`` and Spark's model of that name.

MLeap's node has ``coefficients``, ``intercept``, ``family`` and an optional ``link`` (absent:
the family's default), and outputs ``prediction`` and, when wired, ``link_prediction`` (the
linear predictor ``eta``). Spark 3 adds what MLeap's format cannot say, which snowleap's writer
records and snowleap scores (MLeap's runtime cannot load such a node):

* the ``tweedie`` family (``variance_power``, and ``link_power`` for its power link; absent,
  ``1 - variance_power``): Spark's ``variancePower`` and ``linkPower``. A tweedie model that is
  one of MLeap's named pairs (power 1 with link power 0 is Poisson with the log link) is written
  by name, so MLeap reads it;
* an ``offset`` input port: Spark's ``offsetCol``, a double added to the linear predictor.

The dot product is ``ops.linalg``'s sequential sum in both paths; see ``glm_links`` for the
families' projections and the links' inverses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.bundle.values import Value
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.regression.glm_links import FamilyAndLink, GlmParams, fitted_functions
from snowleap.ops.regression.linear_predictor import LinearPredictor, wired_columns
from snowleap.ops.vectors import SCALARS, reader_of, shape_error

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class GeneralizedLinearRegressionOp(Op):
    """Ports ``features`` (and ``offset``) in; ``prediction`` (and ``link_prediction``) out."""

    op_name = "generalized_linear_regression"

    def __init__(
        self,
        name: str,
        columns: dict[str, str],
        coefficients: list[float],
        intercept: float,
        params: GlmParams,
        pair: FamilyAndLink,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        """``columns`` maps the ports used (``features``, ``offset``, ``prediction``,
        ``link_prediction``) to column names; ``params`` are the family and link as the
        node gives them, ``pair`` what they resolve to (``GlmParams.resolved``)."""
        inputs = [Field(columns["features"], vector(len(coefficients)))]
        if "offset" in columns:
            inputs.append(Field(columns["offset"], DOUBLE))
        outputs = [
            Field(columns[port], DOUBLE)
            for port in ("link_prediction", "prediction")
            if port in columns
        ]
        super().__init__(name, inputs, outputs, ports=ports)
        self.columns = columns
        self.linear = LinearPredictor(coefficients, intercept, columns["features"])
        self.params = params
        self.pair = pair
        self._fitted_row, self._fitted_batch = fitted_functions(self.pair)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> GeneralizedLinearRegressionOp:
        attributes = node.attributes
        columns = wired_columns(node, ["offset"], ["link_prediction"])
        params = GlmParams(
            attributes.get_string("family"),
            attributes.get_string("link") if "link" in attributes else None,
            _optional_double(attributes, "variance_power"),
            _optional_double(attributes, "link_power"),
        )
        return cls(
            node.name,
            columns,
            attributes.get_double_vector("coefficients"),
            attributes.get_double("intercept"),
            params,
            params.resolved(attributes.where),
            ports=node.shape,
        )

    def _eta_batch(self, frame: Frame) -> FloatArray:
        reader = reader_of(self)
        eta = self.linear.batch(frame, reader)
        if "offset" in self.columns:
            name = self.columns["offset"]
            offset = np.asarray(frame[name], dtype=np.float64)
            if offset.ndim != 1:
                raise shape_error(name, offset.shape, SCALARS, reader)
            eta = eta + offset
        return eta

    def transform(self, frame: Frame) -> Frame:
        # NOTE: an infinite value times a zero weight gives NaN silently, as on the JVM.
        with np.errstate(all="ignore"):
            eta = self._eta_batch(frame)
        if "link_prediction" in self.columns:
            frame[self.columns["link_prediction"]] = eta
        frame[self.columns["prediction"]] = self._fitted_batch(eta)
        return frame

    def row_step(self) -> RowStep:
        columns = self.columns
        linear = self.linear.row_function(reader_of(self))
        offset_col = columns.get("offset")
        link_col = columns.get("link_prediction")
        target = columns["prediction"]
        fitted = self._fitted_row

        def score(row: Row) -> None:
            eta = linear(row)
            if offset_col is not None:
                eta = eta + float(row[offset_col])
            if link_col is not None:
                row[link_col] = eta
            row[target] = fitted(eta)

        return score

    def describe(self) -> dict[str, Any]:
        pair = self.pair
        resolved: dict[str, Any] = {"family": pair.family, "link": pair.link}
        if pair.variance_power is not None:
            resolved["variance_power"] = pair.variance_power
        if pair.link_power is not None:
            resolved["link_power"] = pair.link_power
        return {**super().describe(), **resolved}

    def store(self) -> StoredNode:
        linear = self.linear
        return stored(self.name, self.columns, linear.coefficients, linear.intercept, self.params)


def _optional_double(attributes: Any, name: str) -> float | None:
    return attributes.get_double(name) if name in attributes else None


def stored_model(coefficients: Sequence[float], intercept: float, params: GlmParams) -> StoredModel:
    """The model MLeap writes (``family``, ``link`` if given), with snowleap's tweedie powers."""
    attributes: dict[str, Value] = {
        "coefficients": attr.vector(coefficients),
        "intercept": attr.double(intercept),
        "family": attr.string(params.family),
    }
    if params.link is not None:
        attributes["link"] = attr.string(params.link)
    if params.variance_power is not None:
        attributes["variance_power"] = attr.double(params.variance_power)
    if params.link_power is not None:
        attributes["link_power"] = attr.double(params.link_power)
    return StoredModel("generalized_linear_regression", attributes)


def stored(
    name: str,
    columns: dict[str, str],
    coefficients: Sequence[float],
    intercept: float,
    params: GlmParams,
) -> StoredNode:
    """The ``generalized_linear_regression`` node; ``columns`` by port, as the op takes them."""
    inputs = [(port, columns[port]) for port in ("features", "offset") if port in columns]
    outputs = [
        (port, columns[port]) for port in ("link_prediction", "prediction") if port in columns
    ]
    return StoredNode(
        name, node_shape(inputs, outputs), stored_model(coefficients, intercept, params)
    )
