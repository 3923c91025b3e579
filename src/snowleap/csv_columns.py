"""CSV for ``snowleap score``: streamed in Arrow batches, vectors as JSON arrays in a cell.

The model's inputs are read as the types it takes (a string input stays text even when its
values look like numbers); other columns keep what Arrow infers from the first block. A vector
cell is a JSON array of numbers (``[0.5, 1, 2]``), as ``snowleap score`` writes one; a cell that
is not becomes a missing vector, rejected with its row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from snowleap.arrow_columns import arrow_type
from snowleap.errors import InputError
from snowleap.ops.base import ColumnType


class _CountingFile:
    """A binary file that counts the bytes read from it (for the progress bar)."""

    def __init__(self, path: Path) -> None:
        self._handle = path.open("rb")
        self.read_bytes = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.read_bytes += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._handle.close()
        self.closed = True


def csv_batches(
    source: Path, inputs: Mapping[str, ColumnType], chunk_rows: int, block_bytes: int
) -> Iterator[tuple[Any, int]]:
    """Arrow batches of at most ``chunk_rows`` rows, and the bytes read for each."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    types = {
        name: pa.string() if ctype.is_vector else arrow_type(ctype)
        for name, ctype in inputs.items()
    }
    counted = _CountingFile(source)
    try:
        reader = pcsv.open_csv(
            counted,
            read_options=pcsv.ReadOptions(block_size=block_bytes),
            convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False),
        )
        seen = 0
        while True:
            try:
                block = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise InputError(f"{source}: not CSV the model can read ({exc})") from None
            consumed, seen = counted.read_bytes - seen, counted.read_bytes
            block = _with_vectors(block, inputs)
            for start in range(0, max(block.num_rows, 1), chunk_rows):
                part = block.slice(start, chunk_rows)
                yield part, consumed if start == 0 else 0
    except pa.ArrowInvalid as exc:
        raise InputError(f"{source}: not CSV the model can read ({exc})") from None
    finally:
        counted.close()


def _with_vectors(block: Any, inputs: Mapping[str, ColumnType]) -> Any:
    import pyarrow as pa

    for name, ctype in inputs.items():
        if ctype.is_vector and name in block.schema.names:
            position = block.schema.get_field_index(name)
            cells = [_vector_cell(text) for text in block.column(position).to_pylist()]
            block = _replaced(block, position, pa.array(cells, type=pa.list_(pa.float64())))
    return block


def _vector_cell(text: str | None) -> list[float] | None:
    try:
        value = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    if isinstance(value, list) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
    ):
        return [float(v) for v in value]
    return None


def csv_ready(batch: Any) -> Any:
    """``batch`` with its list columns (vectors) as JSON text, which CSV can hold."""
    import pyarrow as pa

    for position, column_field in enumerate(batch.schema):
        if pa.types.is_list(column_field.type) or pa.types.is_large_list(column_field.type):
            cells = batch.column(position).to_pylist()
            text = [None if cell is None else json.dumps(cell) for cell in cells]
            batch = _replaced(batch, position, pa.array(text, type=pa.string()))
    return batch


def _replaced(batch: Any, position: int, array: Any) -> Any:
    import pyarrow as pa

    arrays = list(batch.columns)
    arrays[position] = array
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
