"""``sklearn_binarizer``: MLeap's binarizer as its scikit-learn serializer writes it; the math
and ports of ``binarizer``, with ``input_shapes`` a list of one data shape."""

from __future__ import annotations

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.bundle.values import Attributes, DataShape
from snowleap.errors import BundleError
from snowleap.ops.feature.binarizer import BinarizerOp


class SklearnBinarizerOp(BinarizerOp):
    op_name = "sklearn_binarizer"

    @classmethod
    def stored_input_shape(cls, attributes: Attributes) -> DataShape:
        shapes = attributes.get_data_shape_list("input_shapes")
        if len(shapes) != 1:
            raise BundleError(
                f"{attributes.where}: sklearn_binarizer 'input_shapes' should hold one shape, "
                f"found {len(shapes)}"
            )
        return shapes[0]

    def store(self) -> StoredNode:
        shape = self._input_shape()
        assert shape is not None, "sklearn bundles always store input_shapes"
        return stored(self.name, self.input_col, self.output_col, self.threshold, shape)


def stored(
    name: str, input_col: str, output_col: str, threshold: float, input_shape: DataShape
) -> StoredNode:
    """The ``sklearn_binarizer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "threshold": attr.double(threshold),
        "input_shapes": attr.data_shape_list([input_shape]),
    }
    return simple_node(name, "sklearn_binarizer", input_col, output_col, attributes)
