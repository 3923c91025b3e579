"""``isotonic_regression``: a piecewise-linear function of one feature; mirrors MLeap's
``IsotonicRegressionModel`` (Spark's ``IsotonicRegressionModel.predict``).

The model is ``boundaries`` (sorted feature values) and their ``predictions``. A feature is
found among the boundaries with Java's ``Arrays.binarySearch``: on a boundary, that boundary's
prediction; below or above all of them, the first or last prediction; between two, the straight
line through their points. Both directions (``isotonic`` true or false) score the same way: Spark
stores an antitonic fit's predictions already decreasing.

The feature is a double column, or, where the node has ``feature_index`` (Spark fitted the
model on a vector column), that slot of a vector column.

The search reproduces Java's exactly, in both paths: the same midpoints, and Java's order of
doubles (``Double.compare``: -0.0 below 0.0, NaN above +inf), so a feature equal to a repeated
boundary finds the same one as on the JVM and NaN scores as the last prediction.
"""

from __future__ import annotations

import struct
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from snowleap.bundle.values import Value
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.sparse import SparseRows, SparseVector
from snowleap.ops.vectors import SCALARS, features_column, reader_of, shape_error, width_error

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredModel, StoredNode
    from snowleap.numeric import AnyArray, FloatArray

_MAGNITUDE_BITS = (1 << 63) - 1
_JAVA_NAN_BITS = 0x7FF8000000000000
_DOUBLE = struct.Struct("<d")
_LONG = struct.Struct("<q")


def java_order_key(value: float) -> int:
    """An integer ordered as Java's ``Double.compare`` orders doubles (NaN: its one NaN).

    Example
    -------
    >>> java_order_key(-0.0) < java_order_key(0.0) < java_order_key(float("nan"))
    True
    """
    if value != value:
        return _JAVA_NAN_BITS
    bits: int = _LONG.unpack(_DOUBLE.pack(value))[0]
    return bits if bits >= 0 else bits ^ _MAGNITUDE_BITS


def java_order_keys(values: FloatArray) -> AnyArray:
    """``java_order_key`` of every value, as an int64 array."""
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64).copy()
    bits[np.isnan(values)] = _JAVA_NAN_BITS
    bits[bits < 0] ^= _MAGNITUDE_BITS
    return bits


def _java_search(keys: list[int], key: int) -> int:
    """Java's ``Arrays.binarySearch`` of ``key`` in ``keys``: ``~index`` of the one it finds,
    else the insertion point (the number of keys below it)."""
    low, high = 0, len(keys) - 1
    while low <= high:
        mid = (low + high) >> 1
        if keys[mid] < key:
            low = mid + 1
        elif keys[mid] > key:
            high = mid - 1
        else:
            return ~mid
    return low


class IsotonicRegression:
    """The piecewise-linear function of ``boundaries`` -> ``predictions``.

    Example
    -------
    >>> IsotonicRegression([0.0, 2.0], [1.0, 3.0], True).predict_row_function()(1.5)
    2.5
    """

    def __init__(self, boundaries: list[float], predictions: list[float], isotonic: bool) -> None:
        self.boundaries = boundaries
        self.predictions = predictions
        self.isotonic = isotonic
        self._keys = [java_order_key(b) for b in boundaries]

    def predict_row_function(self) -> Callable[[float], float]:
        boundaries, predictions, keys = self.boundaries, self.predictions, self._keys
        last = len(boundaries)
        # NOTE: for a value that is neither NaN nor zero, the doubles' own order is Java's, so
        # ``bisect`` (in C) finds Java's insertion point; a boundary equal to it is Java's find
        # when no boundary is repeated. Zeros (-0.0 below 0.0), NaN and repeated boundaries take
        # Java's own search (and every value, unless the boundaries increase strictly).
        searchable = all(a < b for a, b in pairwise(keys)) and not any(b != b for b in boundaries)

        def predict(x: float) -> float:
            if searchable and x == x and x != 0.0:
                low = bisect_left(boundaries, x)
                if low < last and boundaries[low] == x:
                    return predictions[low]
            else:
                low = _java_search(keys, java_order_key(x))
                if low < 0:
                    return predictions[~low]
            if low == 0:
                return predictions[0]
            if low == last:
                return predictions[-1]
            x1, y1, x2, y2 = (
                boundaries[low - 1],
                predictions[low - 1],
                boundaries[low],
                predictions[low],
            )
            return y1 + (y2 - y1) * (x - x1) / (x2 - x1)

        return predict

    @cached_property
    def _arrays(self) -> tuple[AnyArray, FloatArray, FloatArray]:
        return (
            np.asarray(self._keys, dtype=np.int64),
            np.asarray(self.boundaries, dtype=np.float64),
            np.asarray(self.predictions, dtype=np.float64),
        )

    def predict_batch(self, x: FloatArray) -> FloatArray:
        keys, boundaries, predictions = self._arrays
        last = len(boundaries)
        key = java_order_keys(x)
        low = np.zeros(len(x), dtype=np.int64)
        high = np.full(len(x), last - 1, dtype=np.int64)
        found = np.full(len(x), -1, dtype=np.int64)
        # NOTE: Java's loop run for every row at once; a row leaves it when found or empty.
        searching = low <= high
        while searching.any():
            mid = (low + high) >> 1
            mid_key = keys[np.clip(mid, 0, last - 1)]
            below = searching & (mid_key < key)
            above = searching & (mid_key > key)
            low = np.where(below, mid + 1, low)
            high = np.where(above, mid - 1, high)
            found = np.where(searching & ~below & ~above, mid, found)
            searching = (low <= high) & (found < 0)
        upper = np.clip(low, 1, last - 1) if last > 1 else np.zeros_like(low)
        lower = np.maximum(upper - 1, 0)
        x1, y1, x2, y2 = (
            boundaries[lower],
            predictions[lower],
            boundaries[upper],
            predictions[upper],
        )
        with np.errstate(all="ignore"):
            line = y1 + (y2 - y1) * (x - x1) / (x2 - x1)
        result = np.where(low == last, predictions[-1], line)
        result = np.where(low == 0, predictions[0], result)
        return np.where(found >= 0, predictions[np.maximum(found, 0)], result)

    def describe(self) -> dict[str, Any]:
        return {"isotonic": self.isotonic, "boundaries": len(self.boundaries)}


class IsotonicRegressionOp(Op):
    """Port ``features`` (a double, or a vector read at ``feature_index``), ``prediction`` out."""

    op_name = "isotonic_regression"

    def __init__(
        self,
        name: str,
        features_col: str,
        prediction_col: str,
        model: IsotonicRegression,
        feature_index: int | None,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        input_type = DOUBLE if feature_index is None else vector(None)
        super().__init__(
            name,
            [Field(features_col, input_type)],
            [Field(prediction_col, DOUBLE)],
            ports=ports,
        )
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model
        self.feature_index = feature_index

    @classmethod
    def from_bundle(cls, node: NodeContext) -> IsotonicRegressionOp:
        attributes = node.attributes
        boundaries = attributes.get_double_list("boundaries")
        predictions = attributes.get_double_list("predictions")
        if not boundaries or len(boundaries) != len(predictions):
            raise BundleError(
                f"{attributes.where}: isotonic regression needs as many predictions as boundaries, "
                f"at least one (found {len(boundaries)} boundaries, {len(predictions)} predictions)"
            )
        feature_index = None
        if "feature_index" in attributes:
            feature_index = attributes.get_long("feature_index")
            if feature_index < 0:
                raise BundleError(
                    f"{attributes.where}: 'feature_index' is negative ({feature_index})"
                )
        model = IsotonicRegression(boundaries, predictions, attributes.get_bool("isotonic"))
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            model,
            feature_index,
            ports=node.shape,
        )

    def _feature_batch(self, frame: Frame) -> FloatArray:
        column, index, reader = self.features_col, self.feature_index, reader_of(self)
        if index is None:
            values: FloatArray = np.asarray(frame[column], dtype=np.float64)
            if values.ndim != 1:
                raise shape_error(column, values.shape, SCALARS, reader)
            return values
        vectors = features_column(frame, column, None, reader)
        if vectors.shape[1] <= index:
            raise width_error(column, vectors.shape[1], self._too_narrow(), reader)
        if isinstance(vectors, SparseRows):
            # NOTE: the one slot read from the stored values; the vectors stay sparse
            slot = np.zeros(len(vectors), dtype=np.float64)
            stored = vectors.indices == index
            slot[vectors.row_of_each_value()[stored]] = vectors.values[stored]
            return slot
        return np.asarray(vectors[:, index], dtype=np.float64)

    def _too_narrow(self) -> str:
        return f"too narrow for the model's feature index {self.feature_index}"

    def transform(self, frame: Frame) -> Frame:
        frame[self.prediction_col] = self.model.predict_batch(self._feature_batch(frame))
        return frame

    def row_step(self) -> RowStep:
        source, target = self.features_col, self.prediction_col
        predict = self.model.predict_row_function()

        def score_scalar(row: Row) -> None:
            row[target] = predict(float(row[source]))

        if self.feature_index is None:
            return score_scalar
        index, reader, too_narrow = self.feature_index, reader_of(self), self._too_narrow()

        def score_slot(row: Row) -> None:
            values = row[source]
            if len(values) <= index:
                raise width_error(source, len(values), too_narrow, reader)
            if values.__class__ is SparseVector:
                position = bisect_left(values.indices, index)
                stored = position < len(values.indices) and values.indices[position] == index
                row[target] = predict(float(values.values[position]) if stored else 0.0)
                return
            row[target] = predict(float(values[index]))

        return score_slot

    def describe(self) -> dict[str, Any]:
        described = {**super().describe(), **self.model.describe()}
        if self.feature_index is not None:
            described["feature_index"] = self.feature_index
        return described

    def store(self) -> StoredNode:
        # NOTE: imported here: writing a bundle is never on a cold start's path.
        from snowleap.bundle.store import predictor_node

        model = self.model
        stored_model_ = stored_model(
            model.boundaries, model.predictions, model.isotonic, self.feature_index
        )
        outputs = [("prediction", self.prediction_col)]
        return predictor_node(self.name, self.features_col, outputs, stored_model_)


def stored_model(
    boundaries: Sequence[float],
    predictions: Sequence[float],
    isotonic: bool,
    feature_index: int | None,
) -> StoredModel:
    """The ``isotonic_regression`` model MLeap writes (``feature_index`` for a vector input)."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import StoredModel

    attributes: dict[str, Value] = {
        "boundaries": attr.double_list(boundaries),
        "predictions": attr.double_list(predictions),
        "isotonic": attr.boolean(isotonic),
    }
    if feature_index is not None:
        attributes["feature_index"] = attr.long(feature_index)
    return StoredModel("isotonic_regression", attributes)
