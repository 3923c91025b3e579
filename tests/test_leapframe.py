"""The LeapFrame JSON reader and writer."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.leapframe import read_leapframe, write_leapframe
from snowleap.ops.sparse import SparseRows, SparseVector


def frame(fields: list[tuple[str, Any]], rows: list[list[Any]]) -> dict[str, Any]:
    return {"schema": {"fields": [{"name": n, "type": t} for n, t in fields]}, "rows": rows}


def test_scalar_columns_with_nulls() -> None:
    doc = frame(
        [("d", "double"), ("s", "string"), ("i", "integer"), ("l", "long"), ("b", "boolean")],
        [[1, "a", 3, 4, True], [None, None, None, None, None], [2.5, "", -1, 0, False]],
    )
    columns = read_leapframe(doc)
    assert columns == {
        "d": [1.0, None, 2.5],
        "s": ["a", None, ""],
        "i": [3, None, -1],
        "l": [4, None, 0],
        "b": [True, None, False],
    }
    assert isinstance(columns["d"][0], float)


def test_basic_type_object_form() -> None:
    doc = frame([("x", {"type": "basic", "base": "double", "isNullable": False})], [[7]])
    assert read_leapframe(doc) == {"x": [7.0]}


def test_dense_and_sparse_vectors_in_one_column_stay_sparse() -> None:
    tensor = {"type": "tensor", "base": "double", "dimensions": [3]}
    doc = frame(
        [("v", tensor)],
        [
            [{"values": [1, 2, 3], "dimensions": [3]}],
            [{"indices": [[2], [0]], "values": [5.0, -1.0], "dimensions": [3]}],
            [{"indices": [1], "values": [4.0], "dimensions": [3]}],
            [{"values": [None, 0.0, 1.0], "dimensions": [3]}],
        ],
    )
    column = read_leapframe(doc)["v"]
    # NOTE: one sparse row makes the column sparse (never expanded); the dense rows keep their
    # non-zeros (NaN included)
    assert isinstance(column, SparseRows)
    assert column[1] == SparseVector(3, [0, 2], [-1.0, 5.0])
    vectors = column.to_dense()
    # index 2 -> 5, index 0 -> -1; index 1 -> 4; a null value is NaN
    assert vectors[:3].tolist() == [[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0], [0.0, 4.0, 0.0]]
    assert math.isnan(vectors[3, 0]) and vectors[3, 1:].tolist() == [0.0, 1.0]


def test_dense_vectors_become_a_2d_array() -> None:
    tensor = {"type": "tensor", "base": "double", "dimensions": [2]}
    doc = frame([("v", tensor)], [[{"values": [1, 2], "dimensions": [2]}], [[None, 0.5]]])
    vectors = read_leapframe(doc)["v"]
    assert isinstance(vectors, np.ndarray) and vectors.dtype == np.float64
    assert vectors[0].tolist() == [1.0, 2.0] and math.isnan(vectors[1, 0])


def test_list_column() -> None:
    doc = frame([("l", {"type": "list", "base": "string"})], [[["a", "b"]], [None], [[]]])
    assert read_leapframe(doc) == {"l": [["a", "b"], None, []]}


def test_empty_frame_keeps_vector_width() -> None:
    doc = frame([("v", {"type": "tensor", "base": "double", "dimensions": [4]})], [])
    assert read_leapframe(doc)["v"].shape == (0, 4)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "expected a JSON object"),
        ({"rows": []}, "'schema' should be an object with a 'fields' list"),
        (frame([("x", "double")], [[1.0, 2.0]]), "row 0 should be a list of 1 values"),
        (
            frame([("x", "double")], [["1.0"]]),
            r"column 'x', row 0: expected a double, got a string",
        ),
        (frame([("x", "integer")], [[1.5]]), "expected an integer, got a fractional number"),
        (frame([("x", "double")], [[True]]), "expected a double, got a boolean"),
        (frame([("x", "string")], [[1]]), "expected a string"),
        (frame([("x", "double"), ("x", "double")], []), "names column 'x' twice"),
        (frame([("x", "decimal")], []), "schema field 0 has an unsupported basic type"),
        (frame([("x", {"type": "struct", "base": "double"})], []), "unsupported type"),
        (
            frame([("x", {"type": "map", "base": "double", "key": "decimal"})], []),
            "unsupported basic type",
        ),
        (
            frame([("v", {"type": "tensor", "base": "double", "dimensions": [2, 2]})], []),
            "only 1-D tensors",
        ),
        (
            frame([("v", {"type": "tensor", "base": "double", "dimensions": [2]})], [[None]]),
            "row 0: null vector",
        ),
        (
            frame(
                [("v", {"type": "tensor", "base": "double", "dimensions": [2]})],
                [[{"values": [1.0], "dimensions": [1]}]],
            ),
            "row 0: vector has 1 values, expected 2",
        ),
        (
            frame(
                [("v", {"type": "tensor", "base": "double"})],
                [[{"values": [1.0]}], [{"values": [1.0, 2.0]}]],
            ),
            "row 1: vector has 2 values, expected 1",
        ),
        (
            frame(
                [("v", {"type": "tensor", "base": "double"})],
                [[{"values": [1.0], "dimensions": [2]}]],
            ),
            r"dimensions \[2\] but 1 values",
        ),
        (
            frame(
                [("v", {"type": "tensor", "base": "double"})],
                [[{"indices": [[3]], "values": [1.0], "dimensions": [2]}]],
            ),
            "sparse index",
        ),
        (
            frame([("v", {"type": "tensor", "base": "double"})], [[{"values": ["a"]}]]),
            "vector value 0 is no number \\(got a string\\)",
        ),
    ],
)
def test_bad_documents_are_input_errors(doc: Any, message: str) -> None:
    with pytest.raises(snowleap.InputError, match=message):
        read_leapframe(doc)


def test_write_gives_types_and_dense_vectors() -> None:
    out = {
        "p": np.array([1.5, math.nan]),
        "s": np.array(["a", None], dtype=object),
        "n": np.array([3, 4]),
        "v": np.array([[1.0, 0.0], [math.nan, 2.0]]),
        "unused": np.array([0.0, 0.0]),
    }
    doc = write_leapframe(out, ["p", "s", "n", "v"])
    assert doc["schema"]["fields"] == [
        {"name": "p", "type": "double"},
        {"name": "s", "type": "string"},
        {"name": "n", "type": "long"},
        {"name": "v", "type": {"type": "tensor", "base": "double", "dimensions": [2]}},
    ]
    # NaN is written as null; vectors are dense objects
    assert doc["rows"] == [
        [1.5, "a", 3, {"values": [1.0, 0.0], "dimensions": [2]}],
        [None, None, 4, {"values": [None, 2.0], "dimensions": [2]}],
    ]
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN tokens left


def test_write_then_read_gives_the_columns_back() -> None:
    columns = {
        "x": [1.0, None, -2.0],
        "s": ["a", "b", None],
        "v": np.array([[1.0, 2.0], [3.0, 4.0], [0.0, -1.0]]),
    }
    again = read_leapframe(json.loads(json.dumps(write_leapframe(columns, ["x", "s", "v"]))))
    assert again["x"] == columns["x"]
    assert again["s"] == columns["s"]
    assert isinstance(again["v"], np.ndarray)
    assert again["v"].tolist() == columns["v"].tolist()


def test_write_row_path_vectors_given_as_lists() -> None:
    doc = write_leapframe({"v": [[1.0, 2.0], [3.0, 4.0]]}, ["v"])
    assert doc["schema"]["fields"][0]["type"] == {
        "type": "tensor",
        "base": "double",
        "dimensions": [2],
    }
    assert read_leapframe(doc)["v"].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_write_errors() -> None:
    with pytest.raises(snowleap.InputError, match="no column 'y' to write"):
        write_leapframe({"x": [1.0]}, ["y"])
    with pytest.raises(snowleap.InputError, match="'b' has 2 rows, others have 1"):
        write_leapframe({"a": [1.0], "b": [1.0, 2.0]}, ["a", "b"])
    with pytest.raises(snowleap.InputError, match="'m' mixes value types"):
        write_leapframe({"m": ["a", 1.0]}, ["m"])


def test_write_without_nan_gives_the_same_document() -> None:
    # the writer skips its per-value pass when a float column holds no NaN
    out = {"p": np.array([1.5, -0.0]), "v": np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)}
    doc = write_leapframe(out, ["p", "v"])
    assert doc["rows"] == [
        [1.5, {"values": [1.0, 2.0], "dimensions": [2]}],
        [-0.0, {"values": [3.0, 4.0], "dimensions": [2]}],
    ]
    assert all(type(row[0]) is float for row in doc["rows"])
    assert doc["schema"]["fields"][1]["type"] == {
        "type": "tensor",
        "base": "double",
        "dimensions": [2],
    }
