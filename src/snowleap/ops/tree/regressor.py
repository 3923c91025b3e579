"""Frame plumbing shared by the tree regressors: port ``features`` in, ``prediction`` out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt

from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.tree.ensemble import FlatEnsemble
from snowleap.ops.vectors import reader_of, vector_column, vector_row_function

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

FloatArray = npt.NDArray[np.float64]


class TreeRegressor(ABC):
    """The math of a tree regressor: its trees' leaf values combined into one prediction."""

    def __init__(self, ensemble: FlatEnsemble, num_features: int) -> None:
        for tree in ensemble.trees:
            # NOTE: MLeap predicts ``values(0)``; regression trees write exactly one value.
            tree.check_leaf_width(1, "prediction value")
        self.ensemble = ensemble
        self.num_features = num_features
        self.leaf_value = ensemble.leaf_table(_prediction)

    def leaf_values_batch(self, features: FloatArray) -> FloatArray:
        """The leaf value each row reaches in each tree, of shape (rows, trees)."""
        return self.leaf_value[self.ensemble.leaf_nodes(features)]

    def leaf_values_row_function(self) -> Callable[[list[float]], list[Any]]:
        return self.ensemble.row_walker(_prediction)

    @abstractmethod
    def predict_batch(self, features: FloatArray) -> FloatArray:
        """One prediction per row of a (rows, features) batch."""

    @abstractmethod
    def predict_row_function(self) -> Callable[[list[float]], float]:
        """A function from one row's features to its prediction, prepared once."""


def _prediction(values: tuple[float, ...]) -> float:
    return values[0]


class TreeRegressorOp(Op):
    def __init__(self, name: str, features_col: str, prediction_col: str, model: TreeRegressor):
        super().__init__(
            name,
            [Field(features_col, vector(model.num_features))],
            [Field(prediction_col, DOUBLE)],
        )
        self.features_col = features_col
        self.prediction_col = prediction_col
        self.model = model

    @classmethod
    def wired(cls, node: NodeContext, model: TreeRegressor) -> Self:
        """The op for ``node``'s sockets (MLeap's port names), scoring with ``model``."""
        return cls(
            node.name,
            node.shape.input("features", node.node_where),
            node.shape.output("prediction", node.node_where),
            model,
        )

    def transform(self, frame: Frame) -> Frame:
        # NOTE: an infinite leaf times a zero weight gives NaN silently, as on the JVM.
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
        described = super().describe()
        described["num_trees"] = self.model.ensemble.num_trees
        return described
