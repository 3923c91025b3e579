"""``standard_scaler``: centres and/or scales a vector; mirrors MLeap's ``StandardScalerModel``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, partial
from operator import mul, sub
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import RowStep
from snowleap.ops.tree.compiled import compiled_walker
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes, Value
    from snowleap.numeric import FloatArray


class StandardScaling(VectorFunction):
    """``(x - mean) * (1 / std)``, where a zero std gives 0 (Spark's rule, kept by MLeap).

    With a mean only, ``x - mean``; with a std only, ``x * (1 / std)``.

    Example
    -------
    >>> StandardScaling([1.0, 1.0], [2.0, 0.0]).row_function()([3.0, 5.0])
    [1.0, 0.0]
    """

    def __init__(self, mean: list[float] | None, std: list[float] | None) -> None:
        reference = std if std is not None else mean
        if reference is None:
            raise ValueError("standard scaling needs a mean or a std")
        self.mean = mean
        self.std = std
        self.size = len(reference)
        self.factors: list[float] | None = None
        if std is not None:
            self.factors = [1.0 / s if s != 0.0 else 0.0 for s in std]

    @property
    def input_size(self) -> int:
        return self.size

    @property
    def output_size(self) -> int:
        return self.size

    @cached_property
    def _arrays(self) -> tuple[FloatArray | None, FloatArray | None, FloatArray | None]:
        """mean, factors and where the std is non-zero, as arrays (``None`` where absent)."""
        mean = None if self.mean is None else np.asarray(self.mean, dtype=np.float64)
        factors = None if self.factors is None else np.asarray(self.factors, dtype=np.float64)
        kept = None if self.std is None else np.asarray(self.std, dtype=np.float64) != 0.0
        return mean, factors, kept

    def apply_batch(self, values: FloatArray) -> FloatArray:
        mean, factors, kept = self._arrays
        with np.errstate(invalid="ignore", over="ignore"):
            if mean is not None:
                centred = values - mean
                if factors is None:
                    return centred
                # NOTE: a zero std gives 0 even for NaN or infinite input when centring (MLeap's
                # rule).
                assert kept is not None
                return np.where(kept, centred * factors, 0.0)
            assert factors is not None
            return values * factors

    def compiled_row_step(self, source: str, target: str, fallback: RowStep) -> RowStep | None:
        module = compiled_walker()
        if module is None or not hasattr(module, "affine_into"):
            return None
        mean = None if self.mean is None else tuple(self.mean)
        factors = None if self.factors is None else tuple(self.factors)
        if any(len(v) != self.size for v in (mean, factors) if v is not None):
            return None
        # NOTE: the zeros of a zero std apply when centring (``standardise``), as below.
        zeros = () if mean is None or self.std is None else self._zero_std
        step: RowStep = partial(module.affine_into, source, target, mean, factors, zeros, fallback)
        return step

    @cached_property
    def _zero_std(self) -> tuple[int, ...]:
        assert self.std is not None
        return tuple(i for i, s in enumerate(self.std) if s == 0.0)

    def row_function(self) -> RowFunction:
        # NOTE: ``map`` over ``operator.sub`` and ``operator.mul`` makes the same float
        # operations as a comprehension, in C: about three times faster on a row.
        if self.mean is None:
            assert self.factors is not None
            factors = self.factors

            def scale(values: list[float]) -> list[float]:
                return list(map(mul, values, factors))

            return scale
        mean = self.mean
        if self.factors is None:

            def centre(values: list[float]) -> list[float]:
                return list(map(sub, values, mean))

            return centre
        assert self.std is not None
        factors = self.factors
        zero_std = self._zero_std

        def standardise(values: list[float]) -> list[float]:
            scaled = list(map(mul, map(sub, values, mean), factors))
            # NOTE: a zero std gives 0 whatever the input (NaN and infinities included).
            for i in zero_std:
                scaled[i] = 0.0
            return scaled

        return standardise


class StandardScalerOp(VectorMapOp):
    op_name = "standard_scaler"

    @classmethod
    def function_from(cls, attributes: Attributes) -> StandardScaling:
        mean = attributes.get_double_vector("mean") if "mean" in attributes else None
        std = attributes.get_double_vector("std") if "std" in attributes else None
        if mean is None and std is None:
            raise BundleError(
                f"{attributes.where}: standard_scaler needs a 'mean' or a 'std' attribute"
            )
        if mean is not None and std is not None and len(mean) != len(std):
            raise BundleError(
                f"{attributes.where}: standard_scaler 'mean' has {len(mean)} values, "
                f"'std' {len(std)}"
            )
        return StandardScaling(mean=mean, std=std)

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self._function().mean, self._function().std
        )

    def _function(self) -> StandardScaling:
        assert isinstance(self.function, StandardScaling), (
            "from_bundle builds it with function_from"
        )
        return self.function


def stored(
    name: str,
    input_col: str,
    output_col: str,
    mean: Sequence[float] | None,
    std: Sequence[float] | None,
) -> StoredNode:
    """The ``standard_scaler`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes: dict[str, Value] = {}
    if mean is not None:
        attributes["mean"] = attr.vector(mean)
    if std is not None:
        attributes["std"] = attr.vector(std)
    return simple_node(name, "standard_scaler", input_col, output_col, attributes)
