"""The frame plumbing shared by every op that maps one ``features`` vector to one prediction.

Regressors (a double) and clustering models (the cluster's index, an int) differ only in what
the prediction is and how ``inspect`` describes them; the ports, both paths and the stored node
are the same, so they live here once.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.numeric import np
from snowleap.ops.base import ColumnType, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray, FloatArray


class Predictor(Protocol):
    """The math behind a prediction op: one prediction per row of ``num_features`` features."""

    num_features: int

    def predict_batch(self, features: FloatArray) -> AnyArray: ...

    def predict_row_function(self) -> Callable[[list[float]], Any]: ...


ModelT = TypeVar("ModelT", bound=Predictor)


class PredictionOp(Op, Generic[ModelT]):
    """Port ``features`` in, ``prediction`` (of ``prediction_type``) out, scored by ``model``."""

    prediction_type: ClassVar[ColumnType]

    def __init__(
        self,
        name: str,
        features_col: str,
        prediction_col: str,
        model: ModelT,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(features_col, vector(model.num_features))],
            [Field(prediction_col, self.prediction_type)],
            ports=ports,
        )
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def wired(cls, node: NodeContext, model: ModelT) -> Self:
        """The op for ``node``'s sockets (MLeap's port names), scoring with ``model``."""
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            model,
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        # NOTE: infinities and NaN flow through silently (an infinite value times a zero weight
        # is NaN, a NaN distance is never the nearest), as on the JVM.
        with np.errstate(all="ignore"):
            width = self.model.num_features
            features = vector_column(frame, self.features_col, width, reader_of(self))
            frame[self.prediction_col] = self.model.predict_batch(features)
        return frame

    def row_step(self) -> RowStep:
        width = self.model.num_features
        features_of = vector_row_function(self.features_col, width, reader_of(self))
        source, target = self.features_col, self.prediction_col
        predict = self.model.predict_row_function()

        def score(row: Row) -> None:
            values = row[source]
            # NOTE: a list of the right width is the common case; anything else is checked.
            if values.__class__ is not list or len(values) != width:
                values = features_of(row)
            row[target] = predict(values)

        return score

    @abstractmethod
    def stored_model(self) -> StoredModel:
        """The model file of this node (its op's attributes, trees...)."""

    def store(self) -> StoredNode:
        outputs = [("prediction", self.prediction_col)]
        return predictor_node(self.name, self.features_col, outputs, self.stored_model())
