"""Scoring the rows of any model: ``POST /transform``, ``POST /invocations`` and the MLflow flavor.

The rows that fit the model's inputs (``snowleap.input_rows``) are scored in one batch. When an
op refuses one of them (a label unseen in training with ``handle_invalid`` ``error``) or drops it
(``skip``), the batch cannot say which, so the rows are scored again one by one: every row of a
request ends up scored or rejected with its reason, never lost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from snowleap.errors import InputError
from snowleap.input_rows import InputRows, RejectedRow
from snowleap.leapframe import write_leapframe
from snowleap.model import Model
from snowleap.numeric import np, numpy_if_imported, numpy_importable
from snowleap.ops.base import ColumnType, Frame
from snowleap.ops.sparse import SparseRows, object_column, vector_batch

SKIPPED = "the model skipped this row (one of its ops drops invalid rows: handle_invalid 'skip')"
REFUSED = (
    "the model refused a value of this row (for example a category unseen in training, where an "
    "op has handle_invalid 'error')"
)
_COLUMN_IN_MESSAGE = re.compile(r"column '([^']*)'")


@dataclass(frozen=True)
class ScoredRows:
    """The scored rows (``frame``: every column, one entry per ``indices`` position) and the rest.

    ``indices`` are the request positions of the scored rows, in order; together with
    ``rejected`` they name each of the ``received`` rows exactly once.
    """

    frame: Frame
    indices: list[int]
    rejected: list[RejectedRow]
    received: int
    types: dict[str, ColumnType]

    def accounted(self) -> bool:
        every = sorted([*self.indices, *(r.index for r in self.rejected)])
        return every == list(range(self.received))


def score_rows(model: Model, rows: InputRows) -> ScoredRows:
    """Score ``rows``: in one batch, or row by row when the batch refuses or drops a row or
    numpy is absent (``NumpyLayer=false``: the row path gives the batch's numbers).

    Example
    -------
    >>> scored = score_rows(model, read_leapframe_rows(doc, model.input_schema))  # doctest: +SKIP
    >>> scored.indices, scored.rejected                                          # doctest: +SKIP
    ([0, 2], [RejectedRow(index=1, reason="column 'x': expected a double, got a string")])
    """
    types = {**model.input_schema, **model.output_schema}
    if not rows.kept:
        return ScoredRows(_empty_frame(model, rows), [], rows.rejected, rows.received, types)
    if not numpy_importable():
        return _score_each(model, rows, types)
    try:
        frame = model.transform(rows.columns)
    except InputError:
        frame = None
    outputs = list(model.output_schema)
    if frame is not None and (not outputs or len(frame[outputs[0]]) == len(rows.kept)):
        return ScoredRows(frame, list(rows.kept), rows.rejected, rows.received, types)
    return _score_each(model, rows, types)


def _score_each(model: Model, rows: InputRows, types: dict[str, ColumnType]) -> ScoredRows:
    known = set(types)
    results: list[dict[str, Any]] = []
    indices: list[int] = []
    rejected = list(rows.rejected)
    for position, index in enumerate(rows.kept):
        row = {name: _cell(column, position) for name, column in rows.columns.items()}
        try:
            scored = model.transform_row(row)
        except InputError as exc:
            rejected.append(RejectedRow(index, _refusal(str(exc), known)))
            continue
        if scored is None:
            rejected.append(RejectedRow(index, SKIPPED))
            continue
        results.append(scored)
        indices.append(index)
    rejected.sort(key=lambda r: r.index)
    if not results:
        return ScoredRows(_empty_frame(model, rows), [], rejected, rows.received, types)
    frame: Frame = {}
    for name in results[0]:
        values = [result[name] for result in results]
        ctype = types.get(name)
        vector = ctype is not None and ctype.is_vector
        frame[name] = (
            vector_batch(values, ctype.size if ctype else None)
            if vector
            else (object_column(values))
        )
    return ScoredRows(frame, indices, rejected, rows.received, types)


def _cell(column: Any, position: int) -> Any:
    value = column[position]
    numpy = numpy_if_imported()
    return value.tolist() if numpy is not None and isinstance(value, numpy.ndarray) else value


def _refusal(message: str, known: set[str]) -> str:
    """The reason an op refused a row, naming the model's column but never the value."""
    # NOTE: an op's message may quote the value it refused; only a column name the model itself
    # declares is taken from it.
    match = _COLUMN_IN_MESSAGE.search(message)
    if match is not None and match.group(1) in known:
        return f"column {match.group(1)!r}: {REFUSED}"
    return REFUSED


def _empty_frame(model: Model, rows: InputRows) -> Frame:
    if not numpy_importable():
        empty: Frame = dict(rows.columns)
        return empty | {name: [] for name in model.output_schema}
    frame: Frame = {
        name: column if isinstance(column, (np.ndarray, SparseRows)) else object_column(column)
        for name, column in rows.columns.items()
    }
    for name, ctype in model.output_schema.items():
        frame[name] = np.empty((0, ctype.size or 0)) if ctype.is_vector else np.empty(0, object)
    return frame


def select_columns(
    scored: ScoredRows, fields: Sequence[str] | None, default: list[str]
) -> list[str]:
    """The output columns a request asked for (``fields``), else ``default``; ``InputError`` for
    a name that is no column of the output (named by its position in ``fields``)."""
    if fields is None:
        return default
    for position, name in enumerate(fields):
        if name not in scored.frame:
            raise InputError(
                f"fields[{position}] names no column of the output frame (the model's input "
                "and output schema list its columns)"
            )
    if not fields:
        raise InputError("fields is empty: name at least one output column")
    return list(dict.fromkeys(fields))


def leapframe_response(scored: ScoredRows, columns: list[str]) -> dict[str, Any]:
    """The output LeapFrame of ``scored`` (``columns`` only) with the request's accounting."""
    document = write_leapframe(scored.frame, columns, scored.types)
    return {
        **document,
        "rows_received": scored.received,
        "row_indices": scored.indices,
        "rejected": [r.as_dict() for r in scored.rejected],
    }


def predictions(scored: ScoredRows, columns: list[str]) -> list[dict[str, Any] | None]:
    """One record per request row (``None`` where it was rejected), vectors as lists of numbers,
    as MLflow's scoring server writes a DataFrame of predictions."""
    document = write_leapframe(scored.frame, columns, scored.types)
    records: list[dict[str, Any] | None] = [None] * scored.received
    for index, row in zip(scored.indices, document["rows"], strict=True):
        records[index] = {
            name: value["values"] if isinstance(value, dict) else value
            for name, value in zip(columns, row, strict=True)
        }
    return records
