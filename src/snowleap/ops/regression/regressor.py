"""What every regressor shares: the math's interface, and the frame plumbing (port ``features``
in, ``prediction`` out) that mirrors MLeap's regression transformers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowleap.ops.base import DOUBLE, Op, Pieces, RowStep, chain_steps, fed_pieces
from snowleap.ops.predictor import PredictionOp

if TYPE_CHECKING:
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

    def compiled_row_step(
        self,
        pieces: Pieces,
        assembled: str | None,
        target: str,
        fallback: RowStep,
    ) -> RowStep | None:
        """A row step (one C call) predicting from the features in ``pieces`` of the row
        (column, width; 0 a scalar) into ``target``, storing them as list ``assembled`` unless
        that is ``None``; rows of another shape go to ``fallback``, the same in Python.
        ``None`` where the model has no such step."""
        return None

    def describe(self) -> dict[str, Any]:
        """What ``snowleap inspect`` shows of the model beyond its ports."""
        return {}


class RegressorOp(PredictionOp[Regressor]):
    """Frame plumbing of every regressor: the node's ``features`` vector in, ``prediction`` out."""

    prediction_type = DOUBLE

    def row_step(self) -> RowStep:
        plain = super().row_step()
        features = ((self.features_col, self.model.num_features),)
        compiled = self.model.compiled_row_step(features, None, self.prediction_col, plain)
        return plain if compiled is None else compiled

    def row_step_after(self, producer: Op) -> RowStep | None:
        # NOTE: a vector assembler feeding the trees costs as much as the walk itself in Python
        # (a frame, a list built piece by piece, a dict write and read): one C call does both.
        pieces = fed_pieces(producer, self.features_col)
        if pieces is None:
            return None
        both = chain_steps([producer.row_step(), super().row_step()])
        return self.model.compiled_row_step(pieces, self.features_col, self.prediction_col, both)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), **self.model.describe()}
