"""Plumbing shared by ops that turn one column into another one value at a time: the text ops.

Cutting a string into tokens, filtering a token list, hashing or counting tokens are Python
string work by nature: there is no array form of a regular expression. Such an op supplies one
function of one cell (the math) and ``CellMapOp`` runs it on both paths, so the batch and the row
give the same values by construction: the batch maps it over the column and stores the results
as the output type needs (an object array of lists, dense rows, ``SparseRows``).

A function refuses a value by raising ``CellError`` with the reason; the op turns it into an
``InputError`` naming the column (and the row, in a batch) and the op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from snowleap.errors import InputError, SnowleapError
from snowleap.ops.base import ColumnType, Field, Frame, Op, Row, RowStep
from snowleap.ops.sparse import object_column, vector_batch
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape

CellFunction = Callable[[Any], Any]


class CellError(SnowleapError):
    """A cell an op cannot map; the message says why without quoting the value.

    Internal: the op always re-raises it as an ``InputError`` naming the column and row.
    """


class CellMapOp(Op):
    """One input column (port ``input``) to one output column (``output``) through ``function``."""

    op_name: ClassVar[str]

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        input_type: ColumnType,
        output_type: ColumnType,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name, [Field(input_col, input_type)], [Field(output_col, output_type)], ports=ports
        )
        self.input_col = input_col
        self.output_col = output_col
        self.output_type = output_type

    def cell_function(self) -> CellFunction:
        """The function of one input value, prepared once (both paths call the same one)."""
        raise NotImplementedError

    def transform(self, frame: Frame) -> Frame:
        function = self.cell_function()
        cells = []
        for row, value in enumerate(frame[self.input_col]):
            try:
                cells.append(function(value))
            except CellError as exc:
                raise self._error(exc, row) from None
        if self.output_type.shape == "vector":
            frame[self.output_col] = vector_batch(cells, self.output_type.size)
        else:
            frame[self.output_col] = object_column(cells)
        return frame

    def row_step(self) -> RowStep:
        function = self.cell_function()
        source, target = self.input_col, self.output_col

        def map_cell(row: Row) -> None:
            try:
                row[target] = function(row[source])
            except CellError as exc:
                raise self._error(exc, None) from None

        return map_cell

    def _error(self, exc: CellError, row: int | None) -> InputError:
        where = f"column {self.input_col!r}" + (f", row {row}" if row is not None else "")
        return InputError(f"{where}: {exc} ({reader_of(self)})")


def require_tokens(value: Any) -> list[Any]:
    """A token list cell, or ``CellError`` for a null list."""
    if value is None:
        raise CellError("null token list")
    tokens: list[Any] = value
    return tokens


def require_text(value: Any) -> str:
    """A string cell, or ``CellError`` for null (Spark and MLeap fail on a null string too)."""
    if value is None:
        raise CellError("null string, a string is needed")
    text: str = value
    return text
