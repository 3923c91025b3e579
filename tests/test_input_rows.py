"""Caller rows checked against a model's inputs: kept rows as columns, the others rejected with
their index and a reason that never quotes the value."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from snowleap.errors import InputError
from snowleap.input_rows import (
    RejectedRow,
    read_leapframe_rows,
    read_records,
    read_table_rows,
)
from snowleap.ops.base import DOUBLE, STRING, vector
from snowleap.ops.sparse import SparseRows

INPUTS = {"city": STRING, "rooms": DOUBLE, "position": vector(2)}
# NOTE: personal data a caller might send; no reason may repeat it.
SECRET = "jane.doe@example.com"


def leapframe(fields: list[tuple[str, Any]], rows: list[Any]) -> dict[str, Any]:
    return {"schema": {"fields": [{"name": n, "type": t} for n, t in fields]}, "rows": rows}


FIELDS = [
    ("city", "string"),
    ("rooms", "double"),
    ("position", {"type": "tensor", "base": "double", "dimensions": [2]}),
    ("email", "string"),
]


def test_each_bad_row_is_rejected_by_index_and_the_good_ones_are_kept() -> None:
    # GIVEN a LeapFrame with two good rows and one bad row of each kind
    doc = leapframe(
        FIELDS,
        [
            ["Paris", 2, {"values": [1.0, 2.0], "dimensions": [2]}, SECRET],
            ["Lyon", SECRET, [0.0, 1.0], None],
            [SECRET, 1.0],
            ["Nice", 3.0, {"values": [1.0, 2.0, 3.0]}, None],
            ["Caen", 1.5, {"indices": [[1]], "values": [4.0], "dimensions": [2]}, None],
            ["Metz", 1.0, [1.0, 1.0], 7],
            SECRET,
        ],
    )
    # WHEN it is read for the model
    rows = read_leapframe_rows(doc, INPUTS)
    # THEN rows 0 and 4 are kept, as columns the model takes
    assert rows.kept == [0, 4]
    assert rows.columns["city"] == ["Paris", "Caen"]
    assert rows.columns["rooms"] == [2.0, 1.5]
    # NOTE: a sparse row keeps the column sparse (the dense row keeps its non-zeros)
    assert isinstance(rows.columns["position"], SparseRows)
    assert rows.columns["position"].to_dense().tolist() == [[1.0, 2.0], [0.0, 4.0]]
    # AND every other row is rejected with its index and what is wrong, caller columns by position
    assert rows.rejected == [
        RejectedRow(1, "column 'rooms': expected a double, got a string"),
        RejectedRow(2, "expected a list of 4 values, got 2 values"),
        RejectedRow(3, "column 'position': vector has 3 values, expected 2"),
        RejectedRow(5, "schema field 3: expected a string, got a number"),
        RejectedRow(6, "expected a list of 4 values, got a string"),
    ]
    assert rows.received == 7
    assert SECRET not in json.dumps([r.as_dict() for r in rows.rejected])


def test_a_request_of_only_bad_rows_rejects_every_one() -> None:
    doc = leapframe(FIELDS, [["A", "x", [1.0, 2.0], None], [1, 1.0, [1.0, 2.0], None]])
    rows = read_leapframe_rows(doc, INPUTS)
    assert rows.kept == [] and [r.index for r in rows.rejected] == [0, 1]
    assert rows.columns["position"].shape == (0, 2)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (FIELDS[:2], r"the frame has no field 'position' \(vector\[2\]\), an input of the model"),
        (
            [("city", "double"), *FIELDS[1:]],
            r"field 'city' is declared double; the model takes string",
        ),
        (
            [*FIELDS[:2], ("position", {"type": "tensor", "base": "double", "dimensions": [3]})],
            r"field 'position' is declared vector\[3\]; the model takes vector\[2\]",
        ),
        ([*FIELDS, ("city", "string")], "schema fields 0 and 4 have the same name"),
        ([*FIELDS[:3], (SECRET, "decimal")], "schema field 3 has an unsupported basic type"),
    ],
)
def test_a_schema_that_cannot_feed_the_model_is_an_error_for_the_whole_request(
    fields: list[tuple[str, Any]], message: str
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        read_leapframe_rows(leapframe(fields, []), INPUTS)
    assert SECRET not in str(raised.value)


def test_integer_columns_may_feed_double_inputs() -> None:
    fields = [("city", "string"), ("rooms", "long"), FIELDS[2]]
    rows = read_leapframe_rows(leapframe(fields, [["A", 2, [1, 2]], ["B", 2.5, [1, 2]]]), INPUTS)
    assert rows.kept == [0]
    assert rows.rejected == [
        RejectedRow(1, "column 'rooms': expected an integer, got a fractional number")
    ]


def test_a_huge_sparse_vector_is_refused_before_it_is_expanded() -> None:
    sparse = {"indices": [[0]], "values": [1.0], "dimensions": [10**12]}
    rows = read_leapframe_rows(leapframe(FIELDS[:3], [["A", 1.0, sparse]]), INPUTS)
    assert rows.rejected == [
        RejectedRow(
            0, "column 'position': sparse vector of dimensions [1000000000000], expected [2]"
        )
    ]


def test_records_reject_rows_without_an_input_and_can_keep_other_keys() -> None:
    records = [
        {"city": "A", "rooms": 1, "position": [1.0, 2.0], "id": 7},
        {"city": "B", "position": [1.0, 2.0], "id": 8},
        [SECRET],
        {"city": "C", "rooms": None, "position": [0.5, None]},
    ]
    rows = read_records(records, INPUTS, keep_extra=True)
    assert rows.kept == [0, 3]
    assert rows.rejected == [
        RejectedRow(1, "missing input column 'rooms'"),
        RejectedRow(2, "expected a JSON object (one row), got an array"),
    ]
    # a null number is kept as None (NaN to the model); other keys come along, None where absent
    assert rows.columns["rooms"] == [1.0, None] and rows.columns["id"] == [7, None]
    assert np.isnan(rows.columns["position"][1, 1])
    assert "id" not in read_records(records, INPUTS).columns


def test_tables_take_columns_in_any_order_and_reject_short_rows() -> None:
    names = ["position", "note", "rooms", "city"]
    rows = read_table_rows(names, [[[1, 2], SECRET, 3, "A"], [[1, 2], "x", 3]], INPUTS)
    assert rows.kept == [0] and list(rows.columns) == ["city", "rooms", "position"]
    assert rows.rejected == [RejectedRow(1, "expected a list of 4 values, got 3 values")]
    with pytest.raises(InputError, match="the table has no column 'city'"):
        read_table_rows(["rooms", "position"], [], INPUTS)
