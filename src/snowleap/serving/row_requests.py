"""The bodies of ``POST /transform`` and ``POST /invocations``, read into rows for a model.

``/transform`` takes MLeap's LeapFrame JSON, ``{"schema": {"fields": [...]}, "rows": [...]}``,
with an optional ``"fields": [...]`` naming the output columns to send back (or the ``fields``
query parameter, comma-separated). ``/invocations`` takes MLflow's scoring-server JSON: one of
``dataframe_split`` (``{"columns": [...], "data": [[...]]}``), ``dataframe_records`` (a list of
row objects), ``inputs`` or ``instances`` (a column object of equal-length lists, or a list of
row objects), with optional ``"params": {"fields": [...]}``.

A request that is wrong as a whole raises ``InputError`` (answered with 400); a row that does
not fit is rejected on its own (``snowleap.input_rows``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snowleap.errors import InputError
from snowleap.input_rows import (
    InputRows,
    Schema,
    read_leapframe_rows,
    read_records,
    read_table_rows,
)
from snowleap.leapframe_values import json_kind

MLFLOW_FORMATS = ("dataframe_split", "dataframe_records", "inputs", "instances")


@dataclass(frozen=True)
class RowsRequest:
    """The rows of a request and the output columns it asked for (``None``: the default)."""

    rows: InputRows
    fields: list[str] | None


def read_transform_request(
    document: Any, inputs: Schema, query_fields: str | None = None
) -> RowsRequest:
    """A ``POST /transform`` body for a model taking ``inputs``.

    Example
    -------
    >>> doc = {"schema": {"fields": [{"name": "x", "type": "double"}]}, "rows": [[1.0]],
    ...        "fields": ["y"]}
    >>> read_transform_request(doc, {"x": ColumnType("double")}).fields
    ['y']
    """
    if isinstance(document, Mapping) and "fields" in document and query_fields is not None:
        raise InputError("fields is given twice: in the query and in the body; keep one")
    fields = (
        _field_list(document["fields"], "fields")
        if isinstance(document, Mapping) and "fields" in document
        else _query_fields(query_fields)
    )
    rows = read_leapframe_rows(document, inputs)
    return RowsRequest(_not_empty(rows), fields)


def read_invocation_request(document: Any, inputs: Schema) -> RowsRequest:
    """A ``POST /invocations`` body (MLflow's scoring-server JSON) for a model taking ``inputs``.

    Example
    -------
    >>> body = {"dataframe_records": [{"x": 1.0}], "params": {"fields": ["y"]}}
    >>> read_invocation_request(body, {"x": ColumnType("double")}).rows.kept
    [0]
    """
    expected = ", ".join(MLFLOW_FORMATS)
    if not isinstance(document, Mapping):
        raise InputError(f"expected a JSON object holding {expected}, got {json_kind(document)}")
    formats = [key for key in MLFLOW_FORMATS if key in document]
    if len(formats) != 1:
        found = "none" if not formats else " and ".join(formats)
        raise InputError(f"the body should hold exactly one of {expected}; it holds {found}")
    if any(key not in (formats[0], "params") for key in document):
        raise InputError(f"the body holds keys other than {formats[0]!r} and 'params'")
    params = document.get("params")
    if params is not None and not isinstance(params, Mapping):
        raise InputError(f"'params' should be an object, got {json_kind(params)}")
    fields = (params or {}).get("fields")
    selected = None if fields is None else _field_list(fields, "params.fields")
    data = document[formats[0]]
    if formats[0] == "dataframe_split":
        rows = _split(data, inputs)
    elif formats[0] == "dataframe_records":
        if not isinstance(data, list):
            raise InputError(f"'dataframe_records' should be a list, got {json_kind(data)}")
        rows = read_records(data, inputs)
    else:
        rows = _tensor_input(data, formats[0], inputs)
    return RowsRequest(_not_empty(rows), selected)


def _split(data: Any, inputs: Schema) -> InputRows:
    if not isinstance(data, Mapping) or not isinstance(data.get("data"), list):
        raise InputError("'dataframe_split' should be an object with a 'data' list of rows")
    columns = data.get("columns", list(inputs))
    if not isinstance(columns, list):
        raise InputError(f"'dataframe_split.columns' should be a list, got {json_kind(columns)}")
    return read_table_rows(columns, data["data"], inputs)


def _tensor_input(data: Any, key: str, inputs: Schema) -> InputRows:
    """``inputs``/``instances``: a list of row objects, or an object of equal-length columns."""
    if isinstance(data, list) and all(isinstance(item, Mapping) for item in data):
        return read_records(data, inputs)
    if isinstance(data, Mapping):
        columns = list(data.values())
        if not all(isinstance(column, list) for column in columns):
            raise InputError(f"each column of {key!r} should be a list of values")
        if len({len(column) for column in columns}) > 1:
            raise InputError(f"the columns of {key!r} have different lengths")
        rows = [list(row) for row in zip(*columns, strict=True)]
        return read_table_rows(list(data), rows, inputs)
    raise InputError(
        f"{key!r} should be an object of columns or a list of row objects, got {json_kind(data)}"
    )


def _field_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise InputError(f"{where} should be a list of column names")
    return value


def _query_fields(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _not_empty(rows: InputRows) -> InputRows:
    if rows.received == 0:
        raise InputError("the request holds no rows: nothing to score")
    return rows
