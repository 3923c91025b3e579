"""``vector_slicer``: picks features of a vector by index; mirrors MLeap's ``VectorSlicerModel``.

Features chosen by name in Spark are stored by MLeap (0.7 and later) as ``names`` plus
``named_indices``, resolved from the input column's metadata when the bundle was written; they
follow the plain ``indices`` in the output. Names are never looked up at scoring time.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp, optional_size

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


class VectorSlice(VectorFunction):
    """The features at ``indices``, in that order (an index may repeat, as in MLeap).

    Example
    -------
    >>> VectorSlice([2, 0], None).row_function()([1.0, 2.0, 3.0])
    [3.0, 1.0]
    """

    def __init__(self, indices: list[int], size: int | None) -> None:
        self.indices = indices
        self.size = size
        self.needed_width = max(indices) + 1 if indices else 0

    @property
    def input_size(self) -> int | None:
        return self.size

    @property
    def output_size(self) -> int:
        return len(self.indices)

    def width_problem(self, width: int) -> str | None:
        if width < self.needed_width:
            return f"vector_slicer needs index {self.needed_width - 1}"
        return None

    def apply_batch(self, values: FloatArray) -> FloatArray:
        return values[:, self.indices]

    def row_function(self) -> RowFunction:
        indices = self.indices
        if len(indices) == 1:
            (index,) = indices

            def pick_one(values: list[float]) -> list[float]:
                return [values[index]]

            return pick_one
        if not indices:
            return lambda values: []
        # NOTE: itemgetter picks several items in one C call; it returns a tuple for two or more.
        pick = itemgetter(*indices)

        def pick_many(values: list[float]) -> list[float]:
            return list(pick(values))

        return pick_many


class VectorSlicerOp(VectorMapOp):
    op_name = "vector_slicer"

    @classmethod
    def function_from(cls, attributes: Attributes) -> VectorSlice:
        where = attributes.where
        indices = attributes.get_long_list("indices", default=[])
        # NOTE: bundles written before MLeap 0.7 have no names and no named_indices.
        names = attributes.get_string_list("names", default=[])
        named = attributes.get_int_list("named_indices", default=[])
        if len(names) != len(named):
            raise BundleError(
                f"{where}: vector_slicer has {len(names)} 'names' but {len(named)} "
                f"'named_indices' (names are only usable with the indices MLeap resolved)"
            )
        chosen = [*indices, *named]
        negative = [i for i in chosen if i < 0]
        if negative:
            raise BundleError(f"{where}: vector_slicer has negative indices {negative}")
        size = optional_size(attributes, "input_size")
        if size is not None and chosen and max(chosen) >= size:
            raise BundleError(
                f"{where}: vector_slicer index {max(chosen)} is out of range for input_size {size}"
            )
        return VectorSlice(chosen, size)

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self._function().indices,
            self._function().size,
        )

    def _function(self) -> VectorSlice:
        assert isinstance(self.function, VectorSlice), "from_bundle builds it with function_from"
        return self.function


def stored(
    name: str, input_col: str, output_col: str, indices: Sequence[int], input_size: int | None
) -> StoredNode:
    """The ``vector_slicer`` node MLeap writes, as ``from_bundle`` reads it."""
    # NOTE: names are resolved to indices when a slicer is loaded (or exported), so none stay.
    attributes = {
        "indices": attr.long_list(indices),
        "names": attr.string_list([]),
        "named_indices": attr.int_list([]),
    }
    if input_size is not None:
        attributes["input_size"] = attr.int32(input_size)
    return simple_node(name, "vector_slicer", input_col, output_col, attributes)
