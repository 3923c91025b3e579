"""``vector_assembler``: concatenates scalars and vectors into one vector; mirrors MLeap's
``VectorAssemblerModel``.

``input_shapes`` gives each input's shape (ports ``input0``..``inputN``): a scalar adds one slot,
a tensor of size ``n`` adds ``n``. A vector of another width raises naming the column.

Missing values: MLeap throws on a null input but passes NaN through. snowleap's frames hold a
missing number as NaN (``None`` becomes NaN on the way in), so a missing scalar is assembled as
NaN; a missing (``None``) vector is refused when the input is converted.

Bundles written before MLeap 0.8 have no ``input_shapes``; each input's shape is then taken from
its data (a 2-D batch column or a list in a row is a vector, anything else a scalar), and inputs
the pipeline does not produce are expected to be double scalars.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from snowleap.bundle.values import DataShape
from snowleap.errors import BundleError, InputError
from snowleap.ops.base import DOUBLE, ColumnType, Field, Frame, Op, Row, RowStep, vector

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AssemblerInput:
    """One input column: ``scalar``, ``vector`` of ``width`` slots, or ``any`` (shape unknown)."""

    column: str
    kind: Literal["scalar", "vector", "any"]
    width: int | None = None

    @property
    def column_type(self) -> ColumnType:
        return vector(self.width) if self.kind == "vector" else DOUBLE

    def piece(self, values: FloatArray) -> FloatArray:
        """This input's block of the assembled batch, as a 2-D array."""
        if values.ndim == 1 and self.kind != "vector":
            return values.reshape(-1, 1)
        if values.ndim == 2 and self.kind != "scalar":
            if self.width is not None and values.shape[1] != self.width:
                raise self.width_error(values.shape[1])
            return values
        raise InputError(
            f"column {self.column!r}: vector_assembler expects a {self.kind}, got an array of "
            f"shape {values.shape}"
        )

    def width_error(self, width: int) -> InputError:
        return InputError(
            f"column {self.column!r}: vector has width {width}, vector_assembler expects "
            f"{self.width}"
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

    def __init__(self, name: str, inputs: list[AssemblerInput], output_col: str) -> None:
        widths = [1 if i.kind == "scalar" else i.width for i in inputs]
        size = None if None in widths else sum(w for w in widths if w is not None)
        super().__init__(
            name,
            [Field(i.column, i.column_type) for i in inputs],
            [Field(output_col, vector(size))],
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
        return cls(node.name, inputs, node.shape.output("output", node.node_where))

    def transform(self, frame: Frame) -> Frame:
        pieces = [spec.piece(frame[spec.column]) for spec in self.assembled]
        frame[self.output_col] = np.concatenate(pieces, axis=1).astype(np.float64, copy=False)
        return frame

    def row_step(self) -> RowStep:
        target = self.output_col
        if all(spec.kind == "scalar" for spec in self.assembled):
            columns = [spec.column for spec in self.assembled]

            def assemble_scalars(row: Row) -> None:
                row[target] = [row[column] for column in columns]

            return assemble_scalars
        specs = [(spec.column, spec.kind, spec.width, spec) for spec in self.assembled]

        def assemble(row: Row) -> None:
            assembled: list[float] = []
            for column, kind, width, spec in specs:
                value = row[column]
                if kind == "scalar" or (kind == "any" and value.__class__ is not list):
                    assembled.append(value)
                else:
                    if width is not None and len(value) != width:
                        raise spec.width_error(len(value))
                    assembled.extend(value)
            row[target] = assembled

        return assemble
