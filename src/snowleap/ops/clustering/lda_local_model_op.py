"""``lda_local_model_op``: a document's topic distribution; mirrors MLeap's ``LocalLDAModel``
(Spark's ``LocalLDAModel.transform``, ``lda_inference``).

Port ``features`` in: a vector of ``vocabSize`` term counts (dense or sparse); ``prediction``
out: a vector of ``k`` topic probabilities (Spark's ``topicDistributionCol``).

MLeap's model stores ``vocabSize`` (int), ``docConcentration`` (a double per topic, Spark's
estimated alpha), ``topicConcentration`` and ``topicMatrix``: Spark's ``topicsMatrix`` (vocabulary
rows by topic columns) as its column-major values under the shape ``[vocabSize, k]``. MLeap
assumes ``gammaShape`` 100 and draws each document's start unseeded; Spark draws it from a
generator seeded with the model's seed. snowleap's writer adds ``gamma_shape`` and ``seed`` (which
MLeap's runtime ignores); a bundle without them (MLeap's) is scored with Spark's gamma shape 100
and the seed every Spark 3.5/4.x ``LocalLDAModel`` infers with, so it gives Spark's numbers.

Both paths score each document with the same plain-Python inference (a document's iterations
depend on its own counts, so a batch is a loop over its rows). Term counts must not be negative
(Spark computes on regardless; snowleap refuses, naming the column and row); NaN flows through
as on the JVM.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.clustering.lda_inference import (
    DEFAULT_GAMMA_SHAPE,
    MAX_ROUNDS,
    SPARK_MODEL_SEED,
    TopicInference,
)
from snowleap.ops.sparse import SparseRows, SparseVector
from snowleap.ops.vectors import features_column, features_row_function, reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

DistributionOf = Callable[[Sequence[int], Sequence[float], str], list[float]]


class LdaLocalModelOp(Op):
    op_name = "lda_local_model_op"

    def __init__(
        self,
        name: str,
        features_col: str,
        prediction_col: str,
        model: TopicInference,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(features_col, vector(model.vocab_size))],
            [Field(prediction_col, vector(model.k))],
            ports=ports,
        )
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def from_bundle(cls, node: NodeContext) -> Self:
        attributes = node.attributes
        vocab_size = attributes.get_int("vocabSize")
        alpha = attributes.get_double_list("docConcentration")
        topics = attributes.get_double_matrix("topicMatrix", column_major=True)
        k = len(topics[0]) if topics else 0
        if len(topics) != vocab_size or k == 0 or len(alpha) != k:
            raise BundleError(
                f"{node.where}: 'topicMatrix' of {len(topics)} x {k} for 'vocabSize' "
                f"{vocab_size} and {len(alpha)} 'docConcentration' values: it must be "
                f"vocabSize x k, with one concentration per topic (k > 0)"
            )
        if not all(a > 0.0 for a in alpha) or not all(w > 0.0 for row in topics for w in row):
            raise BundleError(
                f"{node.where}: 'docConcentration' and 'topicMatrix' must be positive (Spark's "
                f"Dirichlet parameters)"
            )
        gamma_shape = attributes.get_double("gamma_shape", DEFAULT_GAMMA_SHAPE)
        if not (gamma_shape > 0.0 and math.isfinite(gamma_shape)):
            raise BundleError(f"{node.where}: 'gamma_shape' must be positive, got {gamma_shape}")
        seed = attributes.get_long("seed", SPARK_MODEL_SEED)
        model = TopicInference(
            topics, alpha, attributes.get_double("topicConcentration"), gamma_shape, seed
        )
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            model,
            ports=node.shape,
        )

    def _distribution_function(self) -> DistributionOf:
        model = self.model
        column = self.features_col
        reader = reader_of(self)

        def distribution(ids: Sequence[int], counts: Sequence[float], where: str) -> list[float]:
            if any(count < 0.0 for count in counts):
                raise InputError(
                    f"column {column!r}{where}: a term count is negative; LDA scores counts "
                    f"of words ({reader})"
                )
            result = model.distribution(ids, counts)
            if result is None:
                raise InputError(
                    f"column {column!r}{where}: the topic inference did not converge in "
                    f"{MAX_ROUNDS} rounds ({reader})"
                )
            return result

        return distribution

    def transform(self, frame: Frame) -> Frame:
        values = features_column(frame, self.features_col, self.model.vocab_size, reader_of(self))
        distribution = self._distribution_function()
        rows: list[list[float]] = []
        if isinstance(values, SparseRows):
            pointers = values.indptr.tolist()
            indices = values.indices.tolist()
            counts = values.values.tolist()
            for r in range(len(pointers) - 1):
                start, end = pointers[r], pointers[r + 1]
                ids, cts = _non_zeros(indices[start:end], counts[start:end])
                rows.append(distribution(ids, cts, f", row {r}"))
        else:
            for r, dense in enumerate(values.tolist()):
                ids, cts = _non_zeros(range(len(dense)), dense)
                rows.append(distribution(ids, cts, f", row {r}"))
        result = np.array(rows, dtype=np.float64).reshape(len(rows), self.model.k)
        frame[self.prediction_col] = result
        return frame

    def row_step(self) -> RowStep:
        features_of = features_row_function(
            self.features_col, self.model.vocab_size, reader_of(self)
        )
        distribution = self._distribution_function()
        target = self.prediction_col

        def score(row: Row) -> None:
            values = features_of(row)
            if values.__class__ is SparseVector:
                assert isinstance(values, SparseVector)
                ids, cts = _non_zeros(values.indices, values.values)
            else:
                assert isinstance(values, list)
                ids, cts = _non_zeros(range(len(values)), values)
            row[target] = distribution(ids, cts, "")

        return score

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "num_topics": self.model.k,
            "vocab_size": self.model.vocab_size,
        }

    def store(self) -> StoredNode:
        model = self.model
        stored = stored_model(
            model.topics,
            model.doc_concentration,
            model.topic_concentration,
            model.gamma_shape,
            model.seed,
        )
        return predictor_node(
            self.name, self.features_col, [("prediction", self.prediction_col)], stored
        )


def _non_zeros(indices: Sequence[int], counts: Sequence[float]) -> tuple[list[int], list[float]]:
    """The words of non-zero count (NaN is non-zero, as for Spark's ``numNonzeros``)."""
    ids = [i for i, count in zip(indices, counts, strict=True) if count != 0.0]
    cts = [float(count) for count in counts if count != 0.0]
    return ids, cts


def stored_model(
    topics: Sequence[Sequence[float]],
    doc_concentration: Sequence[float],
    topic_concentration: float,
    gamma_shape: float = DEFAULT_GAMMA_SHAPE,
    seed: int = SPARK_MODEL_SEED,
) -> StoredModel:
    """The ``lda_local_model_op`` model MLeap writes (``vocabSize``, ``docConcentration``,
    ``topicConcentration``, ``topicMatrix`` column-major under ``[vocabSize, k]``) with
    snowleap's ``gamma_shape`` and ``seed``."""
    vocab_size = len(topics)
    k = len(doc_concentration)
    column_major = [topics[w][t] for t in range(k) for w in range(vocab_size)]
    attributes = {
        "vocabSize": attr.int32(vocab_size),
        "docConcentration": attr.double_list(doc_concentration),
        "topicConcentration": attr.double(topic_concentration),
        "topicMatrix": attr.tensor("double", (vocab_size, k), column_major),
        "gamma_shape": attr.double(gamma_shape),
        "seed": attr.long(seed),
    }
    return StoredModel("lda_local_model_op", attributes)
