"""``reverse_string_indexer``: maps an index back to its label; mirrors MLeap's
``ReverseStringIndexerModel`` (Spark's ``IndexToString``).

The index is truncated to an integer first, as MLeap's ``value.toInt`` does (1.7 -> label 1).
An index outside ``[0, len(labels))`` raises naming it.

NOTE: a NaN index also raises, although MLeap's ``NaN.toInt`` is 0 and would silently give the
first label: a missing index has no label.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.bundle.values import DataShape
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, STRING, Field, Frame, Op, Row, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import BoolArray, FloatArray, ObjectArray


class LabelLookup:
    """Index -> label, for whole-number-after-truncation indices in range."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        self.labels = labels

    @cached_property
    def array(self) -> ObjectArray:
        return np.array(self.labels, dtype=object)

    def in_range(self, indices: FloatArray) -> BoolArray:
        # NOTE: truncation maps (-1, len) onto [0, len); NaN fails both comparisons.
        result: BoolArray = (indices > -1.0) & (indices < len(self.labels))
        return result

    def labels_of(self, indices: FloatArray) -> ObjectArray:
        """Labels of indices already checked with ``in_range``."""
        labels: ObjectArray = self.array[np.trunc(indices).astype(np.int64)]
        return labels


def _bad_index(op: str, column: str, index: float, count: int, row: int | None) -> InputError:
    where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
    return InputError(
        f"{where}: index {index!r} has no label; reverse_string_indexer {op!r} knows "
        f"{count} labels (indices 0 to {count - 1})"
    )


class ReverseStringIndexerOp(Op):
    op_name = "reverse_string_indexer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        labels: tuple[str, ...],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, [Field(input_col, DOUBLE)], [Field(output_col, STRING)], ports=ports)
        self.input_col = input_col
        self.output_col = output_col
        self.lookup = LabelLookup(labels)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> ReverseStringIndexerOp:
        attributes = node.attributes
        if "input_shape" in attributes:
            shape = attributes.get_data_shape("input_shape")
            if shape.base != "scalar":
                raise BundleError(
                    f"{node.where}: reverse_string_indexer with a {shape.base} input is not "
                    "supported (only scalar indices)"
                )
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            tuple(attributes.get_string_list("labels")),
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        indices = frame[self.input_col]
        valid = self.lookup.in_range(indices)
        if not valid.all():
            row = int(np.argmax(~valid))
            raise _bad_index(
                self.name, self.input_col, float(indices[row]), len(self.lookup.labels), row
            )
        frame[self.output_col] = self.lookup.labels_of(indices)
        return frame

    def row_step(self) -> RowStep:
        source, target, name = self.input_col, self.output_col, self.name
        labels = self.lookup.labels
        count = len(labels)
        upper = float(count)

        def reverse(row: Row) -> None:
            index = row[source]
            if not -1.0 < index < upper:
                raise _bad_index(name, source, index, count, None)
            row[target] = labels[int(index)]

        return reverse

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.lookup.labels)


def stored(name: str, input_col: str, output_col: str, labels: Sequence[str]) -> StoredNode:
    """The ``reverse_string_indexer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "labels": attr.string_list(labels),
        "input_shape": attr.data_shape(DataShape("scalar", False)),
    }
    return simple_node(name, "reverse_string_indexer", input_col, output_col, attributes)
