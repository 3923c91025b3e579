"""``snowleap score BUNDLE INPUT --out OUTPUT``: big files scored on one machine, chunk by chunk.

Parquet, CSV and JSON Lines in, any of the three out (by file suffix), read and written one chunk
of at most ``chunk_rows`` rows at a time, so memory stays bounded by the chunk, not the file.
Each output row is the input row's columns followed by the model's outputs (vectors as lists of
numbers; JSON text in CSV). A row that cannot be scored is written to the rejected file (JSON
Lines ``{"row": N, "reason": ...}``, ``N`` its 0-based position in the input, blank JSON lines
counted), never dropped. The output appears under its name only when complete. Needs pyarrow
(the ``export`` extra); a progress bar on stderr when tqdm is installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from snowleap.arrow_scoring import chosen_outputs, score_batch
from snowleap.errors import InputError
from snowleap.input_rows import RejectedRow, read_records
from snowleap.model import Model
from snowleap.serving.rows import predictions, score_rows

SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".jsonl": "jsonl"}
SUFFIXES |= {".ndjson": "jsonl", ".json": "jsonl"}
DEFAULT_CHUNK_ROWS = 50_000
_CSV_BLOCK_BYTES = 4 << 20


@dataclass
class FileScoring:
    """What one run did: rows read, scored and rejected, chunks, and where the rejects went."""

    rows_read: int = 0
    rows_scored: int = 0
    chunks: int = 0
    rejected: int = 0
    rejected_path: Path | None = None
    largest_chunk: int = 0
    outputs: list[str] = field(default_factory=list)

    def summary(self, target: Path) -> str:
        text = f"{target}: {self.rows_scored:,} of {self.rows_read:,} rows scored"
        text += f" in {self.chunks} chunk(s)"
        if self.rejected:
            text += f"; {self.rejected:,} rejected, listed in {self.rejected_path}"
        return text


def file_format(path: Path, given: str | None = None) -> str:
    """``parquet``, ``csv`` or ``jsonl``: ``given``, else from the file's suffix."""
    if given is not None:
        return given
    found = SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r} (use .parquet, "
            ".csv or .jsonl, or say --input-format / --output-format)"
        )
    return found


def score_file(
    model: Model,
    source: Path,
    target: Path,
    *,
    outputs: Sequence[str] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    formats: tuple[str | None, str | None] = (None, None),
    rejected_path: Path | None = None,
    progress: TextIO | None = None,
) -> FileScoring:
    """Score ``source`` into ``target`` chunk by chunk (see the module docstring)."""
    if chunk_rows < 1:
        raise InputError(f"chunk size {chunk_rows}: give at least one row")
    in_format, out_format = file_format(source, formats[0]), file_format(target, formats[1])
    wanted = chosen_outputs(model, outputs)
    listing = rejected_path or target.with_name(target.name + ".rejected.jsonl")
    run = FileScoring(rejected_path=listing, outputs=wanted)
    partial = target.with_name(f".{target.name}.partial")
    rejects = listing.with_name(f".{listing.name}.partial")
    bar = _progress_bar(source, in_format, progress)
    try:
        with _Writer(partial, out_format) as writer, rejects.open("w", encoding="utf-8") as bad:
            for offset, chunk, done in _chunks(source, in_format, model, chunk_rows):
                rows, rejected = _score_chunk(model, chunk, wanted)
                writer.write(rows)
                for row in rejected:
                    bad.write(json.dumps({"row": offset + row.index, "reason": row.reason}) + "\n")
                size = _length(chunk)
                run.rows_read += size
                run.rows_scored += size - len(rejected)
                run.rejected += len(rejected)
                run.chunks += 1
                run.largest_chunk = max(run.largest_chunk, size)
                bar.update(done)
    except BaseException:
        partial.unlink(missing_ok=True)
        rejects.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    os.replace(partial, target)
    if run.rejected:
        os.replace(rejects, listing)
    else:
        rejects.unlink()
        run.rejected_path = None
    return run


def _length(chunk: Any) -> int:
    return len(chunk) if isinstance(chunk, list) else int(chunk.num_rows)


def _score_chunk(model: Model, chunk: Any, outputs: list[str]) -> tuple[Any, list[RejectedRow]]:
    """Arrow chunks through ``score_batch``; JSON Lines records through ``score_rows``."""
    if not isinstance(chunk, list):
        scored = score_batch(model, chunk, outputs)
        return scored.batch, scored.rejected
    parsed = [(i, record) for i, record in enumerate(chunk) if not isinstance(record, RejectedRow)]
    unreadable = [record for record in chunk if isinstance(record, RejectedRow)]
    read = read_records([record for _, record in parsed], model.input_schema)
    result = score_rows(model, read)
    added = predictions(result, outputs)
    rows = [
        {**parsed[position][1], **values}
        for position, values in enumerate(added)
        if values is not None
    ]
    rejected = [RejectedRow(parsed[r.index][0], r.reason) for r in result.rejected]
    return rows, sorted([*unreadable, *rejected], key=lambda r: r.index)


def _chunks(
    source: Path, in_format: str, model: Model, chunk_rows: int
) -> Iterator[tuple[int, Any, int]]:
    """(offset of the chunk's first row, the chunk, progress made) for each chunk of ``source``."""
    offset = 0
    if in_format == "jsonl":
        for chunk, consumed in _jsonl_chunks(source, chunk_rows):
            yield offset, chunk, consumed
            offset += len(chunk)
        return
    for batch, consumed in _arrow_batches(source, in_format, model, chunk_rows):
        yield offset, batch, consumed
        offset += batch.num_rows


def _arrow_batches(
    source: Path, in_format: str, model: Model, chunk_rows: int
) -> Iterator[tuple[Any, int]]:
    try:
        if in_format == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(source).iter_batches(batch_size=chunk_rows):
                yield batch, batch.num_rows
            return
        from snowleap.csv_columns import csv_batches

        yield from csv_batches(source, model.input_schema, chunk_rows, _CSV_BLOCK_BYTES)
    except OSError as exc:
        raise InputError(f"{source}: cannot read it as {in_format} ({exc})") from None


def _jsonl_chunks(source: Path, chunk_rows: int) -> Iterator[tuple[list[Any], int]]:
    """Lists of row objects (or a ``RejectedRow`` for a line that is none), bytes consumed."""
    chunk: list[Any] = []
    consumed = 0
    with _open_binary(source) as handle:
        for line in handle:
            consumed += len(line)
            if not line.strip():
                chunk.append(RejectedRow(len(chunk), "a blank line, not a row object"))
            else:
                chunk.append(_json_row(line, len(chunk)))
            if len(chunk) == chunk_rows:
                yield chunk, consumed
                chunk, consumed = [], 0
    if chunk:
        yield chunk, consumed


def _json_row(line: bytes, index: int) -> Any:
    try:
        row = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = getattr(exc, "msg", None) or getattr(exc, "reason", "not UTF-8")
        return RejectedRow(index, f"not a JSON object ({reason})")
    except RecursionError:
        return RejectedRow(index, "JSON nests too deeply")
    return row if isinstance(row, dict) else RejectedRow(index, "expected a JSON object (one row)")


def _open_binary(source: Path) -> BinaryIO:
    try:
        return source.open("rb")
    except OSError as exc:
        raise InputError(f"{source}: cannot read it ({exc.strerror})") from None


class _Writer:
    """Chunks of output rows (Arrow batches or row objects) appended to one file."""

    def __init__(self, path: Path, out_format: str) -> None:
        self._path = path
        self._format = out_format
        self._arrow: Any = None
        self._text: TextIO | None = None

    def __enter__(self) -> _Writer:
        if self._format == "jsonl":
            self._text = self._path.open("w", encoding="utf-8")
        return self

    def write(self, rows: Any) -> None:
        if self._text is not None:
            records = rows if isinstance(rows, list) else rows.to_pylist()
            self._text.writelines(json.dumps(record, default=str) + "\n" for record in records)
            return
        batch = rows if not isinstance(rows, list) else _records_batch(rows)
        if self._format == "csv":
            from snowleap.csv_columns import csv_ready

            batch = csv_ready(batch)
        if self._arrow is None:
            self._arrow = _arrow_writer(self._path, self._format, batch.schema)
        self._arrow.write_batch(batch)

    def __exit__(self, *exc: object) -> None:
        if self._text is not None:
            self._text.close()
        elif self._arrow is not None:
            self._arrow.close()
        else:
            self._path.write_bytes(b"")


def _arrow_writer(path: Path, out_format: str, schema: Any) -> Any:
    if out_format == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetWriter(path, schema)
    import pyarrow.csv as pcsv

    return pcsv.CSVWriter(path, schema)


def _records_batch(records: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    try:
        return pa.RecordBatch.from_pylist(records)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(
            f"the rows' columns do not hold one type each, as Parquet and CSV need ({exc}); "
            "write JSON Lines instead"
        ) from None


def _progress_bar(source: Path, in_format: str, stream: TextIO | None) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # NOTE: the bar is a nicety: tqdm comes with the export extra
        stream = None
    if stream is None:
        return _NoBar()
    if in_format == "parquet":
        import pyarrow.parquet as pq

        total, unit, scale = pq.ParquetFile(source).metadata.num_rows, "rows", False
    else:
        total, unit, scale = source.stat().st_size, "B", True
    return tqdm(total=total, unit=unit, unit_scale=scale, file=stream, desc="scoring")


class _NoBar:
    def update(self, done: int) -> None:
        pass

    def close(self) -> None:
        pass
