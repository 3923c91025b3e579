"""``feature_hasher``: hashes several scalar columns into one sparse vector; mirrors MLeap's
``FeatureHasherModel`` (Spark's ``FeatureHasher``).

A numeric column not listed in ``categorical_cols`` adds its value at the slot of its name's
hash; any other column (strings, booleans, listed numbers) adds 1.0 at the slot of
``"name=value"`` (the value written as Java's ``toString`` writes it). Colliding slots add up;
a null value adds nothing, and so does NaN, which is how snowleap's frames hold a missing number
(Spark would add a NaN). Hashes are Spark 3's murmur3 (``ops.hashing``), seed 42.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered
from snowleap.bundle.values import BasicTypeName, DataShape, Value
from snowleap.errors import BundleError
from snowleap.ops.base import BaseType, ColumnType, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.hashing import non_negative_mod, string_hash
from snowleap.ops.java_strings import java_double_string
from snowleap.ops.sparse import SparseVector, vector_batch

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

NUMERIC = ("short", "double", "float", "int", "long")
SCALAR_TYPES: tuple[BaseType, ...] = (*NUMERIC, "byte", "boolean", "string")  # type: ignore[assignment]


def java_string(value: Any) -> str:
    """A value as Java's ``toString`` writes it (``true``, ``1.0E7``...)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double_string(value)
    return str(value)


Slotter = Callable[[Any], tuple[int, float]]


def _slotter(name: str, real: bool, width: int) -> Slotter:
    if real:
        slot = non_negative_mod(string_hash(name), width)

        def numeric(value: Any) -> tuple[int, float]:
            return slot, float(value)

        return numeric

    def categorical(value: Any) -> tuple[int, float]:
        return non_negative_mod(string_hash(f"{name}={java_string(value)}"), width), 1.0

    return categorical


class FeatureHasherOp(Op):
    op_name = "feature_hasher"

    def __init__(
        self,
        name: str,
        columns: list[str],
        input_names: list[str],
        types: list[BaseType],
        categorical: list[str],
        output_col: str,
        num_features: int,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(c, ColumnType(t)) for c, t in zip(columns, types, strict=True)],
            [Field(output_col, vector(num_features))],
            ports=ports,
        )
        self.columns = columns
        self.input_names = input_names
        self.types = types
        self.categorical = categorical
        self.output_col = output_col
        self.num_features = num_features
        self._slotters = [
            _slotter(n, t in NUMERIC and n not in categorical, num_features)
            for n, t in zip(input_names, types, strict=True)
        ]

    @classmethod
    def from_bundle(cls, node: NodeContext) -> FeatureHasherOp:
        attributes = node.attributes
        columns = node.shape.numbered_inputs(node.node_where)
        names = attributes.get_string_list("input_names")
        shapes = attributes.get_data_shape_list("input_shapes")
        raw_types = attributes["basic_types"].fields.get("basic_type", [])
        if not len(columns) == len(names) == len(shapes) == len(raw_types):
            raise BundleError(
                f"{node.where}: {len(columns)} inputs, {len(names)} input_names, {len(shapes)} "
                f"input_shapes and {len(raw_types)} basic_types should be as many"
            )
        if any(s.base != "scalar" for s in shapes) or any(t not in SCALAR_TYPES for t in raw_types):
            raise BundleError(f"{node.where}: feature_hasher hashes scalar inputs only")
        num_features = attributes.get_long("num_features")
        if not 0 < num_features < 1 << 31:
            raise BundleError(f"{node.where}: 'num_features' should be in [1, 2^31)")
        return cls(
            node.name,
            columns,
            names,
            [cast("BaseType", t) for t in raw_types],
            attributes.get_string_list("categorical_cols"),
            node.shape.output("output", node.node_where),
            num_features,
            ports=node.shape,
        )

    def _hash_row(self, values: list[Any]) -> SparseVector:
        sums: dict[int, float] = {}
        for slotter, value in zip(self._slotters, values, strict=True):
            if value is None or (value != value and not isinstance(value, str)):
                # NOTE: a null number arrives as NaN in snowleap's frames: nothing is added
                continue
            slot, amount = slotter(value)
            sums[slot] = sums.get(slot, 0.0) + amount
        indices = sorted(sums)
        return SparseVector(self.num_features, indices, [sums[i] for i in indices])

    def transform(self, frame: Frame) -> Frame:
        columns = [frame[c].tolist() for c in self.columns]
        rows = [self._hash_row(list(values)) for values in zip(*columns, strict=True)]
        frame[self.output_col] = vector_batch(rows, self.num_features)
        return frame

    def row_step(self) -> RowStep:
        columns, target, hash_row = self.columns, self.output_col, self._hash_row

        def hash_features(row: Row) -> None:
            row[target] = hash_row([row[c] for c in columns])

        return hash_features

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.columns,
            self.input_names,
            self.types,
            self.categorical,
            self.output_col,
            self.num_features,
        )


def stored(
    name: str,
    columns: list[str],
    input_names: list[str],
    types: list[BaseType],
    categorical: list[str],
    output_col: str,
    num_features: int,
) -> StoredNode:
    """The ``feature_hasher`` node MLeap writes: ports ``input0``.., each input's name and type."""
    attributes = {
        "num_features": attr.long(num_features),
        "categorical_cols": attr.string_list(categorical),
        "input_shapes": attr.data_shape_list([DataShape("scalar", True) for _ in columns]),
        "basic_types": Value(
            kind="list", fields={"basic_type": [cast("BasicTypeName", t) for t in types]}
        ),
        "input_names": attr.string_list(input_names),
    }
    shape = node_shape(numbered("input", columns), [("output", output_col)])
    return StoredNode(name, shape, StoredModel("feature_hasher", attributes))
