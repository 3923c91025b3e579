"""``one_hot_encoder``: turns category indices into one-hot vectors; mirrors MLeap's
``OneHotEncoderModel``.

For a column with ``n`` categories the vector has ``n - 1`` slots with ``drop_last`` (the last
category is all zeros), ``n`` without; ``handle_invalid = keep`` adds a slot for invalid indices,
which ``drop_last`` then drops again. An index must be a whole number (NaN and 2.5 always raise,
as in MLeap); a negative or too large one raises with ``error`` and goes to the invalid slot with
``keep``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from snowleap.bundle import limits
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.handle_invalid import HandleInvalid, read_handle_invalid
from snowleap.ops.tree.compiled import compiled_walker

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode
    from snowleap.numeric import AnyArray, FloatArray

# NOTE: MLeap converts the index with Scala's Double.toInt, which saturates at the Int bounds;
# anything outside them is then "not an integer" there too.
_INT_MIN = -(2.0**31)
_INT_MAX = 2.0**31 - 1


def _is_whole(label: float) -> bool:
    """Whether MLeap's ``label.toInt == label`` holds (false for NaN, fractions, huge values)."""
    return _INT_MIN <= label <= _INT_MAX and math.trunc(label) == label


@dataclass(frozen=True)
class OneHotColumn:
    """The encoding of one column: ``categories`` valid indices into ``width``-slot vectors."""

    categories: int
    keep_invalid: bool
    drop_last: bool

    @property
    def width(self) -> int:
        if self.keep_invalid and not self.drop_last:
            return self.categories + 1
        if self.drop_last and not self.keep_invalid:
            return self.categories - 1
        return self.categories

    def slots_batch(self, labels: FloatArray, column: str) -> AnyArray:
        """The slot of the 1.0 for each row (``width`` or more means an all-zero vector)."""
        whole = (labels == np.trunc(labels)) & (labels >= _INT_MIN) & (labels <= _INT_MAX)
        valid = whole & (labels >= 0.0) & (labels < self.categories)
        if not valid.all():
            bad = ~whole if self.keep_invalid else ~valid
            if bad.any():
                row = int(np.argmax(bad))
                raise self.invalid(float(labels[row]), column, row)
            labels = np.where(valid, labels, float(self.categories))
        return labels.astype(np.int64)

    def encode_batch(self, labels: FloatArray, column: str) -> FloatArray:
        slots = self.slots_batch(labels, column)
        vectors = np.zeros((len(labels), self.width))
        hot = slots < self.width
        vectors[np.flatnonzero(hot), slots[hot]] = 1.0
        return vectors

    def invalid_slot(self, label: float, column: str) -> int:
        """The row path's slot for a label that is not a valid category (or an error)."""
        if not self.keep_invalid or not _is_whole(label):
            raise self.invalid(label, column, None)
        return self.categories

    def invalid(self, label: float, column: str, row: int | None) -> InputError:
        where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
        if not _is_whole(label):
            problem = "must be a whole number"
        elif label < 0:
            problem = "is negative (set handle_invalid to 'keep' to accept it)"
        else:
            problem = (
                f"is not one of the {self.categories} categories "
                "(set handle_invalid to 'keep' to accept it)"
            )
        return InputError(f"{where}: one_hot_encoder index {label!r} {problem}")


class OneHotEncoderOp(Op):
    op_name = "one_hot_encoder"

    def __init__(
        self,
        name: str,
        columns: list[tuple[str, str]],
        encodings: list[OneHotColumn],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(source, DOUBLE) for source, _ in columns],
            [
                Field(target, vector(encoding.width))
                for (_, target), encoding in zip(columns, encodings, strict=True)
            ],
            ports=ports,
        )
        self.columns = columns
        self.encodings = encodings

    @classmethod
    def from_bundle(cls, node: NodeContext) -> OneHotEncoderOp:
        attributes = node.attributes
        drop_last = attributes.get_bool("drop_last")
        if "size" in attributes:
            # NOTE: legacy form (Spark 2's OneHotEncoder transformer; MLeap < 0.11): one column
            # whose 'size' is already the vector width; with no 'handle_invalid', MLeap takes
            # 'keep' when drop_last is set, which makes the width equal to 'size'.
            sizes = [attributes.get_long("size")]
            legacy_default: HandleInvalid = "keep" if drop_last else "error"
            policy = read_handle_invalid(
                attributes, cls.op_name, default=legacy_default, can_skip=False
            )
        else:
            sizes = attributes.get_int_list("category_sizes")
            policy = read_handle_invalid(attributes, cls.op_name, default=None, can_skip=False)
        encodings = [OneHotColumn(size, policy == "keep", drop_last) for size in sizes]
        for i, encoding in enumerate(encodings):
            if encoding.categories < 0 or encoding.width < 0:
                raise BundleError(
                    f"{node.where}: one_hot_encoder column {i} has {encoding.categories} categories"
                )
            if encoding.width > limits.MAX_TENSOR_ELEMENTS:
                # NOTE: refused here, before the row step's tables or any vector of that width
                # exist (a 2e9-category encoder is a 40-byte attribute and gigabytes at load).
                raise BundleError(
                    f"{node.where}: one_hot_encoder column {i} builds vectors of "
                    f"{encoding.width} values, more than {limits.MAX_TENSOR_ELEMENTS} "
                    "(SNOWLEAP_MAX_TENSOR_ELEMENTS)"
                )
        sources = node.shape.numbered_inputs(node.node_where)
        targets = node.shape.numbered_outputs(node.node_where)
        if not len(sources) == len(targets) == len(encodings):
            raise BundleError(
                f"{node.node_where}: one_hot_encoder has {len(encodings)} category sizes, "
                f"{len(sources)} inputs and {len(targets)} outputs; they should match"
            )
        return cls(node.name, list(zip(sources, targets, strict=True)), encodings, ports=node.shape)

    def transform(self, frame: Frame) -> Frame:
        for (source, target), encoding in zip(self.columns, self.encodings, strict=True):
            frame[target] = encoding.encode_batch(frame[source], source)
        return frame

    def row_step(self) -> RowStep:
        columns = [
            (
                source,
                target,
                encoding.width,
                _valid_slots(encoding),
                _column_step(source, target, encoding),
            )
            for (source, target), encoding in zip(self.columns, self.encodings, strict=True)
        ]

        if len(columns) == 1:
            ((source, target, width, slots, encode),) = columns

            def encode_one(row: Row) -> None:
                slot = slots.get(row[source])
                if slot is None:
                    encode(row)
                else:
                    one_hot = [0.0] * width
                    one_hot[slot] = 1.0
                    row[target] = one_hot

            return _compiled_step(columns, encode_one)

        def encode_all(row: Row) -> None:
            for source, target, width, slots, encode in columns:
                # NOTE: a valid category's slot is one dict lookup; any other label (invalid,
                # NaN, a fraction) takes the checks of ``encode``.
                slot = slots.get(row[source])
                if slot is None:
                    encode(row)
                else:
                    one_hot = [0.0] * width
                    one_hot[slot] = 1.0
                    row[target] = one_hot

        return _compiled_step(columns, encode_all)

    def store(self) -> StoredNode:
        first = self.encodings[0]
        return stored(
            self.name,
            [source for source, _ in self.columns],
            [target for _, target in self.columns],
            [encoding.categories for encoding in self.encodings],
            first.drop_last,
            "keep" if first.keep_invalid else "error",
        )


#: categories up to which the row step looks a label's slot up in a table (beyond, the checks
#: of ``_column_step`` alone: a table of millions of entries costs more memory than it saves time)
_SLOT_TABLE_MAX = 65_536


def _compiled_step(
    columns: list[tuple[str, str, int, dict[float, int], RowStep]], python: RowStep
) -> RowStep:
    """``python``'s encoding as one C call (``one_hot_into``) while every value has a slot; any
    other row goes to ``python``, which encodes it or raises."""
    module = compiled_walker()
    if module is None or not hasattr(module, "one_hot_into"):
        return python
    specs = tuple((source, target, width, slots) for source, target, width, slots, _ in columns)
    step: RowStep = partial(module.one_hot_into, specs, python)
    return step


def _valid_slots(encoding: OneHotColumn) -> dict[float, int]:
    """The slot of each category that has one (``drop_last``'s last has none), by its index as
    a double; ``-0.0`` finds slot 0, as ``int(-0.0)`` does. Empty for very many categories."""
    if encoding.categories > _SLOT_TABLE_MAX:
        return {}
    return {float(slot): slot for slot in range(min(encoding.categories, encoding.width))}


def _column_step(source: str, target: str, encoding: OneHotColumn) -> RowStep:
    categories, width = float(encoding.categories), encoding.width
    invalid_slot = encoding.invalid_slot

    def encode(row: Row) -> None:
        label = row[source]
        # NOTE: NaN fails the range test; in range, int() truncates, so a fraction differs.
        if 0.0 <= label < categories:
            slot = int(label)
            if slot != label:
                slot = invalid_slot(label, source)
        else:
            slot = invalid_slot(label, source)
        one_hot = [0.0] * width
        if slot < width:
            one_hot[slot] = 1.0
        row[target] = one_hot

    return encode


def stored(
    name: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    category_sizes: Sequence[int],
    drop_last: bool,
    handle_invalid: str,
) -> StoredNode:
    """The ``one_hot_encoder`` node MLeap writes (ports ``input0``.. / ``output0``..)."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered

    attributes = {
        "category_sizes": attr.int_list(category_sizes),
        "drop_last": attr.boolean(drop_last),
        "handle_invalid": attr.string(handle_invalid),
    }
    shape = node_shape(numbered("input", inputs), numbered("output", outputs))
    return StoredNode(name, shape, StoredModel("one_hot_encoder", attributes))
