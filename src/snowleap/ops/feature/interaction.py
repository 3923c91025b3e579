"""``interaction``: products of features across input columns; mirrors MLeap's
``InteractionModel`` (Spark's ``Interaction``).

Each input is a scalar or a vector. Its ``num_features<i>`` list gives, per element, 1 for a
numeric feature (its value is used) or the number of categories of a nominal feature (its value
is a category index, one-hot encoded). The output holds every product of one encoded entry per
input, the first input varying slowest, exactly as Spark lays it out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import prod
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered
from snowleap.bundle.values import DataShape, Value
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.sparse import dense_batch, dense_row
from snowleap.ops.vector_map import MAX_OUTPUT_WIDTH
from snowleap.ops.vectors import SCALARS, VECTORS, reader_of, shape_error, width_error

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import BoolArray, FloatArray

RowEncoder = Callable[[Any], list[tuple[int, float]]]


@dataclass(frozen=True)
class FeatureEncoding:
    """How one input column is encoded: per element, 1 (numeric) or a category count."""

    column: str
    counts: tuple[int, ...]
    is_vector: bool

    @property
    def width(self) -> int:
        return sum(self.counts)

    @property
    def offsets(self) -> list[int]:
        """Where each element's block starts in the encoded vector."""
        starts = [0]
        for count in self.counts[:-1]:
            starts.append(starts[-1] + count)
        return starts

    def bad_index(self, value: float, element: int, row: int | None) -> InputError:
        where = f"column {self.column!r}" + ("" if row is None else f", row {row}")
        if self.is_vector:
            where += f", element {element}"
        return InputError(
            f"{where}: interaction expects a category index in 0..{self.counts[element] - 1} "
            f"(a nominal feature), got {value!r}"
        )

    def encode_batch(self, values: FloatArray) -> tuple[FloatArray, BoolArray]:
        """The encoded values and which of them MLeap lists, as ``(rows, width)`` arrays."""
        columns = values if values.ndim == 2 else values[:, np.newaxis]
        rows = columns.shape[0]
        encoded = np.zeros((rows, self.width))
        listed = np.zeros((rows, self.width), dtype=np.bool_)
        for element, (count, offset) in enumerate(zip(self.counts, self.offsets, strict=True)):
            column = columns[:, element]
            if count == 1:
                encoded[:, offset] = column
                listed[:, offset] = True
                continue
            valid = (column >= 0.0) & (column < count) & (np.floor(column) == column)
            if not bool(valid.all()):
                row = int(np.argmin(valid))
                raise self.bad_index(float(column[row]), element, row)
            positions = offset + column.astype(np.intp)
            encoded[np.arange(rows), positions] = 1.0
            listed[np.arange(rows), positions] = True
        return encoded, listed

    def row_encoder(self) -> RowEncoder:
        """A function listing one row's ``(position, value)`` entries, in Spark's order."""
        plan = list(enumerate(zip(self.counts, self.offsets, strict=True)))
        if not self.is_vector:
            ((_, (count, _)),) = plan
            if count == 1:
                return lambda value: [(0, value)]

            def encode_category(value: float) -> list[tuple[int, float]]:
                if not (value >= 0.0 and value < count and value == int(value)):
                    raise self.bad_index(value, 0, None)
                return [(int(value), 1.0)]

            return encode_category

        def encode_vector(values: list[float]) -> list[tuple[int, float]]:
            entries = []
            for element, (count, offset) in plan:
                value = values[element]
                if count == 1:
                    entries.append((offset, value))
                elif value >= 0.0 and value < count and value == int(value):
                    entries.append((offset + int(value), 1.0))
                else:
                    raise self.bad_index(value, element, None)
            return entries

        return encode_vector


class Interaction:
    """The products of the encoded inputs, first input slowest, as a dense vector.

    Like Spark, the product of a combination is built from the last input backwards,
    ``((1 * a_last) * ...) * a_first``; entries Spark does not list (the other categories of a
    nominal feature) are 0.0 even when another factor is infinite or NaN.

    Example
    -------
    >>> scalar = FeatureEncoding("a", (1,), False)
    >>> pair = FeatureEncoding("v", (1, 1), True)
    >>> Interaction((scalar, pair)).row_function()([2.0, [3.0, 5.0]])
    [6.0, 10.0]
    """

    def __init__(self, encodings: tuple[FeatureEncoding, ...]) -> None:
        self.encodings = encodings
        self.size = prod(encoding.width for encoding in encodings)

    def apply_batch(self, inputs: list[FloatArray]) -> FloatArray:
        rows = inputs[0].shape[0]
        products = np.ones((rows, 1))
        listed = np.ones((rows, 1), dtype=np.bool_)
        with np.errstate(invalid="ignore", over="ignore", under="ignore"):
            for encoding, values in zip(reversed(self.encodings), reversed(inputs), strict=True):
                encoded, encoded_listed = encoding.encode_batch(values)
                # NOTE: position i * (width so far) + j, as Spark's loop over this input's entries
                # (outer) and the product so far (inner) lays them out.
                products = (products[:, np.newaxis, :] * encoded[:, :, np.newaxis]).reshape(
                    rows, -1
                )
                listed = (listed[:, np.newaxis, :] & encoded_listed[:, :, np.newaxis]).reshape(
                    rows, -1
                )
        return np.where(listed, products, 0.0)

    def row_function(self) -> Callable[[list[Any]], list[float]]:
        encoders = [
            (encoding.row_encoder(), encoding.width) for encoding in reversed(self.encodings)
        ]
        size = self.size

        def interact(values: list[Any]) -> list[float]:
            entries = [(0, 1.0)]
            width = 1
            for (encode, encoded_width), value in zip(encoders, reversed(values), strict=True):
                entries = [
                    (index + position * width, product * factor)
                    for position, factor in encode(value)
                    for index, product in entries
                ]
                width *= encoded_width
            out = [0.0] * size
            for index, product in entries:
                out[index] = product
            return out

        return interact


class InteractionOp(Op):
    op_name = "interaction"

    def __init__(
        self,
        name: str,
        output_col: str,
        interaction: Interaction,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        inputs = [
            Field(e.column, vector(len(e.counts)) if e.is_vector else DOUBLE)
            for e in interaction.encodings
        ]
        super().__init__(name, inputs, [Field(output_col, vector(interaction.size))], ports=ports)
        self.output_col = output_col
        self.interaction = interaction

    @classmethod
    def from_bundle(cls, node: NodeContext) -> InteractionOp:
        columns = node.shape.numbered_inputs(node.node_where)
        attributes = node.attributes
        count = attributes.get_int("num_inputs")
        if count != len(columns) or count == 0:
            raise BundleError(
                f"{attributes.where}: interaction 'num_inputs' is {count} but the node wires "
                f"{len(columns)} inputs"
            )
        specs = [attributes.get_int_list(f"num_features{i}") for i in range(count)]
        vectors = _input_is_vector(attributes, specs)
        encodings = []
        for i, (column, counts, is_vector) in enumerate(zip(columns, specs, vectors, strict=True)):
            if not counts or any(c < 1 for c in counts) or (not is_vector and len(counts) != 1):
                raise BundleError(
                    f"{attributes.where}: interaction 'num_features{i}' should list one positive "
                    f"count per {'vector element' if is_vector else 'scalar'}, got {counts}"
                )
            encodings.append(FeatureEncoding(column, tuple(counts), is_vector))
        interaction = Interaction(tuple(encodings))
        if interaction.size > MAX_OUTPUT_WIDTH:
            raise BundleError(
                f"{attributes.where}: interaction would output {interaction.size} values per row "
                f"(limit {MAX_OUTPUT_WIDTH})"
            )
        output = node.shape.output("output", node.node_where)
        return cls(node.name, output, interaction, ports=node.shape)

    def transform(self, frame: Frame) -> Frame:
        reader = reader_of(self)
        inputs = [
            dense_batch(frame[e.column], e.column, reader) for e in self.interaction.encodings
        ]
        for encoding, values in zip(self.interaction.encodings, inputs, strict=True):
            _check_batch_shape(encoding, values, reader_of(self))
        frame[self.output_col] = self.interaction.apply_batch(
            [np.asarray(v, dtype=np.float64) for v in inputs]
        )
        return frame

    def row_step(self) -> RowStep:
        columns = [e.column for e in self.interaction.encodings]
        widths = [(e.column, len(e.counts)) for e in self.interaction.encodings if e.is_vector]
        interact = self.interaction.row_function()
        target = self.output_col
        reader = reader_of(self)

        def step(row: Row) -> None:
            for column, width in widths:
                if len(row[column]) != width:
                    raise width_error(column, len(row[column]), width, reader)
            row[target] = interact([dense_row(row[column]) for column in columns])

        return step

    def store(self) -> StoredNode:
        encodings = self.interaction.encodings
        return stored(
            self.name,
            [e.column for e in encodings],
            self.output_col,
            [len(e.counts) if e.is_vector else None for e in encodings],
            [e.counts for e in encodings],
        )


def _input_is_vector(attributes: Attributes, specs: list[list[int]]) -> list[bool]:
    """Whether each input is a vector, from ``input_shapes`` (MLeap 0.9 and later)."""
    if "input_shapes" not in attributes:
        # NOTE: bundles written before MLeap 0.9 do not say; an input with one count is taken
        # as a scalar (a one-element vector cannot be told apart), a longer one as a vector.
        return [len(counts) != 1 for counts in specs]
    shapes = attributes.get_data_shape_list("input_shapes")
    if len(shapes) != len(specs):
        raise BundleError(
            f"{attributes.where}: interaction has {len(shapes)} 'input_shapes' for "
            f"{len(specs)} inputs"
        )
    vectors = []
    for i, (shape, counts) in enumerate(zip(shapes, specs, strict=True)):
        if shape.base == "list":
            raise BundleError(
                f"{attributes.where}: interaction input {i} is a list; only scalars and tensors "
                f"can interact"
            )
        if shape.base == "tensor" and shape.width not in (None, len(counts)):
            raise BundleError(
                f"{attributes.where}: interaction input {i} has width {shape.width} but "
                f"'num_features{i}' lists {len(counts)} counts"
            )
        vectors.append(shape.base == "tensor")
    return vectors


def _check_batch_shape(encoding: FeatureEncoding, values: FloatArray, reader: str) -> None:
    if not encoding.is_vector:
        if values.ndim != 1:
            raise shape_error(encoding.column, values.shape, SCALARS, reader)
        return
    if values.ndim != 2:
        raise shape_error(encoding.column, values.shape, VECTORS, reader)
    if values.shape[1] != len(encoding.counts):
        raise width_error(encoding.column, values.shape[1], len(encoding.counts), reader)


def stored(
    name: str,
    inputs: Sequence[str],
    output_col: str,
    widths: Sequence[int | None],
    num_features: Sequence[Sequence[int]],
) -> StoredNode:
    """The ``interaction`` node MLeap writes: per input its shape (``None`` width: a scalar)
    and ``num_features<i>``, the category count of each element (1: numeric)."""
    shapes = [
        DataShape("scalar", True) if width is None else DataShape("tensor", True, (width,))
        for width in widths
    ]
    attributes: dict[str, Value] = {
        "num_inputs": attr.int32(len(num_features)),
        "input_shapes": attr.data_shape_list(shapes),
    }
    for index, counts in enumerate(num_features):
        attributes[f"num_features{index}"] = attr.int_list(counts)
    shape = node_shape(numbered("input", inputs), [("output", output_col)])
    return StoredNode(name, shape, StoredModel("interaction", attributes))
