"""Sparse vectors through the frame: both forms, input conversion, LeapFrame, a model's paths,
and a 2^18-wide hashed column scored without ever being expanded."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import snowleap
from snowleap.errors import InputError
from snowleap.input_conversion import row_converter, to_column
from snowleap.leapframe import read_leapframe, write_leapframe
from snowleap.ops.base import Field, list_of, map_of, vector
from snowleap.ops.linalg import sequential_dot, sparse_dot, sparse_dot_batch
from snowleap.ops.sparse import MAX_DENSE_VALUES, SparseRows, SparseVector, vector_batch
from tests.conftest import Node, assert_paths_agree, double_tensor, write_bundle

WIDE = 1 << 18


def rows_of(*vectors: SparseVector) -> SparseRows:
    return SparseRows.from_vectors(vectors[0].size, list(vectors))


def test_rows_index_select_and_expand() -> None:
    rows = rows_of(
        SparseVector(4, [0, 3], [1.0, -2.0]), SparseVector(4, [], []), SparseVector(4, [2], [5.0])
    )
    assert len(rows) == 3 and rows.shape == (3, 4) and rows.ndim == 2
    assert rows[0] == SparseVector(4, [0, 3], [1.0, -2.0])
    assert rows[1] == SparseVector(4, [], [])
    kept = rows[np.array([True, False, True])]
    assert kept.tolist() == [SparseVector(4, [0, 3], [1.0, -2.0]), SparseVector(4, [2], [5.0])]
    assert rows.to_dense().tolist() == [[1.0, 0, 0, -2.0], [0.0] * 4, [0, 0, 5.0, 0]]
    assert SparseRows.from_dense(rows.to_dense()).tolist() == rows.tolist()


def test_from_pairs_orders_and_refuses_bad_indices() -> None:
    assert SparseVector.from_pairs(5, [(3, 1.0), (0, 2.0)], "v") == SparseVector(
        5, [0, 3], [2.0, 1.0]
    )
    with pytest.raises(InputError, match=r"v: sparse index 5 is outside a vector of 5"):
        SparseVector.from_pairs(5, [(5, 1.0)], "v")
    with pytest.raises(InputError, match=r"v: sparse index 1 is given twice"):
        SparseVector.from_pairs(5, [(1, 1.0), (1, 2.0)], "v")


def test_expanding_too_much_is_a_clear_error() -> None:
    rows = SparseRows.from_vectors(WIDE, [SparseVector(WIDE, [7], [1.0])] * 200)
    assert 200 * WIDE > MAX_DENSE_VALUES
    with pytest.raises(InputError, match=r"column 'tf': 200 sparse vectors of width 262144 are"):
        rows.to_dense("tf", "pca node 'p'")


def test_sparse_dot_adds_stored_slots_in_order_on_both_paths() -> None:
    rng = np.random.default_rng(7)
    coefficients = rng.normal(size=50)
    vectors = []
    for count in [0, 1, 5, 50, 3, 3, 17]:
        slots = sorted(rng.choice(50, size=count, replace=False).tolist())
        vectors.append(SparseVector(50, slots, rng.normal(size=count).tolist()))
    batch = sparse_dot_batch(SparseRows.from_vectors(50, vectors), coefficients, 0.25)
    for got, v in zip(batch.tolist(), vectors, strict=True):
        assert got == sparse_dot(v, coefficients.tolist(), 0.25)
        # NOTE: the dense dot adds zeros where nothing is stored: the same sum, bit for bit
        assert got == sequential_dot(v.to_dense(), coefficients.tolist(), 0.25)


def test_input_conversion_keeps_sparse_vectors_sparse() -> None:
    field = Field("tf", vector(WIDE))
    column = to_column([SparseVector(WIDE, [1, 9], [1.0, 2.0]), [0.0] * WIDE], field)
    assert isinstance(column, SparseRows)
    assert column.tolist() == [SparseVector(WIDE, [1, 9], [1.0, 2.0]), SparseVector(WIDE, [], [])]
    assert to_column(column, field) is column
    convert = row_converter(field)
    assert convert(SparseVector(WIDE, [3, 1], [1, 2])) == SparseVector(WIDE, [1, 3], [2.0, 1.0])
    with pytest.raises(InputError, match=r"column 'tf': vector has width 3, the model expects"):
        convert(SparseVector(3, [0], [1.0]))
    with pytest.raises(InputError, match=r"column 'tf': vector has width 4"):
        to_column(SparseRows.from_vectors(4, [SparseVector(4, [], [])]), field)


def test_list_and_map_columns_convert_on_both_paths() -> None:
    tokens = Field("tokens", list_of("string"))
    column = to_column([["a", "b"], [], ("c",)], tokens)
    assert column.dtype == object and column.tolist() == [["a", "b"], [], ["c"]]
    assert row_converter(tokens)(("x", None)) == ["x", None]
    with pytest.raises(InputError, match=r"column 'tokens', row 1: expected strings, got int"):
        to_column([["a"], [1]], tokens)
    with pytest.raises(InputError, match=r"column 'tokens': expected a list"):
        row_converter(tokens)("not a list")
    numbers = Field("xs", list_of("double"))
    converted = row_converter(numbers)([1, None, 2.5])
    assert converted[0] == 1.0 and math.isnan(converted[1]) and converted[2] == 2.5
    scores = Field("m", map_of("string", "double"))
    assert to_column([{"a": 1}, {}], scores).tolist() == [{"a": 1.0}, {}]
    with pytest.raises(InputError, match=r"column 'm': expected a map"):
        row_converter(scores)([1.0])


def test_leapframe_reads_sparse_rows_sparse_and_writes_them_back() -> None:
    tensor = {"type": "tensor", "base": "double", "dimensions": [WIDE]}
    sparse = {"indices": [[9], [2]], "values": [5.0, -1.0], "dimensions": [WIDE]}
    doc = {"schema": {"fields": [{"name": "v", "type": tensor}]}, "rows": [[sparse]]}
    column = read_leapframe(doc)["v"]
    assert isinstance(column, SparseRows) and column[0] == SparseVector(WIDE, [2, 9], [-1.0, 5.0])
    written = write_leapframe({"v": column}, ["v"])
    assert written["schema"]["fields"] == [{"name": "v", "type": tensor}]
    assert written["rows"] == [
        [{"indices": [[2], [9]], "values": [-1.0, 5.0], "dimensions": [WIDE]}]
    ]


def test_leapframe_lists_and_maps() -> None:
    doc = {
        "schema": {
            "fields": [
                {"name": "l", "type": {"type": "list", "base": "string"}},
                {"name": "m", "type": {"type": "map", "key": "string", "base": "double"}},
            ]
        },
        "rows": [[["a", "é"], {"x": 1}], [[], {}]],
    }
    columns = read_leapframe(doc)
    assert columns == {"l": [["a", "é"], []], "m": [{"x": 1.0}, {}]}
    types = {"l": list_of("string"), "m": map_of("string", "double")}
    frame = {name: to_column(columns[name], Field(name, types[name])) for name in columns}
    assert write_leapframe(frame, ["l", "m"], types) == doc
    with pytest.raises(InputError, match=r"column 'm', row 0: expected a map"):
        read_leapframe({**doc, "rows": [[["a"], [1]]]})


def test_vector_batch_is_dense_unless_a_row_is_sparse() -> None:
    assert isinstance(vector_batch([[1.0, 2.0]], 2), np.ndarray)
    assert vector_batch([], 3).shape == (0, 3)
    mixed = vector_batch([[1.0, 0.0], SparseVector(2, [1], [3.0])], 2)
    assert isinstance(mixed, SparseRows)
    assert mixed.tolist() == [SparseVector(2, [0], [1.0]), SparseVector(2, [1], [3.0])]


def _logistic_on_hashed(folder: Path) -> snowleap.Model:
    rng = np.random.default_rng(3)
    coefficients = rng.normal(size=WIDE).tolist()
    node = Node(
        "logistic_regression",
        {
            "coefficients": double_tensor(coefficients),
            "intercept": {"double": -0.5},
            "num_classes": {"long": 2},
        },
        {"features": "tf"},
        {"raw_prediction": "raw", "probability": "probability", "prediction": "prediction"},
    )
    return snowleap.load(write_bundle(folder, [node]))


def test_a_hashed_column_is_scored_sparse_on_both_paths(tmp_path: Path) -> None:
    model = _logistic_on_hashed(tmp_path / "lr")
    rng = np.random.default_rng(5)
    vectors = [
        SparseVector(
            WIDE,
            sorted(rng.choice(WIDE, size=n, replace=False).tolist()),
            rng.normal(size=n).tolist(),
        )
        for n in [0, 1, 30, 200]
    ]
    batch = assert_paths_agree(model, {"tf": vectors})
    assert isinstance(batch["tf"], SparseRows)
    dense = model.transform({"tf": np.array([v.to_dense() for v in vectors[:2]])})
    assert batch["raw"][:2].tolist() == dense["raw"].tolist()


def test_ten_thousand_hashed_rows_take_memory_of_their_non_zeros(tmp_path: Path) -> None:
    # GIVEN 10,000 rows of a 2^18-wide hashed column, 40 values each (dense: 20 GiB)
    model = _logistic_on_hashed(tmp_path / "lr")
    rng = np.random.default_rng(11)
    rows = 10_000
    indices = np.sort(rng.integers(0, WIDE, size=(rows, 40)), axis=1)
    column = SparseRows(
        WIDE,
        np.arange(0, rows * 40 + 1, 40, dtype=np.int64),
        indices.reshape(-1),
        rng.normal(size=rows * 40),
    )
    # WHEN the batch is scored
    tracemalloc.start()
    scored = model.transform({"tf": column})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # THEN the peak stays within a few times the 400,000 stored values (3.2 MB each array)
    assert scored["prediction"].shape == (rows,)
    assert peak < 64 * 1024 * 1024, f"peak {peak} bytes"
