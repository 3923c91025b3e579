"""Raw prediction -> probability -> prediction, shared by every classifier.

Mirrors MLeap's ``ProbabilisticClassificationModel`` (a port of Spark's) and the classifier
transformers (``DecisionTreeClassifier``, ``LogisticRegression``, ...) that pick the prediction
rule by which outputs the node wires:

* ``probability`` wired (with or without ``raw_prediction``): prediction from the probabilities;
* only ``raw_prediction`` wired: prediction from the raw scores;
* neither: the model's plain ``predict``.

Without thresholds a prediction is Spark's ``argmax`` (first index of the largest value, where a
NaN never wins unless it comes first); with thresholds it is the argmax of ``p / t`` per class,
``t == 0`` counting as infinity. Models override the rules where MLeap does (binary logistic
regression, GBT). Each rule exists for a batch (numpy, vectorised over rows) and for one row
(plain Python floats), written with the same operations in the same order so both give identical
numbers. ``exp`` is libm's (``math.exp``) in both paths, element by element in a batch:
``numpy.exp`` differs from it in the last bit for some inputs (about 5% of normal draws, with
numpy's SIMD kernels), and the row path must not import numpy.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Pieces, Row, RowStep, fed_pieces, vector
from snowleap.ops.classification.probability_math import (
    argmax_batch,
    argmax_row,
    normalize_batch,
    normalize_row,
)
from snowleap.ops.vectors import (
    features_column,
    features_row_function,
    reader_of,
    vector_column,
    vector_row_function,
)

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import ModelContext, NodeContext
    from snowleap.bundle.store import StoredModel, StoredNode
    from snowleap.numeric import FloatArray

# NOTE: one row's features: a list of floats, or a SparseVector for models that read sparse.
RawRowFunction = Callable[[Any], list[float]]
# NOTE: raw scores from a whole row dict; None hands the row back (see assembled_raw_function).
RawFrom = Callable[[Row], list[float] | None]


class ProbabilisticClassifier(ABC):
    """The math of a classifier that scores raw values, turns them into probabilities, predicts.

    Subclasses give the raw scores and the raw-to-probability rule for both paths; the
    prediction rules default to Spark's and can be overridden.
    """

    #: whether ``raw_batch`` and the raw row function take sparse vectors as they are
    #: (``SparseRows``, ``SparseVector``); other models get them expanded.
    reads_sparse = False

    def __init__(
        self, num_features: int, num_classes: int, thresholds: tuple[float, ...] | None
    ) -> None:
        self.num_features = num_features
        self.num_classes = num_classes
        self.thresholds = thresholds

    # -- what each model provides ----------------------------------------------------------------

    @abstractmethod
    def raw_batch(self, features: FloatArray) -> FloatArray:
        """Raw scores (``rawPrediction``) of shape (rows, classes) for a (rows, features) batch."""

    @abstractmethod
    def raw_row_function(self) -> RawRowFunction:
        """A function from one row's features to its raw scores, prepared once."""

    def assembled_raw_function(self, pieces: Pieces, assembled: str) -> RawFrom | None:
        """Raw scores from a row dict's ``pieces``, stored as list ``assembled`` on the way, in
        one C call (``None`` for a row of another shape); ``None`` where there is no such call."""
        return None

    @abstractmethod
    def probability_batch(self, raw: FloatArray) -> FloatArray:
        """Probabilities from raw scores, as a new array (``raw`` is left untouched)."""

    @abstractmethod
    def probability_row(self, raw: list[float]) -> list[float]:
        """Probabilities from one row's raw scores, as a new list."""

    # -- prediction rules (Spark's defaults) -----------------------------------------------------

    def probability_prediction_batch(self, probability: FloatArray) -> FloatArray:
        """``probabilityToPrediction``: argmax of the probabilities, scaled by the thresholds."""
        if self.thresholds is None:
            return argmax_batch(probability)
        scaled = np.empty_like(probability)
        for k, threshold in enumerate(self.thresholds):
            scaled[:, k] = math.inf if threshold == 0.0 else probability[:, k] / threshold
        return argmax_batch(scaled)

    def probability_prediction_row(self, probability: list[float]) -> float:
        thresholds = self.thresholds
        if thresholds is None:
            return argmax_row(probability)
        return argmax_row(
            [math.inf if t == 0.0 else p / t for p, t in zip(probability, thresholds, strict=True)]
        )

    def raw_prediction_batch(self, raw: FloatArray) -> FloatArray:
        """``rawToPrediction``: via the probabilities with thresholds, else argmax of the raw."""
        if self.thresholds is None:
            return argmax_batch(raw)
        return self.probability_prediction_batch(self.probability_batch(raw))

    def raw_prediction_row(self, raw: list[float]) -> float:
        if self.thresholds is None:
            return argmax_row(raw)
        return self.probability_prediction_row(self.probability_row(raw))

    def predict_batch(self, raw: FloatArray) -> FloatArray:
        """``predict``, used when neither raw scores nor probabilities are wired."""
        return self.probability_prediction_batch(self.probability_batch(raw))

    def predict_row(self, raw: list[float]) -> float:
        return self.probability_prediction_row(self.probability_row(raw))


class NormalizedProbabilities(ProbabilisticClassifier):
    """Probabilities are the raw scores divided by their sum (tree classifiers' rule)."""

    def probability_batch(self, raw: FloatArray) -> FloatArray:
        return normalize_batch(raw)

    def probability_row(self, raw: list[float]) -> list[float]:
        return normalize_row(raw)


def read_thresholds(model: ModelContext, num_classes: int) -> tuple[float, ...] | None:
    """The optional ``thresholds`` attribute, one per class (MLeap requires the match too)."""
    if "thresholds" not in model.attributes:
        return None
    thresholds = tuple(model.attributes.get_double_list("thresholds"))
    if len(thresholds) != num_classes:
        raise BundleError(
            f"{model.where}: 'thresholds' has {len(thresholds)} values for {num_classes} classes"
        )
    return thresholds


def read_num_classes(model: ModelContext) -> int:
    """The ``num_classes`` attribute; 1 is possible (Spark fitted on a single label)."""
    count = model.attributes.get_long("num_classes")
    if count < 1:
        raise BundleError(f"{model.where}: 'num_classes' should be at least 1, got {count}")
    return count


class ProbabilisticClassifierOp(Op):
    """Frame plumbing of every classifier: ports ``features`` in; ``raw_prediction`` and
    ``probability`` out when the node wires them (and only then computed); ``prediction`` out."""

    def __init__(
        self,
        name: str,
        features_col: str,
        raw_col: str | None,
        probability_col: str | None,
        prediction_col: str,
        model: ProbabilisticClassifier,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        width = model.num_classes
        outputs = [
            Field(col, vector(width)) for col in (raw_col, probability_col) if col is not None
        ]
        outputs.append(Field(prediction_col, DOUBLE))
        super().__init__(
            name, [Field(features_col, vector(model.num_features))], outputs, ports=ports
        )
        self.features_col = features_col
        self.raw_col = raw_col
        self.probability_col = probability_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def wired(cls, node: NodeContext, model: ProbabilisticClassifier) -> Self:
        """The op for ``node``'s sockets (MLeap's port names), scoring with ``model``."""
        shape = node.shape
        return cls(
            node.name,
            shape.input("features", node.node_where),
            shape.optional_output("raw_prediction"),
            shape.optional_output("probability"),
            shape.output("prediction", node.node_where),
            model,
            ports=shape,
        )

    def transform(self, frame: Frame) -> Frame:
        model = self.model
        # NOTE: inf * 0, overflow and the like give NaN / inf silently, as on the JVM.
        with np.errstate(all="ignore"):
            read = features_column if model.reads_sparse else vector_column
            features: Any = read(frame, self.features_col, model.num_features, reader_of(self))
            raw = model.raw_batch(features)
            if self.raw_col is not None:
                frame[self.raw_col] = raw
            if self.probability_col is not None:
                probability = model.probability_batch(raw)
                frame[self.probability_col] = probability
                frame[self.prediction_col] = model.probability_prediction_batch(probability)
            elif self.raw_col is not None:
                frame[self.prediction_col] = model.raw_prediction_batch(raw)
            else:
                frame[self.prediction_col] = model.predict_batch(raw)
        return frame

    def row_step(self) -> RowStep:
        return self._scoring_step(None, None)

    def row_step_after(self, producer: Op) -> RowStep | None:
        column = self.features_col
        pieces = fed_pieces(producer, column)
        raw_from = None if pieces is None else self.model.assembled_raw_function(pieces, column)
        if raw_from is None or self.probability_col is None:
            return None
        return self._scoring_step(raw_from, producer.row_step())

    def _scoring_step(self, raw_from: RawFrom | None, producer: RowStep | None) -> RowStep:
        """The row step; raw scores from ``raw_from``, or ``producer``'s step and this op's."""
        model = self.model
        row_reader = features_row_function if model.reads_sparse else vector_row_function
        features_of = row_reader(self.features_col, model.num_features, reader_of(self))
        raw_col, probability_col, target = self.raw_col, self.probability_col, self.prediction_col
        source, width = self.features_col, model.num_features
        raw_of = model.raw_row_function()
        if probability_col is not None:
            to_probability = model.probability_row
            predict = model.probability_prediction_row

            def score_probability(row: Row) -> None:
                raw = None if raw_from is None else raw_from(row)
                if raw is None:
                    if producer is not None:
                        producer(row)
                    values = row[source]
                    # NOTE: a right-width list is the common case; anything else is checked.
                    if values.__class__ is not list or len(values) != width:
                        values = features_of(row)
                    raw = raw_of(values)
                if raw_col is not None:
                    row[raw_col] = raw
                probability = to_probability(raw)
                row[probability_col] = probability
                row[target] = predict(probability)

            return score_probability
        rule = model.raw_prediction_row if raw_col is not None else model.predict_row

        def score(row: Row) -> None:
            raw = raw_of(features_of(row))
            if raw_col is not None:
                row[raw_col] = raw
            row[target] = rule(raw)

        return score

    def describe(self) -> dict[str, Any]:
        described = super().describe()
        described["num_classes"] = self.model.num_classes
        return described

    @abstractmethod
    def stored_model(self) -> StoredModel:
        """The model file of this classifier's node (its op's attributes, trees...)."""

    def store(self) -> StoredNode:
        # NOTE: imported here: writing a bundle is never on a cold start's path.
        from snowleap.bundle.store import predictor_node

        outputs = [
            (port, column)
            for port, column in (
                ("raw_prediction", self.raw_col),
                ("probability", self.probability_col),
                ("prediction", self.prediction_col),
            )
            if column is not None
        ]
        return predictor_node(self.name, self.features_col, outputs, self.stored_model())
