"""``hashing_term_frequency``: Spark's murmur3 slots (both hash versions), counts or binary, always
sparse. The expected slots below were computed by Spark 3.5 (``HashingTF`` for version 2, SQL's
``hash``, which is ``hashUnsafeBytes``, for version 1), not by snowleap."""

from __future__ import annotations

from typing import Any

import pytest

import snowleap
from snowleap.ops.base import vector
from snowleap.ops.sparse import SparseRows, SparseVector
from tests.conftest import Node, OpCase

WIDE = 1 << 18
# NOTE: from Spark 3.5.9: HashingTF(numFeatures=2^18) and pmod(hash(w), 2^18)
SPARK_SLOTS_V2 = {
    "a": 107107,
    "ab": 69191,
    "abc": 204392,
    "abcd": 58828,
    "é": 33439,
    "😀": 197907,
    "": 249180,
}
SPARK_SLOTS_V1 = {
    "a": 227410,
    "ab": 202107,
    "abc": 183220,
    "abcd": 58828,
    "é": 196854,
    "😀": 197907,
    "": 249180,
}


def hashing(version: int | None, binary: bool = False, width: int = WIDE) -> dict[str, Any]:
    attributes: dict[str, Any] = {"num_features": {"long": width}, "binary": {"boolean": binary}}
    if version is not None:
        attributes["hashUnsafeBytesVersion"] = {"int": version}
    return attributes


IDENTITY_CASE = OpCase(
    (Node("hashing_term_frequency", hashing(2), {"input": "t"}, {"output": "tf"}),),
    {"t": [["a", "b", "a", None], [], ["é", "😀", ""], ["abcd"] * 3]},
)


@pytest.mark.parametrize(
    ("version", "slots"), [(2, SPARK_SLOTS_V2), (None, SPARK_SLOTS_V1), (1, SPARK_SLOTS_V1)]
)
def test_slots_are_sparks(one_node_model, score_both, version, slots) -> None:
    model = one_node_model(
        "hashing_term_frequency", hashing(version), {"input": "t"}, {"output": "tf"}
    )
    words = list(slots)
    out = score_both(model, {"t": [[w] for w in words]})
    assert isinstance(out["tf"], SparseRows)
    for word, vec in zip(words, out["tf"].tolist(), strict=True):
        assert vec == SparseVector(WIDE, [slots[word]], [1.0]), word
    assert model.output_schema == {"tf": vector(WIDE)}


def test_counts_repeated_tokens_and_null_hashes_to_the_seed(tmp_path, score_both) -> None:
    out = score_both(IDENTITY_CASE.load(tmp_path / "b"), IDENTITY_CASE.columns)
    # NOTE: Spark 3.5 on ["a", "b", "a", null]: (262144,[42,107107,148981],[1.0,2.0,1.0])
    assert out["tf"][0] == SparseVector(WIDE, [42, 107107, 148981], [1.0, 2.0, 1.0])
    assert out["tf"][1] == SparseVector(WIDE, [], [])
    assert out["tf"][3] == SparseVector(WIDE, [58828], [3.0])


def test_binary_keeps_one(one_node_model) -> None:
    model = one_node_model(
        "hashing_term_frequency", hashing(2, binary=True), {"input": "t"}, {"output": "tf"}
    )
    assert model.transform_row({"t": ["a", "a"]})["tf"] == SparseVector(WIDE, [107107], [1.0])


def test_collisions_add_up_in_a_narrow_vector(one_node_model) -> None:
    model = one_node_model(
        "hashing_term_frequency", hashing(2, width=1), {"input": "t"}, {"output": "tf"}
    )
    assert model.transform_row({"t": ["a", "b", "c"]})["tf"] == SparseVector(1, [0], [3.0])


def test_bad_attributes(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"'num_features' should be in"):
        one_node_model(
            "hashing_term_frequency", hashing(2, width=0), {"input": "t"}, {"output": "tf"}
        )
    with pytest.raises(snowleap.BundleError, match=r"'hashUnsafeBytesVersion' should be 1 or 2"):
        one_node_model("hashing_term_frequency", hashing(3), {"input": "t"}, {"output": "tf"})
