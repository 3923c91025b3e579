"""``idf``: scales stored slots of sparse vectors (kept sparse) and every slot of dense ones."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from snowleap.ops.sparse import SparseRows, SparseVector
from tests.conftest import Node, OpCase, double_tensor

IDF = [0.5, 2.0, 0.0, math.log(3.0)]

IDF_NODE = Node("idf", {"idf": double_tensor(IDF)}, {"input": "tf"}, {"output": "tfidf"})
HASHING = {
    "num_features": {"long": 4},
    "binary": {"boolean": False},
    "hashUnsafeBytesVersion": {"int": 2},
}
IDENTITY_CASE = OpCase(
    (Node("hashing_term_frequency", HASHING, {"input": "t"}, {"output": "tf"}), IDF_NODE),
    {"t": [["a", "b", "a"], [], ["é", "😀", ""]]},
)
SPARSE = {
    "tf": [
        SparseVector(4, [0, 3], [2.0, 1.0]),
        SparseVector(4, [], []),
        SparseVector(4, [1, 2], [math.nan, 5.0]),
    ]
}


def test_sparse_stays_sparse(tmp_path, score_both) -> None:
    model = OpCase((IDF_NODE,), SPARSE).load(tmp_path / "b")
    out = score_both(model, SPARSE)
    assert isinstance(out["tfidf"], SparseRows)
    assert out["tfidf"][0] == SparseVector(4, [0, 3], [1.0, math.log(3.0)])
    assert out["tfidf"][1] == SparseVector(4, [], [])
    nan_row = out["tfidf"][2]
    assert nan_row.indices == [1, 2] and math.isnan(nan_row.values[0]) and nan_row.values[1] == 0.0
    assert model.output_schema == {"tfidf": vector(4)}


def test_dense_stays_dense(tmp_path, score_both) -> None:
    model = OpCase((IDF_NODE,), SPARSE).load(tmp_path / "b")
    out = score_both(model, {"tf": np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])})
    assert out["tfidf"].tolist() == [[0.5, 2.0, 0.0, 0.0], [0.0] * 4]


def test_width_must_match(tmp_path) -> None:
    model = OpCase((IDF_NODE,), SPARSE).load(tmp_path / "b")
    with pytest.raises(snowleap.InputError, match=r"column 'tf': vector has width 3, the model"):
        model.transform_row({"tf": SparseVector(3, [0], [1.0])})
