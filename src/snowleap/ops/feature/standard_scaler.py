"""``standard_scaler``: centres and/or scales a vector; mirrors MLeap's ``StandardScalerModel``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from snowleap.errors import BundleError
from snowleap.ops.base import Field, Frame, Op, Row, RowStep, vector

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class StandardScaling:
    """``(x - mean) * (1 / std)``, where a zero std gives 0 (Spark's rule, kept by MLeap).

    With a mean only, ``x - mean``; with a std only, ``x * (1 / std)``.
    """

    mean: FloatArray | None
    std: FloatArray | None

    @property
    def size(self) -> int:
        reference = self.std if self.std is not None else self.mean
        assert reference is not None
        return len(reference)

    @property
    def factors(self) -> FloatArray | None:
        if self.std is None:
            return None
        with np.errstate(divide="ignore"):
            return np.where(self.std != 0.0, 1.0 / self.std, 0.0)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        factors = self.factors
        if self.mean is not None:
            centred = values - self.mean
            if factors is None:
                return centred
            # NOTE: a zero std gives 0 even for NaN or infinite input when centring (MLeap's rule).
            return np.where(self.std != 0.0, centred * factors, 0.0)
        assert factors is not None
        return values * factors

    def row_function(self) -> tuple[list[float] | None, list[float] | None, list[bool] | None]:
        """Plain-Python copies of the parameters, for the row path."""
        factors = self.factors
        return (
            None if self.mean is None else self.mean.tolist(),
            None if factors is None else factors.tolist(),
            None if self.std is None else (self.std != 0.0).tolist(),
        )


class StandardScalerOp(Op):
    op_name = "standard_scaler"

    def __init__(
        self, name: str, input_col: str, output_col: str, scaling: StandardScaling
    ) -> None:
        size = scaling.size
        super().__init__(name, [Field(input_col, vector(size))], [Field(output_col, vector(size))])
        self.input_col = input_col
        self.output_col = output_col
        self.scaling = scaling

    @classmethod
    def from_bundle(cls, node: NodeContext) -> StandardScalerOp:
        attributes = node.attributes
        mean = attributes.get_double_vector("mean") if "mean" in attributes else None
        std = attributes.get_double_vector("std") if "std" in attributes else None
        if mean is None and std is None:
            raise BundleError(f"{node.where}: standard_scaler needs a 'mean' or a 'std' attribute")
        if mean is not None and std is not None and len(mean) != len(std):
            raise BundleError(
                f"{node.where}: standard_scaler 'mean' has {len(mean)} values, 'std' {len(std)}"
            )
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            StandardScaling(mean=mean, std=std),
        )

    def transform(self, frame: Frame) -> Frame:
        frame[self.output_col] = self.scaling.apply_batch(frame[self.input_col])
        return frame

    def row_step(self) -> RowStep:
        source, target = self.input_col, self.output_col
        mean, factors, nonzero = self.scaling.row_function()
        if mean is None:
            assert factors is not None

            def scale(row: Row) -> None:
                row[target] = [x * f for x, f in zip(row[source], factors, strict=True)]

            return scale
        if factors is None:

            def centre(row: Row) -> None:
                row[target] = [x - m for x, m in zip(row[source], mean, strict=True)]

            return centre
        assert nonzero is not None
        params = list(zip(mean, factors, nonzero, strict=True))

        def standardise(row: Row) -> None:
            row[target] = [
                (x - m) * f if keep else 0.0
                for x, (m, f, keep) in zip(row[source], params, strict=True)
            ]

        return standardise
