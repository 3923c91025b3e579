"""Scoring one Arrow record batch: the batch's own columns, then the model's outputs.

``snowleap.spark.score`` runs it in Spark's Python workers and ``snowleap score`` on each chunk of
a Parquet or CSV file. Rows are scored in one batch (``snowleap.serving.rows.score_rows``, which
falls back to one row at a time to tell which row a refusing op meant); every row comes out
scored or rejected with its reason, never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from snowleap.arrow_columns import arrow_array, arrow_type, batch_rows
from snowleap.input_rows import RejectedRow
from snowleap.model import Model
from snowleap.serving.rows import SKIPPED, score_rows


@dataclass(frozen=True)
class ScoredBatch:
    """``batch``: the scored rows (the input batch's columns, then ``outputs``); ``rejected``:
    the others, by their 0-based position in the input batch."""

    batch: Any
    rejected: list[RejectedRow]

    @property
    def refused(self) -> list[RejectedRow]:
        """The rejected rows the model did not mean to drop (``handle_invalid = skip`` does)."""
        return [row for row in self.rejected if row.reason != SKIPPED]


def score_batch(
    model: Model, batch: Any, outputs: Sequence[str], reason_column: str | None = None
) -> ScoredBatch:
    """Score ``batch`` (a ``pyarrow.RecordBatch``) and append the columns ``outputs``.

    With ``reason_column`` every input row stays, in order: a rejected row gets nulls for the
    outputs and its reason in that (string) column, a scored row a null reason.
    """
    import pyarrow as pa

    scored = score_rows(model, batch_rows(batch, model.input_schema))
    types = scored.types
    added = [arrow_array(scored.frame[name], types[name]) for name in outputs]
    if reason_column is None:
        kept = batch.take(pa.array(scored.indices, type=pa.int64()))
        arrays = [*kept.columns, *added]
        names = [*batch.schema.names, *outputs]
        return ScoredBatch(pa.RecordBatch.from_arrays(arrays, names=names), scored.rejected)
    place: list[int | None] = [None] * batch.num_rows
    for position, index in enumerate(scored.indices):
        place[index] = position
    where = pa.array(place, type=pa.int64())
    reasons: list[str | None] = [None] * batch.num_rows
    for row in scored.rejected:
        reasons[row.index] = row.reason
    arrays = [
        *batch.columns,
        *(column.take(where) for column in added),
        pa.array(reasons, type=pa.string()),
    ]
    names = [*batch.schema.names, *outputs, reason_column]
    return ScoredBatch(pa.RecordBatch.from_arrays(arrays, names=names), scored.rejected)


def output_arrow_types(model: Model, outputs: Sequence[str]) -> list[tuple[str, Any]]:
    """The Arrow type of each output column, as ``score_batch`` writes it."""
    schema = model.output_schema
    return [(name, arrow_type(schema[name])) for name in outputs]


def chosen_outputs(model: Model, outputs: Sequence[str] | None) -> list[str]:
    """``outputs`` checked against the model's output columns; ``None`` means all of them."""
    from snowleap.errors import InputError

    available = list(model.output_schema)
    if outputs is None:
        return available
    if isinstance(outputs, str):
        outputs = [outputs]
    unknown = [name for name in outputs if name not in model.output_schema]
    if unknown:
        raise InputError(
            f"output {unknown[0]!r} is not a column the model adds (it adds: "
            f"{', '.join(available)})"
        )
    if not outputs:
        raise InputError("outputs is empty: name at least one column the model adds")
    return list(dict.fromkeys(outputs))
