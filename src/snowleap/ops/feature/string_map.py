"""``string_map``: a string to the double the model's table gives it; mirrors MLeap's extension
op ``StringMapModel``. A string not in the table (null included) is refused under
``handle_invalid = error`` (the default) and gets ``default_value`` under ``keep``; MLeap reads
no ``skip`` for it. Strings match exactly (case, accents and all)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, STRING, Field, Frame, Op, Row, RowStep
from snowleap.ops.handle_invalid import HandleInvalid, read_handle_invalid

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


class StringMapOp(Op):
    op_name = "string_map"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        labels: Mapping[str, float],
        handle_invalid: HandleInvalid,
        default_value: float,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, [Field(input_col, STRING)], [Field(output_col, DOUBLE)], ports=ports)
        self.input_col, self.output_col = input_col, output_col
        self.labels = dict(labels)
        self.handle_invalid = handle_invalid
        self.default_value = default_value

    @classmethod
    def from_bundle(cls, node: NodeContext) -> StringMapOp:
        attributes = node.attributes
        labels = attributes.get_string_list("labels")
        values = attributes.get_double_list("values")
        if len(labels) != len(values):
            raise BundleError(
                f"{node.attributes.where}: string_map has {len(labels)} 'labels' but "
                f"{len(values)} 'values'"
            )
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            dict(zip(labels, values, strict=True)),
            read_handle_invalid(attributes, "string_map", can_skip=False),
            attributes.get_double("default_value", default=0.0),
            ports=node.shape,
        )

    def _unknown(self, row: int | None) -> InputError:
        # NOTE: the string is not quoted: it may be a caller's personal data.
        where = f", row {row}" if row is not None else ""
        return InputError(
            f"column {self.input_col!r}{where}: a value the string_map node {self.name!r} has no "
            "entry for (handle_invalid = 'error'; 'keep' gives default_value)"
        )

    def transform(self, frame: Frame) -> Frame:
        labels = self.labels
        strings = frame[self.input_col].tolist()
        if self.handle_invalid == "error":
            unknown = next((i for i, s in enumerate(strings) if s not in labels), None)
            if unknown is not None:
                raise self._unknown(unknown)
        default = self.default_value
        mapped = [labels.get(s, default) for s in strings]
        frame[self.output_col] = np.asarray(mapped, dtype=np.float64)
        return frame

    def row_step(self) -> RowStep:
        source, target, labels, default = (
            self.input_col,
            self.output_col,
            self.labels,
            self.default_value,
        )
        if self.handle_invalid == "keep":

            def keep(row: Row) -> None:
                row[target] = labels.get(row[source], default)

            return keep

        def refuse_unknown(row: Row) -> None:
            value = labels.get(row[source])
            if value is None:
                raise self._unknown(None)
            row[target] = value

        return refuse_unknown

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self.labels,
            self.handle_invalid,
            self.default_value,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    labels: Mapping[str, float],
    handle_invalid: str,
    default_value: float,
) -> StoredNode:
    """The ``string_map`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "labels": attr.string_list(list(labels)),
        "values": attr.double_list(list(labels.values())),
        "handle_invalid": attr.string(handle_invalid),
        "default_value": attr.double(default_value),
    }
    return simple_node(name, "string_map", input_col, output_col, attributes)
