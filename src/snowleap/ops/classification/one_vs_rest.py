"""``one_vs_rest``: mirrors MLeap's ``OneVsRestModel`` (Spark's ``OneVsRestModel``).

The node's model holds ``num_classes`` and ``num_features``, and one binary classifier per
class in the sub-folders ``model0``, ``model1``... (model files of any classifier op snowleap
has). Per class ``i``, MLeap takes from classifier ``i``:

* a probabilistic classifier: its raw score of class 1 (``raw_prediction[i]``) and its
  probability of class 1 (the score the classes compete on);
* a linear SVC (not probabilistic in MLeap): its 0/1 prediction, for both.

The prediction is the first class of the highest score; ``probability`` (when wired) is that
score, a scalar, as MLeap's runtime writes it (Spark's model has no probability column).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.definitions import NodeShape, Socket
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.classification.linear_svc import LinearSVCOp
from snowleap.ops.classification.probabilistic import ProbabilisticClassifierOp
from snowleap.ops.linalg import sequential_dot
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

#: how a classifier inside is wired when it is loaded: every output its op can give
_INNER_SHAPE = NodeShape(
    (Socket("features", "features"),),
    (
        Socket("raw_prediction", "raw_prediction"),
        Socket("probability", "probability"),
        Socket("prediction", "prediction"),
    ),
)

BinaryClassifier = ProbabilisticClassifierOp | LinearSVCOp
#: one row's features -> (raw score, competing score) of one class
RowScores = Callable[[list[float]], tuple[float, float]]


def _scores_batch(classifier: BinaryClassifier, features: FloatArray) -> tuple[Any, Any]:
    if isinstance(classifier, LinearSVCOp):
        predicted = classifier.predict_batch(features)
        return predicted, predicted
    model = classifier.model
    raw = model.raw_batch(features)
    return raw[:, 1], model.probability_batch(raw)[:, 1]


def _scores_row(classifier: BinaryClassifier) -> RowScores:
    if isinstance(classifier, LinearSVCOp):
        coefficients, intercept = classifier.coefficients, classifier.intercept
        threshold = classifier.threshold

        def predicted(x: list[float]) -> tuple[float, float]:
            value = 1.0 if sequential_dot(x, coefficients) + intercept > threshold else 0.0
            return value, value

        return predicted
    model = classifier.model
    raw_of, to_probability = model.raw_row_function(), model.probability_row

    def probabilistic(x: list[float]) -> tuple[float, float]:
        raw = raw_of(x)
        return raw[1], to_probability(raw)[1]

    return probabilistic


class OneVsRestOp(Op):
    op_name = "one_vs_rest"

    def __init__(
        self,
        name: str,
        features_col: str,
        raw_col: str | None,
        probability_col: str | None,
        prediction_col: str,
        classifiers: list[BinaryClassifier],
        num_features: int,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        outputs = []
        if probability_col is not None:
            outputs.append(Field(probability_col, DOUBLE))
        if raw_col is not None:
            outputs.append(Field(raw_col, vector(len(classifiers))))
        outputs.append(Field(prediction_col, DOUBLE))
        super().__init__(name, [Field(features_col, vector(num_features))], outputs, ports=ports)
        self.features_col = features_col
        self.raw_col = raw_col
        self.probability_col = probability_col
        self.prediction_col = prediction_col
        self.classifiers = classifiers
        self.num_features = num_features

    @classmethod
    def from_bundle(cls, node: NodeContext) -> OneVsRestOp:
        attributes = node.attributes
        num_classes = attributes.get_long("num_classes")
        num_features = attributes.get_long("num_features")
        if num_classes < 1:
            raise BundleError(f"{node.where}: 'num_classes' should be at least 1")
        classifiers: list[BinaryClassifier] = []
        for i in range(num_classes):
            inner = node.load_sub_model(f"model{i}", _INNER_SHAPE)
            if not isinstance(inner, (ProbabilisticClassifierOp, LinearSVCOp)):
                raise BundleError(
                    f"{node.where}/model{i}: op {inner.op_name!r} is not a classifier "
                    "one_vs_rest can use"
                )
            width = inner.inputs[0].type.size
            if width != num_features:
                raise BundleError(
                    f"{node.where}/model{i}: the classifier reads {width} features, "
                    f"'num_features' is {num_features}"
                )
            classifiers.append(inner)
        shape = node.shape
        return cls(
            node.name,
            shape.input("features", node.node_where),
            shape.optional_output("raw_prediction"),
            shape.optional_output("probability"),
            shape.output("prediction", node.node_where),
            classifiers,
            num_features,
            ports=shape,
        )

    def transform(self, frame: Frame) -> Frame:
        with np.errstate(all="ignore"):
            features = vector_column(frame, self.features_col, self.num_features, reader_of(self))
            rows = features.shape[0]
            raw = np.empty((rows, len(self.classifiers)))
            best = np.full(rows, -np.inf)
            prediction = np.zeros(rows)
            first = True
            for i, classifier in enumerate(self.classifiers):
                raw[:, i], score = _scores_batch(classifier, features)
                # NOTE: Scala's maxBy keeps the first of equal scores; a NaN never beats one.
                better = np.ones(rows, dtype=bool) if first else score > best
                best = np.where(better, score, best)
                prediction = np.where(better, float(i), prediction)
                first = False
        if self.probability_col is not None:
            frame[self.probability_col] = best
        if self.raw_col is not None:
            frame[self.raw_col] = raw
        frame[self.prediction_col] = prediction
        return frame

    def row_step(self) -> RowStep:
        features_of = vector_row_function(self.features_col, self.num_features, reader_of(self))
        scorers = [_scores_row(classifier) for classifier in self.classifiers]
        raw_col, probability_col, target = self.raw_col, self.probability_col, self.prediction_col

        def score(row: Row) -> None:
            x = features_of(row)
            raw: list[float] = []
            best, prediction = 0.0, 0.0
            for i, scorer in enumerate(scorers):
                margin, value = scorer(x)
                raw.append(margin)
                if i == 0 or value > best:
                    best, prediction = value, float(i)
            if probability_col is not None:
                row[probability_col] = best
            if raw_col is not None:
                row[raw_col] = raw
            row[target] = prediction

        return score

    def describe(self) -> dict[str, Any]:
        described = super().describe()
        described["classifiers"] = [classifier.op_name for classifier in self.classifiers]
        return described

    def store(self) -> StoredNode:
        ports = (
            ("probability", self.probability_col),
            ("raw_prediction", self.raw_col),
            ("prediction", self.prediction_col),
        )
        outputs = [(port, column) for port, column in ports if column is not None]
        model = stored_model(
            [classifier.stored_model() for classifier in self.classifiers], self.num_features
        )
        return predictor_node(self.name, self.features_col, outputs, model)


def stored_model(classifiers: list[StoredModel], num_features: int) -> StoredModel:
    """The model MLeap writes: the counts, and each classifier's model in ``model<i>``."""
    attributes = {
        "num_classes": attr.long(len(classifiers)),
        "num_features": attr.long(num_features),
    }
    sub_models = {f"model{i}": model for i, model in enumerate(classifiers)}
    return StoredModel("one_vs_rest", attributes, sub_models=sub_models)
