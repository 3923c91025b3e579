"""What every regressor shares: the math's interface, and the frame plumbing (port ``features``
in, ``prediction`` out) that mirrors MLeap's regression transformers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowleap.ops.base import DOUBLE
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

    def describe(self) -> dict[str, Any]:
        """What ``snowleap inspect`` shows of the model beyond its ports."""
        return {}


class RegressorOp(PredictionOp[Regressor]):
    """Frame plumbing of every regressor: the node's ``features`` vector in, ``prediction`` out."""

    prediction_type = DOUBLE

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), **self.model.describe()}
