"""``multi_layer_perceptron_classifier``: mirrors MLeap's ``MultiLayerPerceptronClassifierModel``
(Spark's ``MultilayerPerceptronClassificationModel`` and its feed-forward network).

The model stores ``layers`` (the width of each layer, features first, classes last), one flat
``weights`` vector and optional ``thresholds``. Each pair of layers is an affine layer whose
weights are ``out * in`` values of ``W`` (column-major, Breeze's ``DenseMatrix``) then ``out``
biases; hidden layers apply the logistic function, the last layer's outputs are the raw scores
(``rawPrediction``) and their softmax the probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
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
)
from snowleap.ops.classification.probability_math import (
    sigmoid_batch,
    sigmoid_row,
    softmax_batch,
    softmax_row,
)
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

#: one affine layer: its rows of weights (one per output) and biases
Layer = tuple[list[list[float]], list[float]]


def unpack_layers(sizes: Sequence[int], weights: Sequence[float]) -> list[Layer]:
    """The affine layers of Spark's flat weight vector; ``ValueError`` if the sizes disagree."""
    expected = sum(n_in * n_out + n_out for n_in, n_out in pairwise(sizes))
    if len(weights) != expected:
        raise ValueError(f"layers {list(sizes)} take {expected} weights, found {len(weights)}")
    layers: list[Layer] = []
    offset = 0
    for n_in, n_out in pairwise(sizes):
        # NOTE: column-major: W[i][j] is at offset + j * n_out + i.
        rows = [[weights[offset + j * n_out + i] for j in range(n_in)] for i in range(n_out)]
        offset += n_in * n_out
        layers.append((rows, list(weights[offset : offset + n_out])))
        offset += n_out
    return layers


class MultiLayerPerceptron(ProbabilisticClassifier):
    """Affine layer ``b + W h`` (BLAS ``gemm``: the products added onto the bias, input by
    input); logistic hidden layers; softmax of the last layer's scores, shifted by their largest
    value (from the JVM's lowest double, so a NaN never becomes the maximum)."""

    def __init__(
        self, sizes: list[int], weights: list[float], thresholds: tuple[float, ...] | None
    ) -> None:
        super().__init__(sizes[0], sizes[-1], thresholds)
        self.sizes = sizes
        self.weights = weights
        self.layers = unpack_layers(sizes, weights)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        values = features
        last = len(self.layers) - 1
        for index, (rows, biases) in enumerate(self.layers):
            out = np.empty((values.shape[0], len(rows)))
            for i, (row, bias) in enumerate(zip(rows, biases, strict=True)):
                out[:, i] = sequential_dot_batch(values, row, bias)
            values = out if index == last else sigmoid_batch(out)
        return values

    def raw_row_function(self) -> RawRowFunction:
        layers = [list(zip(rows, biases, strict=True)) for rows, biases in self.layers]
        hidden, top = layers[:-1], layers[-1]

        def raw(x: list[float]) -> list[float]:
            values = x
            for layer in hidden:
                values = [sigmoid_row(sequential_dot(values, row, b)) for row, b in layer]
            return [sequential_dot(values, row, b) for row, b in top]

        return raw

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        return softmax_batch(raw)

    def probability_row(self, raw: list[float]) -> list[float]:
        return softmax_row(raw)


class MultiLayerPerceptronClassifierOp(ProbabilisticClassifierOp):
    op_name = "multi_layer_perceptron_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> MultiLayerPerceptronClassifierOp:
        attributes = node.attributes
        sizes = attributes.get_long_list("layers")
        if len(sizes) < 2 or any(size < 1 for size in sizes):
            raise BundleError(f"{node.where}: 'layers' {sizes} should be two or more widths >= 1")
        weights = attributes.get_double_vector("weights")
        thresholds = None
        if "thresholds" in attributes:
            thresholds = tuple(attributes.get_double_list("thresholds"))
            if len(thresholds) != sizes[-1]:
                raise BundleError(
                    f"{node.where}: 'thresholds' has {len(thresholds)} values for "
                    f"{sizes[-1]} classes"
                )
        try:
            model = MultiLayerPerceptron(sizes, weights, thresholds)
        except ValueError as exc:
            raise BundleError(f"{node.where}: {exc}") from None
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, MultiLayerPerceptron), "from_bundle builds a MultiLayerPerceptron"
        return stored_model(model.sizes, model.weights, model.thresholds)


def stored_model(
    sizes: Sequence[int], weights: Sequence[float], thresholds: Sequence[float] | None
) -> StoredModel:
    """The model MLeap reads: ``layers`` (longs), ``weights`` (a vector), ``thresholds`` if set."""
    attributes: dict[str, Value] = {
        "layers": attr.long_list(sizes),
        "weights": attr.vector(weights),
    }
    if thresholds is not None:
        attributes["thresholds"] = attr.double_list(thresholds)
    return StoredModel("multi_layer_perceptron_classifier", attributes)
