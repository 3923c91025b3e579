"""Caller rows checked against a model's inputs: the rows that fit, as the columns
``Model.transform`` takes, and every other row rejected with its index and the reason.

Rows arrive in three shapes: a LeapFrame document (its schema declares the types), a table (column
names and rows of values, as MLflow's ``dataframe_split``) and row objects (JSON Lines, MLflow's
``dataframe_records``). Every value is decoded by the LeapFrame codec (``snowleap.leapframe``).
A problem with the request as a whole (a model input missing from the schema, a type that cannot
feed it) raises ``InputError``; a problem with one row rejects that row only. Reasons name the
model's columns, or the caller's other columns by position, and never quote a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from snowleap.errors import InputError
from snowleap.leapframe import (
    Column,
    ColumnSpec,
    decode_rows,
    field_type_of,
    read_leapframe_document,
    row_shape_problem,
)
from snowleap.leapframe_values import FieldType, json_kind
from snowleap.ops.base import ColumnType

Schema = Mapping[str, ColumnType]


@dataclass(frozen=True)
class RejectedRow:
    """A row that cannot be scored: its 0-based position in the request and why."""

    index: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "reason": self.reason}


@dataclass
class InputRows:
    """The rows that fit (``columns``, one entry per ``kept`` index) and the ones that did not."""

    columns: dict[str, Column]
    kept: list[int]
    rejected: list[RejectedRow]

    @property
    def received(self) -> int:
        return len(self.kept) + len(self.rejected)


class _Rejections(list[RejectedRow]):
    def __call__(self, index: int, reason: str) -> None:
        self.append(RejectedRow(index, reason))


def read_leapframe_rows(doc: Any, inputs: Schema) -> InputRows:
    """The rows of a LeapFrame document for a model taking ``inputs``.

    Every input must be a field of the schema, declared with a type that can feed it (a number
    for a double, the model's vector width...); other fields pass through, decoded by their
    declared type.

    Example
    -------
    >>> doc = {"schema": {"fields": [{"name": "x", "type": "double"}]}, "rows": [[1], ["a"]]}
    >>> read_leapframe_rows(doc, {"x": ColumnType("double")}).rejected
    [RejectedRow(index=1, reason="column 'x': expected a double, got a string")]
    """
    fields, rows = read_leapframe_document(doc)
    _check_unique([name for name, _ in fields], "leapframe: schema fields")
    declared = dict(fields)
    for name, ctype in inputs.items():
        if name not in declared:
            raise InputError(
                f"the frame has no field {name!r} ({ctype}), an input of the model "
                "(GET /model lists the input schema)"
            )
        problem = _feed_problem(declared[name], field_type_of(ctype))
        if problem is not None:
            raise InputError(f"field {name!r} is declared {declared[name]}; {problem}")
    specs = [
        _input_spec(name, ftype, inputs[name])
        if name in inputs
        else ColumnSpec(name, ftype, f"schema field {position}")
        for position, (name, ftype) in enumerate(fields)
    ]
    reject = _Rejections()
    shaped = _shaped_rows(rows, len(specs), reject)
    columns, kept = decode_rows(specs, shaped, reject)
    return InputRows(columns, kept, _by_index(reject))


def read_table_rows(
    names: Sequence[Any], rows: Sequence[Any], inputs: Schema, *, keep_extra: bool = False
) -> InputRows:
    """The rows of a table (``names`` of its columns, each row a list of values) for ``inputs``.

    Values are decoded by the model's input types; other columns are dropped, or kept as they
    come with ``keep_extra``.
    """
    if not all(isinstance(name, str) for name in names):
        raise InputError("column names should be strings")
    _check_unique(list(names), "columns")
    missing = [name for name in inputs if name not in names]
    if missing:
        raise InputError(
            f"the table has no column {missing[0]!r} ({inputs[missing[0]]}), an input of the "
            "model (GET /model lists the input schema)"
        )
    reject = _Rejections()
    shaped = list(_shaped_rows(rows, len(names), reject))
    positions = [names.index(name) for name in inputs]
    specs = [_input_spec(name, field_type_of(ctype), ctype) for name, ctype in inputs.items()]
    columns, kept = decode_rows(
        specs, ((index, [row[p] for p in positions]) for index, row in shaped), reject
    )
    if keep_extra:
        by_index = dict(shaped)
        for position, name in enumerate(names):
            if name not in inputs:
                columns[name] = [by_index[index][position] for index in kept]
    return InputRows(columns, kept, _by_index(reject))


def read_records(records: Sequence[Any], inputs: Schema, *, keep_extra: bool = False) -> InputRows:
    """The rows of a list of row objects (``{"column": value, ...}``) for ``inputs``.

    A row without one of the inputs is rejected; other keys are dropped, or kept as they come
    with ``keep_extra`` (so an id column can come out beside the predictions).

    Example
    -------
    >>> read_records([{"x": 2}, {"y": 1}], {"x": ColumnType("double")}).rejected
    [RejectedRow(index=1, reason="missing input column 'x'")]
    """
    reject = _Rejections()
    objects: list[tuple[int, Mapping[str, Any]]] = []
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            reject(index, f"expected a JSON object (one row), got {json_kind(record)}")
            continue
        absent = next((name for name in inputs if name not in record), None)
        if absent is not None:
            reject(index, f"missing input column {absent!r}")
            continue
        objects.append((index, record))
    specs = [_input_spec(name, field_type_of(ctype), ctype) for name, ctype in inputs.items()]
    columns, kept = decode_rows(
        specs, ((index, [record[name] for name in inputs]) for index, record in objects), reject
    )
    if keep_extra:
        by_index = dict(objects)
        extra = dict.fromkeys(key for _, record in objects for key in record if key not in inputs)
        for key in extra:
            columns[key] = [by_index[index].get(key) for index in kept]
    return InputRows(columns, kept, _by_index(reject))


def _input_spec(name: str, declared: FieldType, ctype: ColumnType) -> ColumnSpec:
    # NOTE: the model's vector width wins, so a row of another width is rejected on its own.
    width = ctype.size if ctype.shape == "vector" and ctype.size is not None else declared.width
    return ColumnSpec(name, FieldType(declared.shape, declared.kind, width), f"column {name!r}")


def _feed_problem(declared: FieldType, wanted: FieldType) -> str | None:
    """Why values declared ``declared`` cannot feed a model input of ``wanted``, or ``None``."""
    fits = declared.shape == wanted.shape and (
        declared.kind == wanted.kind or (wanted.kind == "double" and declared.kind == "integer")
    )
    if fits and wanted.shape == "tensor":
        fits = None in (declared.width, wanted.width) or declared.width == wanted.width
    return None if fits else f"the model takes {wanted}"


def _shaped_rows(
    rows: Sequence[Any], width: int, reject: _Rejections
) -> list[tuple[int, Sequence[Any]]]:
    """The rows that are lists of ``width`` values, with their indices; the others rejected."""
    shaped: list[tuple[int, Sequence[Any]]] = []
    for index, row in enumerate(rows):
        problem = row_shape_problem(row, width)
        if problem is None:
            shaped.append((index, row))
        else:
            reject(index, f"expected a list of {width} values, {problem}")
    return shaped


def _check_unique(names: list[Any], what: str) -> None:
    seen: dict[Any, int] = {}
    for position, name in enumerate(names):
        if name in seen:
            raise InputError(f"{what} {seen[name]} and {position} have the same name")
        seen[name] = position


def _by_index(rejected: list[RejectedRow]) -> list[RejectedRow]:
    return sorted(rejected, key=lambda r: r.index)
