"""A tree model's scorer: its layout, what each leaf adds, and how the trees' leaves combine.

One object per model serves rows and batches, compiled (``snowleap._treewalk``) when the
extension loads, else with the pure-Python walkers (``walk``, ``batch``); both give the same
bits. The ops say only what a leaf adds (``leaf_outputs``) and how leaves combine (``Combine``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from snowleap.ops.base import Pieces, Row, RowStep
from snowleap.ops.tree.batch import BatchWalker, combined_batch, compiled_batch
from snowleap.ops.tree.compiled import compiled_walker
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.walk import Combine, RowFunction, python_row_function

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

_COMBINE_CODES: dict[Combine, int] = {"first": 0, "sum": 1, "dot": 2}


class TreeScorer:
    """Routes rows through ``layout``'s trees; ``leaf_outputs`` holds ``width`` values a leaf."""

    def __init__(
        self,
        layout: TreeLayout,
        leaf_outputs: array[float],
        width: int,
        combine: Combine,
        weights: Sequence[float] = (),
        divisor: float = 1.0,
    ) -> None:
        if combine == "dot" and (width != 1 or len(weights) != layout.num_trees):
            raise ValueError("a weighted sum needs one output per leaf and one weight per tree")
        self.layout = layout
        self.leaf_outputs = leaf_outputs
        self.width = width
        self.combine: Combine = combine
        self.weights = array("d", weights)
        self.divisor = divisor
        module = compiled_walker()
        self._compiled: Any = None if module is None else self._compile(module)

    def _compile(self, module: Any) -> Any:
        layout = self.layout
        return module.Forest(
            layout.num_features,
            layout.roots,
            layout.feature,
            layout.threshold,
            layout.left,
            layout.right,
            layout.split_set,
            layout.set_start,
            layout.set_values,
            layout.set_is_left,
            self.leaf_outputs,
            self.width,
            _COMBINE_CODES[self.combine],
            self.weights,
            self.divisor,
        )

    @property
    def compiled(self) -> bool:
        return self._compiled is not None

    def row_function(self) -> RowFunction:
        """A row's feature list to its combined outputs (a new list of ``width`` floats)."""
        if self._compiled is not None:
            function: RowFunction = self._compiled.row
            return function
        return python_row_function(
            self.layout, self.leaf_outputs, self.width, self.combine, self.weights
        )

    def first_function(self) -> Callable[[Sequence[float]], float]:
        """A row's features to its first combined output over ``divisor`` (a forest's mean):
        the compiled walker returns that float itself, with no list and no Python frame."""
        if self._compiled is not None:
            function: Callable[[Sequence[float]], float] = self._compiled.first
            return function
        row, divisor = self.row_function(), self.divisor

        def first(x: Sequence[float]) -> float:
            return row(x)[0] / divisor

        return first

    def first_step(
        self,
        pieces: Pieces,
        assembled: str | None,
        width: int,
        target: str,
        fallback: RowStep,
    ) -> RowStep | None:
        """A row step putting ``first_function``'s float of the row's features, read from
        ``pieces`` (column, width; 0 a scalar) and stored as list ``assembled`` unless that is
        ``None``, into ``target``: one C call, with ``fallback`` (the same in Python) for a row
        of another shape; ``None`` without the compiled walker."""
        if self._compiled is None:
            return None
        step: RowStep = partial(
            self._compiled.assembled_first, pieces, assembled, width, target, fallback
        )
        return step

    def assembled_row_function(
        self, pieces: Pieces, assembled: str, width: int
    ) -> Callable[[Row], list[float] | None] | None:
        """``row_function``'s outputs from a row dict's ``pieces`` (as ``first_step`` reads
        them), stored as list ``assembled`` on the way: one C call, ``None`` for a row of
        another shape; ``None`` without the compiled walker."""
        if self._compiled is None:
            return None
        function: Callable[[Row], list[float] | None]
        function = partial(self._compiled.assembled_row, pieces, assembled, width)
        return function

    def batch(self, features: FloatArray) -> FloatArray:
        """The combined outputs of each row of ``features``, of shape (rows, width)."""
        if self._compiled is not None:
            return compiled_batch(self._compiled, features, self.width)
        leaves = self._batch_walker.leaves(features)
        return combined_batch(leaves, self.leaf_outputs, self.width, self.combine, self.weights)

    @cached_property
    def _batch_walker(self) -> BatchWalker:
        return BatchWalker(self.layout)
