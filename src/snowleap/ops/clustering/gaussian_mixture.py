"""``gaussian_mixture``: mirrors MLeap's ``GaussianMixtureModel`` (Spark's).

The model stores ``means`` (one vector per Gaussian), ``covs`` (one square matrix each, values
column-major as Spark's ``Matrix.toArray``; covariances are symmetric, so either order reads
the same) and ``weights``. A row's probabilities are ``EPSILON + w_k * pdf_k(x)`` divided by
their sum; the prediction is the first cluster of the largest probability, as Spark's
``computeProbabilities`` and ``argmax``. ``probability`` is written when the node wires it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Self

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import Field, Frame, Row, RowStep, vector
from snowleap.ops.classification.probability_math import exp_batch, exp_row
from snowleap.ops.clustering.clusterer import (
    Clusterer,
    ClustererOp,
    argmax_batch,
    argmax_row,
)
from snowleap.ops.clustering.multivariate_gaussian import EPSILON, MultivariateGaussian
from snowleap.ops.linalg import sequential_sum, sequential_sum_batch
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray, FloatArray


class GaussianMixture(Clusterer):
    def __init__(self, gaussians: list[MultivariateGaussian], weights: list[float]) -> None:
        super().__init__(len(gaussians[0].mean), len(gaussians))
        self.gaussians = gaussians
        self.weights = weights

    def probability_batch(self, features: FloatArray) -> FloatArray:
        parts = np.empty((features.shape[0], self.num_clusters))
        for k, (gaussian, weight) in enumerate(zip(self.gaussians, self.weights, strict=True)):
            parts[:, k] = EPSILON + weight * exp_batch(gaussian.logpdf_batch(features))
        total = sequential_sum_batch(parts)
        result: FloatArray = parts / total[:, np.newaxis]
        return result

    def probability_row_function(self) -> Callable[[list[float]], list[float]]:
        components = list(zip(self.gaussians, self.weights, strict=True))

        def probability(x: list[float]) -> list[float]:
            parts = [EPSILON + w * exp_row(g.logpdf_row(x)) for g, w in components]
            total = sequential_sum(parts)
            return [part / total for part in parts]

        return probability

    def predict_batch(self, features: FloatArray) -> AnyArray:
        return argmax_batch(self.probability_batch(features))

    def predict_row_function(self) -> Callable[[list[float]], int]:
        probability = self.probability_row_function()

        def predict(x: list[float]) -> int:
            return argmax_row(probability(x))

        return predict


class GaussianMixtureOp(ClustererOp):
    """``features`` in; ``prediction`` out, and ``probability`` when wired."""

    op_name = "gaussian_mixture"

    def __init__(
        self,
        name: str,
        features_col: str,
        prediction_col: str,
        model: GaussianMixture,
        probability_col: str | None = None,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, features_col, prediction_col, model, ports=ports)
        self.mixture = model
        self.probability_col = probability_col
        if probability_col is not None:
            self.outputs.append(Field(probability_col, vector(model.num_clusters)))

    @classmethod
    def from_bundle(cls, node: NodeContext) -> Self:
        attributes = node.attributes
        means = [[float(v) for v in t.values] for t in attributes.get_tensor_list("means")]
        covariances = attributes.get_tensor_list("covs")
        weights = attributes.get_double_list("weights")
        if not means or len(covariances) != len(means) or len(weights) != len(means):
            raise BundleError(
                f"{node.where}: {len(means)} 'means', {len(covariances)} 'covs' and "
                f"{len(weights)} 'weights': one of each per Gaussian"
            )
        gaussians = []
        for index, (mean, tensor) in enumerate(zip(means, covariances, strict=True)):
            n = len(mean)
            if list(tensor.dimensions) != [n, n] or len(mean) != len(means[0]):
                raise BundleError(
                    f"{node.where}: Gaussian {index}: covariance of shape "
                    f"{list(tensor.dimensions)} for a mean of {n} values "
                    f"(all means have {len(means[0])})"
                )
            values = [float(v) for v in tensor.values]
            # NOTE: column-major (Spark's Matrices.dense), read back as MLeap does.
            covariance = [values[i::n] for i in range(n)]
            try:
                gaussians.append(MultivariateGaussian(mean, covariance))
            except ValueError as exc:
                raise BundleError(f"{node.where}: Gaussian {index}: {exc}") from None
        shape = node.shape
        return cls(
            node.name,
            shape.input("features", node.node_where),
            shape.output("prediction", node.node_where),
            GaussianMixture(gaussians, weights),
            shape.optional_output("probability"),
            ports=shape,
        )

    def transform(self, frame: Frame) -> Frame:
        if self.probability_col is None:
            return super().transform(frame)
        model = self.mixture
        with np.errstate(all="ignore"):
            features = vector_column(frame, self.features_col, model.num_features, reader_of(self))
            probability = model.probability_batch(features)
        frame[self.probability_col] = probability
        frame[self.prediction_col] = argmax_batch(probability)
        return frame

    def row_step(self) -> RowStep:
        probability_col = self.probability_col
        if probability_col is None:
            return super().row_step()
        model = self.mixture
        features_of = vector_row_function(self.features_col, model.num_features, reader_of(self))
        to_probability = model.probability_row_function()
        target = self.prediction_col

        def score(row: Row) -> None:
            probability = to_probability(features_of(row))
            row[probability_col] = probability
            row[target] = argmax_row(probability)

        return score

    def stored_model(self) -> StoredModel:
        model = self.mixture
        return stored_model(
            [g.mean for g in model.gaussians],
            [g.covariance for g in model.gaussians],
            model.weights,
        )

    def store(self) -> StoredNode:
        outputs = [("prediction", self.prediction_col)]
        if self.probability_col is not None:
            outputs.append(("probability", self.probability_col))
        return predictor_node(self.name, self.features_col, outputs, self.stored_model())


def stored_model(
    means: Sequence[Sequence[float]],
    covariances: Sequence[Sequence[Sequence[float]]],
    weights: Sequence[float],
) -> StoredModel:
    """The ``gaussian_mixture`` model MLeap writes: ``means``, ``covs`` (column-major values
    under the shape ``[n, n]``, Spark's ``Matrix.toArray``) and ``weights``."""
    covs = []
    for rows in covariances:
        n = len(rows)
        covs.append(attr.tensor("double", (n, n), [rows[r][c] for c in range(n) for r in range(n)]))
    attributes = {
        "means": attr.tensor_list([attr.vector(mean) for mean in means]),
        "covs": attr.tensor_list(covs),
        "weights": attr.double_list(weights),
    }
    return StoredModel("gaussian_mixture", attributes)
