"""``vector_assembler``: concatenates scalars and vectors into one vector; mirrors MLeap's
``VectorAssemblerModel``.

``input_shapes`` gives each input's shape (ports ``input0``..``inputN``): a scalar adds one slot,
a tensor of size ``n`` adds ``n``. A vector of another width raises naming the column. When an
input is sparse (a hashed text feature), the output is sparse too, on both paths: the stored
slots of the sparse inputs and the non-zero values of the others (Spark compresses its output
the same way; the values are equal).

Missing values: MLeap throws on a null input but passes NaN through. snowleap's frames hold a
missing number as NaN (``None`` becomes NaN on the way in), so a missing scalar is assembled as
NaN; a missing (``None``) vector is refused when the input is converted.

Bundles written before MLeap 0.8 have no ``input_shapes``; each input's shape is then taken from
its data (a 2-D batch column or a list in a row is a vector, anything else a scalar), and inputs
the pipeline does not produce are expected to be double scalars.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from snowleap.bundle.values import DataShape
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, ColumnType, Field, Frame, Op, Pieces, Row, RowStep, vector
from snowleap.ops.sparse import SparseRows, SparseVector
from snowleap.ops.vectors import SCALARS, VECTORS, reader_of, shape_error, width_error

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode
    from snowleap.numeric import FloatArray


@dataclass(frozen=True)
class AssemblerInput:
    """One input column: ``scalar``, ``vector`` of ``width`` slots, or ``any`` (shape unknown)."""

    column: str
    kind: Literal["scalar", "vector", "any"]
    width: int | None = None

    @property
    def column_type(self) -> ColumnType:
        return vector(self.width) if self.kind == "vector" else DOUBLE

    def piece(self, values: FloatArray, reader: str) -> FloatArray:
        """This input's block of the assembled batch, as a 2-D array."""
        if values.ndim == 1 and self.kind != "vector":
            return values.reshape(-1, 1)
        if values.ndim == 2 and self.kind != "scalar":
            if self.width is not None and values.shape[1] != self.width:
                raise width_error(self.column, values.shape[1], self.width, reader)
            return values
        expected = {"scalar": SCALARS, "vector": VECTORS}
        raise shape_error(
            self.column, values.shape, expected.get(self.kind, "scalars or vectors"), reader
        )


def _input_from_shape(column: str, shape: DataShape, where: str) -> AssemblerInput:
    if shape.base == "scalar":
        return AssemblerInput(column, "scalar")
    dims = shape.tensor_dimensions
    if shape.base == "tensor" and dims is not None and len(dims) == 1:
        return AssemblerInput(column, "vector", dims[0] if dims[0] >= 0 else None)
    raise BundleError(
        f"{where}: vector_assembler input {column!r} has shape {shape.base} "
        f"{list(dims) if dims is not None else ''}; only scalars and 1-D tensors can be assembled"
    )


class VectorAssemblerOp(Op):
    op_name = "vector_assembler"

    def __init__(
        self,
        name: str,
        inputs: list[AssemblerInput],
        output_col: str,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        widths = [1 if i.kind == "scalar" else i.width for i in inputs]
        size = None if None in widths else sum(w for w in widths if w is not None)
        super().__init__(
            name,
            [Field(i.column, i.column_type) for i in inputs],
            [Field(output_col, vector(size))],
            ports=ports,
        )
        self.assembled = inputs
        self.output_col = output_col
        self.size = size

    @classmethod
    def from_bundle(cls, node: NodeContext) -> VectorAssemblerOp:
        columns = node.shape.numbered_inputs(node.node_where)
        if "input_shapes" in node.attributes:
            shapes = node.attributes.get_data_shape_list("input_shapes")
            if len(shapes) != len(columns):
                raise BundleError(
                    f"{node.node_where}: vector_assembler has {len(shapes)} input shapes for "
                    f"{len(columns)} inputs"
                )
            inputs = [
                _input_from_shape(column, shape, node.where)
                for column, shape in zip(columns, shapes, strict=True)
            ]
        else:
            # NOTE: legacy form (MLeap < 0.8): no shapes stored; they come from the data.
            inputs = [AssemblerInput(column, "any") for column in columns]
        if not inputs:
            raise BundleError(f"{node.node_where}: vector_assembler has no inputs")
        output = node.shape.output("output", node.node_where)
        return cls(node.name, inputs, output, ports=node.shape)

    def transform(self, frame: Frame) -> Frame:
        reader = reader_of(self)
        columns = [frame[spec.column] for spec in self.assembled]
        if any(isinstance(column, SparseRows) for column in columns):
            frame[self.output_col] = _assemble_sparse_batch(self.assembled, columns, reader)
            return frame
        pieces = [
            spec.piece(column, reader) for spec, column in zip(self.assembled, columns, strict=True)
        ]
        frame[self.output_col] = np.concatenate(pieces, axis=1).astype(np.float64, copy=False)
        return frame

    def row_step(self) -> RowStep:
        target = self.output_col
        pieces = _row_pieces(self.assembled)
        if len(pieces) == 1 and pieces[0][0] is not None:
            scalars = pieces[0][0]

            def assemble_scalars(row: Row) -> None:
                row[target] = list(scalars(row))

            return assemble_scalars
        reader = reader_of(self)
        specs = self.assembled
        plan = [_piece_plan(scalars, spec) for scalars, spec in pieces]

        def assemble(row: Row) -> None:
            assembled: list[float] = []
            for kind, source, width in plan:
                if kind is _SCALARS:
                    assembled += source(row)
                    continue
                value = row[source]
                if kind is _SCALAR:
                    assembled.append(value)
                elif value.__class__ is SparseVector:
                    # NOTE: one sparse input makes the whole output sparse.
                    row[target] = _assemble_sparse_row(specs, row, reader)
                    return
                elif kind is _VECTOR or value.__class__ is list:
                    if width is not None and len(value) != width:
                        raise width_error(source, len(value), width, reader)
                    assembled += value
                else:
                    assembled.append(value)
            row[target] = assembled

        return assemble

    def concatenated_columns(self) -> Pieces | None:
        if any(i.kind == "any" or (i.kind == "vector" and not i.width) for i in self.assembled):
            return None
        return tuple(
            (i.column, (i.width or 0) if i.kind == "vector" else 0) for i in self.assembled
        )

    def store(self) -> StoredNode:
        if any(i.kind == "any" for i in self.assembled):
            # NOTE: legacy bundles (MLeap < 0.8) leave the shapes to the data, and so does this.
            shapes = None
        else:
            shapes = [_shape_of(i) for i in self.assembled]
        return stored(self.name, [i.column for i in self.assembled], self.output_col, shapes)


def _assemble_sparse_row(specs: list[AssemblerInput], row: Row, reader: str) -> SparseVector:
    """One row assembled sparse (an input is sparse): the inputs' stored slots, and the non-zero
    values (NaN included) of the dense ones, each input's slots after the previous ones."""
    offset = 0
    indices: list[int] = []
    values: list[float] = []
    for spec in specs:
        value = row[spec.column]
        if value.__class__ is SparseVector:
            if spec.width is not None and value.size != spec.width:
                raise width_error(spec.column, value.size, spec.width, reader)
            indices += [offset + i for i in value.indices]
            values += value.values
            offset += value.size
            continue
        dense = [value] if spec.kind == "scalar" or value.__class__ is not list else value
        if spec.kind == "vector" and spec.width is not None and len(dense) != spec.width:
            raise width_error(spec.column, len(dense), spec.width, reader)
        for i, x in enumerate(dense):
            if x != 0.0:
                indices.append(offset + i)
                values.append(x)
        offset += len(dense)
    return SparseVector(offset, indices, values)


def _assemble_sparse_batch(
    specs: list[AssemblerInput], columns: list[Any], reader: str
) -> SparseRows:
    """``_assemble_sparse_row`` over a batch: the same slots and values, as ``SparseRows``."""
    rows_of: list[Any] = []
    slots_of: list[Any] = []
    values_of: list[Any] = []
    offset = 0
    count = len(columns[0])
    for spec, column in zip(specs, columns, strict=True):
        if isinstance(column, SparseRows):
            if spec.width is not None and column.size != spec.width:
                raise width_error(spec.column, column.size, spec.width, reader)
            rows, slots, values, width = (
                column.row_of_each_value(),
                column.indices,
                column.values,
                column.size,
            )
        else:
            piece = spec.piece(column, reader)
            rows, slots = np.nonzero(piece != 0.0)
            values, width = piece[rows, slots], piece.shape[1]
        rows_of.append(rows)
        slots_of.append(slots + offset)
        values_of.append(np.asarray(values, dtype=np.float64))
        offset += width
    rows, slots = np.concatenate(rows_of), np.concatenate(slots_of)
    order = np.lexsort((slots, rows))
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
    return SparseRows(
        offset, indptr, slots[order].astype(np.int64), np.concatenate(values_of)[order]
    )


ScalarRun = Callable[[Row], tuple[Any, ...]]

# NOTE: what one piece of the row plan reads: a run of scalars (an ``itemgetter``), one scalar,
# a vector, or an input of unknown shape (a vector if it holds a list, else a scalar).
_SCALARS, _SCALAR, _VECTOR, _ANY = "scalars", "scalar", "vector", "any"


def _piece_plan(scalars: ScalarRun | None, spec: AssemblerInput) -> tuple[str, Any, int | None]:
    """(kind, what to read, width) of one piece: ``_row_pieces``' entry as the step reads it."""
    if scalars is not None:
        return _SCALARS, scalars, None
    kind = {"scalar": _SCALAR, "vector": _VECTOR, "any": _ANY}[spec.kind]
    return kind, spec.column, spec.width


def _row_pieces(inputs: list[AssemblerInput]) -> list[tuple[ScalarRun | None, AssemblerInput]]:
    """The row path's plan: each run of two or more consecutive scalars read by one
    ``itemgetter`` call (C speed), every other input on its own (``None`` getter)."""
    pieces: list[tuple[ScalarRun | None, AssemblerInput]] = []
    run: list[AssemblerInput] = []
    for spec in [*inputs, None]:
        if spec is not None and spec.kind == "scalar":
            run.append(spec)
            continue
        if len(run) > 1:
            pieces.append((itemgetter(*[s.column for s in run]), run[0]))
        elif run:
            # NOTE: itemgetter of one key returns the value itself, not a 1-tuple.
            pieces.append((None, run[0]))
        run = []
        if spec is not None:
            pieces.append((None, spec))
    return pieces


def _shape_of(spec: AssemblerInput) -> DataShape:
    # NOTE: nullability is not kept by the op; true accepts what MLeap's runtime is given.
    if spec.kind == "scalar":
        return DataShape("scalar", True)
    return DataShape("tensor", True, (spec.width if spec.width is not None else -1,))


def stored(
    name: str, inputs: Sequence[str], output_col: str, shapes: Sequence[DataShape] | None
) -> StoredNode:
    """The ``vector_assembler`` node MLeap writes: each input's shape, ports ``input0``.."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered

    attributes = {} if shapes is None else {"input_shapes": attr.data_shape_list(shapes)}
    shape = node_shape(numbered("input", inputs), [("output", output_col)])
    return StoredNode(name, shape, StoredModel("vector_assembler", attributes))
