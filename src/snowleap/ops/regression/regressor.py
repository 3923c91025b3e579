"""What every regressor shares: the math's interface, and the frame plumbing (port ``features``
in, ``prediction`` out) that mirrors MLeap's regression transformers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class Regressor(ABC):
    """The math of a regression model: one prediction per row of ``num_features`` features."""

    def __init__(self, num_features: int) -> None:
        self.num_features = num_features

    @abstractmethod
    def predict_batch(self, features: FloatArray) -> FloatArray:
        """One prediction per row of a (rows, features) batch."""

    @abstractmethod
    def predict_row_function(self) -> Callable[[list[float]], float]:
        """A function from one row's features to its prediction, prepared once."""

    def describe(self) -> dict[str, Any]:
        """What ``snowleap inspect`` shows of the model beyond its ports."""
        return {}


class RegressorOp(Op):
    """Frame plumbing of every regressor: the node's ``features`` vector in, ``prediction`` out."""

    def __init__(
        self,
        name: str,
        features_col: str,
        prediction_col: str,
        model: Regressor,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(features_col, vector(model.num_features))],
            [Field(prediction_col, DOUBLE)],
            ports=ports,
        )
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def wired(cls, node: NodeContext, model: Regressor) -> Self:
        """The op for ``node``'s sockets (MLeap's port names), scoring with ``model``."""
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            model,
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        # NOTE: an infinite value times a zero weight gives NaN silently, as on the JVM.
        with np.errstate(all="ignore"):
            width = self.model.num_features
            features = vector_column(frame, self.features_col, width, reader_of(self))
            frame[self.prediction_col] = self.model.predict_batch(features)
        return frame

    def row_step(self) -> RowStep:
        width = self.model.num_features
        features_of = vector_row_function(self.features_col, width, reader_of(self))
        target = self.prediction_col
        predict = self.model.predict_row_function()

        def score(row: Row) -> None:
            row[target] = predict(features_of(row))

        return score

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), **self.model.describe()}

    @abstractmethod
    def stored_model(self) -> StoredModel:
        """The model file of this regressor's node (its op's attributes, trees...)."""

    def store(self) -> StoredNode:
        outputs = [("prediction", self.prediction_col)]
        return predictor_node(self.name, self.features_col, outputs, self.stored_model())
