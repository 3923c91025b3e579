"""``logistic_regression``: mirrors MLeap's ``LogisticRegressionModel``.

Two models behind one op, chosen like MLeap by ``num_classes``: binary (``coefficients``,
``intercept``, ``threshold``) and multinomial (``coefficient_matrix``, ``intercept_vector``,
optional ``thresholds``) for more than two classes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from snowleap.errors import BundleError
from snowleap.ops.classification.probabilistic import (
    FloatArray,
    ProbabilisticClassifier,
    ProbabilisticClassifierOp,
    RawRowFunction,
    argmax_batch,
    argmax_row,
    exp_batch,
    exp_row,
    read_num_classes,
    read_thresholds,
    sigmoid_batch,
    sigmoid_row,
    sum_batch,
    sum_row,
)
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

# NOTE: Spark's and scikit-learn's default; MLeap uses it when the bundle has no threshold.
DEFAULT_THRESHOLD = 0.5


class BinaryLogisticRegression(ProbabilisticClassifier):
    """Margin ``m = x . coefficients + intercept``: ``ops.linalg``'s dot product, summed
    feature by feature from 0, then the intercept added, as MLeap's ``BLAS.dot(...) + intercept``.
    Raw scores ``[-m, m]``; probabilities the logistic function of each raw score; class 1 iff
    the probability of class 1 is above ``threshold`` (or, from raw scores alone, iff ``m`` is
    above the threshold's log-odds).
    """

    def __init__(self, coefficients: FloatArray, intercept: float, threshold: float) -> None:
        super().__init__(len(coefficients), 2, None)
        self.coefficients = coefficients
        self.intercept = intercept
        self.threshold = threshold
        self.raw_threshold = _log_odds(threshold)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        margin = sequential_dot_batch(features, self.coefficients) + self.intercept
        return np.stack([-margin, margin], axis=1)

    def raw_row_function(self) -> RawRowFunction:
        coefficients = self.coefficients.tolist()
        intercept = self.intercept

        def raw(x: list[float]) -> list[float]:
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

    Computed once at load, so both paths compare against the same value; numpy's log gives the
    JVM's NaN or -inf for an out-of-range threshold where ``math.log`` would raise.
    """
    if threshold == 0.0:
        return -math.inf
    if threshold == 1.0:
        return math.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.log(threshold / (1.0 - threshold)))


class MultinomialLogisticRegression(ProbabilisticClassifier):
    """Margins ``intercept + A x`` per class (summed from the intercept, feature by feature, as
    BLAS ``gemv`` does); probabilities the softmax of the margins, shifted by the largest margin
    only when it is positive (MLeap's rule), scaled by ``1 / sum``; an infinite largest margin
    gives that class probability 1.
    """

    def __init__(
        self,
        coefficient_matrix: FloatArray,
        intercepts: FloatArray,
        thresholds: tuple[float, ...] | None,
    ) -> None:
        num_classes, num_features = coefficient_matrix.shape
        super().__init__(num_features, num_classes, thresholds)
        self.coefficient_matrix = coefficient_matrix
        self.intercepts = intercepts

    def raw_batch(self, features: FloatArray) -> FloatArray:
        margins = np.repeat(self.intercepts[np.newaxis, :], features.shape[0], axis=0)
        for j in range(self.num_features):
            margins = margins + features[:, j : j + 1] * self.coefficient_matrix[:, j]
        return margins

    def raw_row_function(self) -> RawRowFunction:
        intercepts = self.intercepts.tolist()
        columns = self.coefficient_matrix.T.tolist()

        def raw(x: list[float]) -> list[float]:
            margins = intercepts
            for value, column in zip(x, columns, strict=True):
                margins = [m + value * a for m, a in zip(margins, column, strict=True)]
            return list(margins)

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        rows = np.arange(raw.shape[0])
        best = argmax_batch(raw).astype(np.intp)
        largest = raw[rows, best][:, np.newaxis]
        # NOTE: infinities and NaN flow through as on the JVM, without numpy's warnings.
        with np.errstate(invalid="ignore", divide="ignore"):
            shifted = np.where(largest > 0.0, raw - largest, raw)
            exps = exp_batch(shifted)
            scale = 1.0 / sum_batch(exps)
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
        total = sum_row(exps)
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


def _multinomial(node: NodeContext, num_classes: int) -> MultinomialLogisticRegression:
    attributes = node.attributes
    stored = attributes.get_double_matrix("coefficient_matrix")
    if stored.shape[0] != num_classes:
        raise BundleError(
            f"{node.where}: 'coefficient_matrix' of shape {list(stored.shape)} does not fit "
            f"{num_classes} classes"
        )
    # NOTE: MLeap writes Spark's ``Matrix.toArray``, which is column-major, and reads it back
    # with ``Matrices.dense(rows, cols, values)``, also column-major; the getter reads row-major.
    matrix = np.ascontiguousarray(stored.ravel().reshape(stored.shape, order="F"))
    intercepts = attributes.get_double_vector("intercept_vector")
    if len(intercepts) != num_classes:
        raise BundleError(
            f"{node.where}: 'intercept_vector' has {len(intercepts)} values for "
            f"{num_classes} classes"
        )
    return MultinomialLogisticRegression(matrix, intercepts, read_thresholds(node, num_classes))
