"""``logistic_regression``: mirrors MLeap's ``LogisticRegressionModel``.

Two models behind one op, chosen like MLeap by ``num_classes``: binary (``coefficients``,
``intercept``, ``threshold``) and multinomial (``coefficient_matrix``, ``intercept_vector``,
optional ``thresholds``) for more than two classes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property
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
    read_num_classes,
    read_thresholds,
)
from snowleap.ops.classification.probability_math import (
    argmax_batch,
    argmax_row,
    exp_batch,
    exp_row,
    sigmoid_batch,
    sigmoid_row,
)
from snowleap.ops.linalg import (
    sequential_dot,
    sequential_dot_batch,
    sequential_sum,
    sequential_sum_batch,
    sparse_dot,
    sparse_dot_batch,
)
from snowleap.ops.sparse import SparseRows, SparseVector

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

# NOTE: Spark's and scikit-learn's default; MLeap uses it when the bundle has no threshold.
DEFAULT_THRESHOLD = 0.5


class BinaryLogisticRegression(ProbabilisticClassifier):
    """Margin ``m = x . coefficients + intercept``: ``ops.linalg``'s dot product, summed
    feature by feature from 0, then the intercept added, as MLeap's ``BLAS.dot(...) + intercept``.
    Raw scores ``[-m, m]``; probabilities the logistic function of each raw score; class 1 iff
    the probability of class 1 is above ``threshold`` (or, from raw scores alone, iff ``m`` is
    above the threshold's log-odds).
    """

    def __init__(self, coefficients: list[float], intercept: float, threshold: float) -> None:
        super().__init__(len(coefficients), 2, None)
        self.coefficients = coefficients
        self.intercept = intercept
        self.threshold = threshold
        self.raw_threshold = _log_odds(threshold)

    reads_sparse = True

    @cached_property
    def _coefficients(self) -> FloatArray:
        return np.asarray(self.coefficients, dtype=np.float64)

    def raw_batch(self, features: FloatArray | SparseRows) -> FloatArray:
        if isinstance(features, SparseRows):
            margin = sparse_dot_batch(features, self._coefficients) + self.intercept
        else:
            margin = sequential_dot_batch(features, self.coefficients) + self.intercept
        return np.stack([-margin, margin], axis=1)

    def raw_row_function(self) -> RawRowFunction:
        coefficients = self.coefficients
        intercept = self.intercept

        def raw(x: list[float] | SparseVector) -> list[float]:
            if isinstance(x, SparseVector):
                margin = sparse_dot(x, coefficients) + intercept
            else:
                margin = sequential_dot(x, coefficients) + intercept
            return [-margin, margin]

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        return sigmoid_batch(raw)

    def probability_row(self, raw: list[float]) -> list[float]:
        return [sigmoid_row(value) for value in raw]

    def probability_prediction_batch(self, probability: FloatArray) -> FloatArray:
        return np.where(probability[:, 1] > self.threshold, 1.0, 0.0)

    def probability_prediction_row(self, probability: list[float]) -> float:
        return 1.0 if probability[1] > self.threshold else 0.0

    def raw_prediction_batch(self, raw: FloatArray) -> FloatArray:
        return np.where(raw[:, 1] > self.raw_threshold, 1.0, 0.0)

    def raw_prediction_row(self, raw: list[float]) -> float:
        return 1.0 if raw[1] > self.raw_threshold else 0.0


def _log_odds(threshold: float) -> float:
    """MLeap's raw threshold: -inf for 0, +inf for 1, else ``log(t / (1 - t))``.

    Computed once at load, so both paths compare against the same value; outside [0, 1] (or
    NaN) the ratio is negative or NaN and the threshold NaN, as the JVM's log gives.
    """
    if threshold == 0.0:
        return -math.inf
    if threshold == 1.0:
        return math.inf
    ratio = threshold / (1.0 - threshold)
    return math.log(ratio) if ratio > 0.0 else math.nan


class MultinomialLogisticRegression(ProbabilisticClassifier):
    """Margins ``intercept + A x`` per class (``ops.linalg``'s dot product started at the
    intercept, feature by feature, as BLAS ``gemv`` does); probabilities the softmax of the
    margins, shifted by the largest margin only when it is positive (MLeap's rule), scaled by
    ``1 / sum``; an infinite largest margin gives that class probability 1.
    """

    def __init__(
        self,
        coefficient_matrix: list[list[float]],
        intercepts: list[float],
        num_features: int,
        thresholds: tuple[float, ...] | None,
    ) -> None:
        super().__init__(num_features, len(coefficient_matrix), thresholds)
        self.coefficient_matrix = coefficient_matrix
        self.intercepts = intercepts

    reads_sparse = True

    @cached_property
    def _matrix(self) -> FloatArray:
        return np.asarray(self.coefficient_matrix, dtype=np.float64)

    def raw_batch(self, features: FloatArray | SparseRows) -> FloatArray:
        margins = np.empty((features.shape[0], self.num_classes))
        for k, (coefficients, intercept) in enumerate(
            zip(self.coefficient_matrix, self.intercepts, strict=True)
        ):
            if isinstance(features, SparseRows):
                margins[:, k] = sparse_dot_batch(features, self._matrix[k], intercept)
            else:
                margins[:, k] = sequential_dot_batch(features, coefficients, intercept)
        return margins

    def raw_row_function(self) -> RawRowFunction:
        classes = list(zip(self.coefficient_matrix, self.intercepts, strict=True))

        def raw(x: list[float] | SparseVector) -> list[float]:
            if isinstance(x, SparseVector):
                return [sparse_dot(x, c, intercept) for c, intercept in classes]
            return [sequential_dot(x, c, intercept) for c, intercept in classes]

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        rows = np.arange(raw.shape[0])
        best = argmax_batch(raw).astype(np.intp)
        largest = raw[rows, best][:, np.newaxis]
        # NOTE: infinities and NaN flow through as on the JVM, without numpy's warnings.
        with np.errstate(invalid="ignore", divide="ignore"):
            shifted = np.where(largest > 0.0, raw - largest, raw)
            exps = exp_batch(shifted)
            scale = 1.0 / sequential_sum_batch(exps)
            probability = exps * scale[:, np.newaxis]
        one_hot = np.zeros_like(raw)
        one_hot[rows, best] = 1.0
        return np.where(largest == math.inf, one_hot, probability)

    def probability_row(self, raw: list[float]) -> list[float]:
        best = int(argmax_row(raw))
        largest = raw[best]
        if largest == math.inf:
            return [1.0 if k == best else 0.0 for k in range(len(raw))]
        if largest > 0.0:
            exps = [exp_row(value - largest) for value in raw]
        else:
            exps = [exp_row(value) for value in raw]
        total = sequential_sum(exps)
        scale = 1.0 / total if total != 0.0 else math.inf
        return [value * scale for value in exps]


class LogisticRegressionOp(ProbabilisticClassifierOp):
    op_name = "logistic_regression"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> LogisticRegressionOp:
        attributes = node.attributes
        num_classes = read_num_classes(node)
        model: ProbabilisticClassifier
        if num_classes > 2:
            model = _multinomial(node, num_classes)
        else:
            threshold = attributes.get_double("threshold", DEFAULT_THRESHOLD)
            model = BinaryLogisticRegression(
                attributes.get_double_vector("coefficients"),
                attributes.get_double("intercept"),
                threshold,
            )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        if isinstance(model, BinaryLogisticRegression):
            return stored_model(2, [model.coefficients], [model.intercept], None, model.threshold)
        assert isinstance(model, MultinomialLogisticRegression)
        return stored_model(
            model.num_classes, model.coefficient_matrix, model.intercepts, model.thresholds, 0.5
        )


def _multinomial(node: NodeContext, num_classes: int) -> MultinomialLogisticRegression:
    attributes = node.attributes
    # NOTE: MLeap writes Spark's ``Matrix.toArray``, which is column-major, and reads it back
    # with ``Matrices.dense(rows, cols, values)``, also column-major.
    matrix = attributes.get_double_matrix("coefficient_matrix", column_major=True)
    rows, num_features = attributes.get_tensor("coefficient_matrix").dimensions
    if rows != num_classes:
        raise BundleError(
            f"{node.where}: 'coefficient_matrix' of shape {[rows, num_features]} does not fit "
            f"{num_classes} classes"
        )
    intercepts = attributes.get_double_vector("intercept_vector")
    if len(intercepts) != num_classes:
        raise BundleError(
            f"{node.where}: 'intercept_vector' has {len(intercepts)} values for "
            f"{num_classes} classes"
        )
    thresholds = read_thresholds(node, num_classes)
    return MultinomialLogisticRegression(matrix, intercepts, num_features, thresholds)


def stored_model(
    num_classes: int,
    coefficient_rows: Sequence[Sequence[float]],
    intercepts: Sequence[float],
    thresholds: Sequence[float] | None,
    threshold: float,
) -> StoredModel:
    """The model MLeap writes: binary (one row of coefficients) as ``coefficients``,
    ``intercept``, ``threshold``; more classes as ``coefficient_matrix`` (column-major values,
    MLeap's ``Matrix.toArray``), ``intercept_vector`` and ``thresholds`` if set."""
    attributes: dict[str, Value] = {"num_classes": attr.long(num_classes)}
    if len(intercepts) == 1:
        attributes["coefficients"] = attr.vector(coefficient_rows[0])
        attributes["intercept"] = attr.double(intercepts[0])
        attributes["threshold"] = attr.double(threshold)
    else:
        rows, width = len(coefficient_rows), len(coefficient_rows[0])
        column_major = [coefficient_rows[r][c] for c in range(width) for r in range(rows)]
        attributes["coefficient_matrix"] = attr.tensor("double", (rows, width), column_major)
        attributes["intercept_vector"] = attr.vector(intercepts)
        if thresholds is not None:
            attributes["thresholds"] = attr.double_list(thresholds)
    return StoredModel("logistic_regression", attributes)
