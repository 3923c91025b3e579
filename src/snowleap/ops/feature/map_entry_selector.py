"""``map_entry_selector``: the value a map column holds for the key in another column, or
``default_value``; mirrors MLeap's ``MapEntrySelectorModel`` (an MLeap extension op).

NOTE: the op is missing from MLeap 0.16, so its format and math come from MLeap's source (its
``MapEntrySelectorOp`` and ``MapEntrySelectorModel`` on the master branch): ports ``input`` (a
map of string keys) and ``key`` (a string column), output ``output``; attributes ``key_type``
and ``value_type`` (basic types; keys are strings, as MLeap loads only those), and
``default_value`` of the value type. A null map or key is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.bundle.values import BasicTypeName, Value
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import STRING, BaseType, ColumnType, Field, Frame, Op, Row, RowStep, map_of
from snowleap.ops.sparse import object_column
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

VALUE_TYPES: tuple[BaseType, ...] = (
    "double",
    "float",
    "long",
    "int",
    "short",
    "byte",
    "boolean",
    "string",
)
_NUMBERS = {"double": "float64", "float": "float64"}


class MapEntrySelectorOp(Op):
    op_name = "map_entry_selector"

    def __init__(
        self,
        name: str,
        map_col: str,
        key_col: str,
        output_col: str,
        value_type: BaseType,
        default: Any,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(map_col, map_of("string", value_type)), Field(key_col, STRING)],
            [Field(output_col, ColumnType(value_type))],
            ports=ports,
        )
        self.map_col = map_col
        self.key_col = key_col
        self.output_col = output_col
        self.value_type = value_type
        self.default = default

    @classmethod
    def from_bundle(cls, node: NodeContext) -> MapEntrySelectorOp:
        attributes = node.attributes
        key_type = attributes.get_basic_type("key_type")
        value_type = attributes.get_basic_type("value_type")
        if key_type != "string" or value_type not in VALUE_TYPES:
            raise BundleError(
                f"{node.where}: map_entry_selector of {key_type} keys and {value_type} values is "
                "not supported (MLeap loads string keys and basic values only)"
            )
        default = attributes.get_scalar("default_value", value_type)
        return cls(
            node.name,
            node.shape.input("input", node.node_where),
            node.shape.input("key", node.node_where),
            node.shape.output("output", node.node_where),
            value_type,
            default,
            ports=node.shape,
        )

    def _select(self, entries: Any, key: Any, row: int | None) -> Any:
        if entries is None or key is None:
            column = self.map_col if entries is None else self.key_col
            where = f"column {column!r}" + (f", row {row}" if row is not None else "")
            raise InputError(f"{where}: null, a value is needed ({reader_of(self)})")
        return entries.get(key, self.default)

    def transform(self, frame: Frame) -> Frame:
        maps, keys = frame[self.map_col], frame[self.key_col]
        values = [self._select(m, k, i) for i, (m, k) in enumerate(zip(maps, keys, strict=True))]
        dtype = _NUMBERS.get(self.value_type)
        frame[self.output_col] = (
            np.array(values, dtype=dtype) if dtype is not None else object_column(values)
        )
        return frame

    def row_step(self) -> RowStep:
        source, key, target, select = self.map_col, self.key_col, self.output_col, self._select

        def pick(row: Row) -> None:
            row[target] = select(row[source], row[key], None)

        return pick

    def store(self) -> StoredNode:
        return stored(
            self.name, self.map_col, self.key_col, self.output_col, self.value_type, self.default
        )


def stored(
    name: str, map_col: str, key_col: str, output_col: str, value_type: BaseType, default: Any
) -> StoredNode:
    """The ``map_entry_selector`` node MLeap (master) writes."""
    value_name = cast("BasicTypeName", value_type)
    attributes = {
        "key_type": attr.basic_type("string"),
        "value_type": attr.basic_type(value_name),
        "default_value": Value(kind="scalar", fields={value_type: default}),
    }
    shape = node_shape([("input", map_col), ("key", key_col)], [("output", output_col)])
    return StoredNode(name, shape, StoredModel("map_entry_selector", attributes))
