"""``naive_bayes``: mirrors MLeap's ``NaiveBayesModel`` (multinomial, Bernoulli) and Spark's
``NaiveBayesModel`` for the two types MLeap's format lacks (Gaussian, complement).

The model stores ``num_features``, ``num_classes``, ``pi`` (log class priors), ``theta`` (one
row per class: log conditional probabilities, or the Gaussian means), ``model_type`` and
optional ``thresholds``. Spark 3's ``gaussian`` also needs the variances: snowleap's writer adds
them as ``sigma`` (same shape as ``theta``), an attribute MLeap's runtime does not know (it has
no Gaussian or complement model at all). Raw scores per type:

* multinomial: ``theta x + pi`` (MLeap's order: the products, then the prior);
* Bernoulli (features 0 or 1): ``(theta - log(1 - e^theta)) x + pi + sum_j log(1 - e^theta)``;
* complement: ``theta x`` minus its log-sum-exp (Spark's);
* Gaussian: ``pi - (sum_j (x_j - theta_j)^2 / sigma_j + sum_j log sigma_j) / 2`` (Spark's).

Probabilities are the softmax of the raw scores; predictions Spark's rules (``probabilistic``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifier,
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_num_classes,
    read_thresholds,
)
from snowleap.ops.classification.probability_math import (
    exp_batch,
    exp_row,
    softmax_batch,
    softmax_row,
)
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch, sequential_sum

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

MODEL_TYPES = ("multinomial", "bernoulli", "complement", "gaussian")


class NaiveBayes(ProbabilisticClassifier):
    def __init__(
        self,
        model_type: str,
        pi: list[float],
        theta: list[list[float]],
        sigma: list[list[float]] | None,
        thresholds: tuple[float, ...] | None,
        features_col: str = "features",
    ) -> None:
        super().__init__(len(theta[0]), len(pi), thresholds)
        self.model_type = model_type
        self.pi = pi
        self.theta = theta
        self.sigma = sigma
        self.features_col = features_col
        if model_type == "bernoulli":
            log_not = [[math.log(1.0 - math.exp(t)) for t in row] for row in theta]
            self._weights = [
                [t - n for t, n in zip(row, negated, strict=True)]
                for row, negated in zip(theta, log_not, strict=True)
            ]
            self._offsets = [p + sequential_sum(row) for p, row in zip(pi, log_not, strict=True)]
        elif model_type == "gaussian":
            assert sigma is not None, "a Gaussian model has variances"
            self._log_variance_sums = [sequential_sum(math.log(s) for s in row) for row in sigma]

    def raw_batch(self, features: FloatArray) -> FloatArray:
        raw = np.empty((features.shape[0], self.num_classes))
        kind = self.model_type
        if kind == "bernoulli" and not np.isin(features, (0.0, 1.0)).all():
            raise _not_binary(self.features_col)
        if kind == "gaussian":
            assert self.sigma is not None, "a Gaussian model has variances"
            for i, (means, variances) in enumerate(zip(self.theta, self.sigma, strict=True)):
                total = np.zeros(features.shape[0])
                for j, (mean, variance) in enumerate(zip(means, variances, strict=True)):
                    d = features[:, j] - mean
                    total += d * d / variance
                raw[:, i] = self.pi[i] - (total + self._log_variance_sums[i]) / 2
            return raw
        if kind == "bernoulli":
            for i, (weights, offset) in enumerate(zip(self._weights, self._offsets, strict=True)):
                raw[:, i] = sequential_dot_batch(features, weights) + offset
            return raw
        for i, row in enumerate(self.theta):
            raw[:, i] = sequential_dot_batch(features, row)
        if kind == "multinomial":
            with_priors: FloatArray = raw + np.asarray(self.pi)
            return with_priors
        return _minus_log_sum_exp_batch(raw)

    def raw_row_function(self) -> RawRowFunction:
        kind, pi, theta, column = self.model_type, self.pi, self.theta, self.features_col
        if kind == "gaussian":
            assert self.sigma is not None, "a Gaussian model has variances"
            classes = list(zip(pi, theta, self.sigma, self._log_variance_sums, strict=True))

            def gaussian(x: list[float]) -> list[float]:
                raw = []
                for prior, means, variances, log_sum in classes:
                    total = 0.0
                    for value, mean, variance in zip(x, means, variances, strict=True):
                        d = value - mean
                        total += d * d / variance if variance != 0.0 else _divided(d * d)
                    raw.append(prior - (total + log_sum) / 2)
                return raw

            return gaussian
        if kind == "bernoulli":
            pairs = list(zip(self._weights, self._offsets, strict=True))

            def bernoulli(x: list[float]) -> list[float]:
                if any(value != 0.0 and value != 1.0 for value in x):
                    raise _not_binary(column)
                return [sequential_dot(x, weights) + offset for weights, offset in pairs]

            return bernoulli
        if kind == "multinomial":

            def multinomial(x: list[float]) -> list[float]:
                return [sequential_dot(x, row) + p for row, p in zip(theta, pi, strict=True)]

            return multinomial

        def complement(x: list[float]) -> list[float]:
            return _minus_log_sum_exp_row([sequential_dot(x, row) for row in theta])

        return complement

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        return softmax_batch(raw)

    def probability_row(self, raw: list[float]) -> list[float]:
        return softmax_row(raw)


def _divided(value: float) -> float:
    # NOTE: a zero variance: x / 0 as on the JVM (inf, or NaN for 0 / 0).
    return math.nan if value == 0.0 or math.isnan(value) else math.inf


def _not_binary(column: str) -> InputError:
    return InputError(f"column {column!r}: Bernoulli naive Bayes takes feature values 0 or 1 only")


def _minus_log_sum_exp_batch(raw: FloatArray) -> FloatArray:
    largest = raw.max(axis=1)
    total = np.zeros(raw.shape[0])
    for k in range(raw.shape[1]):
        total += exp_batch(raw[:, k] - largest)
    logs = np.fromiter(map(math.log, total.tolist()), dtype=np.float64, count=len(total))
    result: FloatArray = raw - (logs + largest)[:, np.newaxis]
    return result


def _minus_log_sum_exp_row(raw: list[float]) -> list[float]:
    largest = max(raw)
    total = 0.0
    for value in raw:
        total += exp_row(value - largest)
    log_sum_exp = math.log(total) + largest
    return [value - log_sum_exp for value in raw]


class NaiveBayesOp(ProbabilisticClassifierOp):
    op_name = "naive_bayes"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> NaiveBayesOp:
        attributes = node.attributes
        # NOTE: MLeap's runtime writes its case object's name ("Multinomial"); Spark's side and
        # snowleap write Spark's lower-case param value.
        model_type = attributes.get_string("model_type").lower()
        if model_type not in MODEL_TYPES:
            raise BundleError(
                f"{node.where}: 'model_type' {model_type!r} is not one of {', '.join(MODEL_TYPES)}"
            )
        num_classes = read_num_classes(node)
        num_features = attributes.get_long("num_features")
        pi = attributes.get_double_vector("pi")
        theta = attributes.get_double_matrix("theta", column_major=True)
        if len(pi) != num_classes or len(theta) != num_classes or len(theta[0]) != num_features:
            raise BundleError(
                f"{node.where}: 'pi' of {len(pi)} values and 'theta' of shape "
                f"{[len(theta), len(theta[0]) if theta else 0]} do not fit {num_classes} "
                f"classes of {num_features} features"
            )
        sigma = None
        if model_type == "gaussian":
            if "sigma" not in attributes:
                raise BundleError(f"{node.where}: a gaussian model needs its variances 'sigma'")
            sigma = attributes.get_double_matrix("sigma", column_major=True)
            if len(sigma) != num_classes or len(sigma[0]) != num_features:
                raise BundleError(f"{node.where}: 'sigma' should have the shape of 'theta'")
        thresholds = read_thresholds(node, num_classes)
        features_col = node.shape.input("features", node.node_where)
        model = NaiveBayes(model_type, pi, theta, sigma, thresholds, features_col)
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, NaiveBayes), "from_bundle builds a NaiveBayes"
        return stored_model(model.model_type, model.pi, model.theta, model.sigma, model.thresholds)


def _column_major(rows: Sequence[Sequence[float]]) -> Value:
    height, width = len(rows), len(rows[0])
    return attr.tensor(
        "double", (height, width), [rows[r][c] for c in range(width) for r in range(height)]
    )


def stored_model(
    model_type: str,
    pi: Sequence[float],
    theta: Sequence[Sequence[float]],
    sigma: Sequence[Sequence[float]] | None,
    thresholds: Sequence[float] | None,
) -> StoredModel:
    """The model MLeap writes (``theta`` column-major, Spark's ``Matrix.toArray``); a Gaussian
    model adds ``sigma`` in the same layout."""
    attributes: dict[str, Value] = {
        "num_features": attr.long(len(theta[0])),
        "num_classes": attr.long(len(pi)),
        "pi": attr.vector(pi),
        "theta": _column_major(theta),
        "model_type": attr.string(model_type),
    }
    if sigma is not None:
        attributes["sigma"] = _column_major(sigma)
    if thresholds is not None:
        attributes["thresholds"] = attr.double_list(thresholds)
    return StoredModel("naive_bayes", attributes)
