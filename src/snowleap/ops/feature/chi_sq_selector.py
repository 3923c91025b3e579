"""``chi_sq_selector``: keeps the features a chi-squared test selected; mirrors MLeap's
``ChiSqSelectorModel`` (its dense path: the features at ``filter_indices``, in that order).

Its math is the vector slicer's; only the attributes differ (``filter_indices`` and a required
``input_size``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops.feature.vector_slicer import VectorSlice
from snowleap.ops.vector_map import VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes


class ChiSqSelectorOp(VectorMapOp):
    op_name = "chi_sq_selector"

    @classmethod
    def function_from(cls, attributes: Attributes) -> VectorSlice:
        indices = attributes.get_long_list("filter_indices")
        size = attributes.get_int("input_size")
        out_of_range = [i for i in indices if not 0 <= i < size]
        if size <= 0 or out_of_range:
            raise BundleError(
                f"{attributes.where}: chi_sq_selector 'filter_indices' {out_of_range or indices} "
                f"do not fit 'input_size' {size}"
            )
        return VectorSlice(indices, size)

    def store(self) -> StoredNode:
        function = self.function
        assert isinstance(function, VectorSlice), "from_bundle builds it with function_from"
        assert function.size is not None, "a chi_sq_selector always declares its width"
        return stored(self.name, self.input_col, self.output_col, function.indices, function.size)


def stored(
    name: str, input_col: str, output_col: str, filter_indices: Sequence[int], input_size: int
) -> StoredNode:
    """The ``chi_sq_selector`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "filter_indices": attr.long_list(filter_indices),
        "input_size": attr.int32(input_size),
    }
    return simple_node(name, "chi_sq_selector", input_col, output_col, attributes)
