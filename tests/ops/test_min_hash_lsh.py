"""``min_hash_lsh``: MinHash of the non-zero indices in 64-bit arithmetic (Spark's), no
overflow for large indices; all-zero vectors refused; NaN counts as non-zero; attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from snowleap.ops.feature.min_hash_lsh import HASH_PRIME
from tests.conftest import Node, OpCase

A = [1, 2038074742, 7]
B = [0, 5, 2038074742]


def minhash_attributes(a: list[int], b: list[int], size: int) -> dict[str, object]:
    return {
        "random_coefficients_a": {"type": "list", "long": a},
        "random_coefficients_b": {"type": "list", "long": b},
        "input_size": {"int": size},
    }


def minhash(one_node_model, a=A, b=B, size=4):
    return one_node_model(
        "min_hash_lsh", minhash_attributes(a, b, size), {"input": "x"}, {"output": "h"}
    )


def expected(x: list[float], a: list[int], b: list[int]) -> list[float]:
    present = [i for i, v in enumerate(x) if v != 0.0]
    return [
        float(min(((1 + i) * ai + bi) % HASH_PRIME for i in present))
        for ai, bi in zip(a, b, strict=True)
    ]


def test_signature_is_the_min_hash_of_the_non_zero_indices(one_node_model, score_both) -> None:
    model = minhash(one_node_model)
    assert model.input_schema["x"] == vector(4)
    assert model.output_schema["h"] == vector(3)
    rows = [[0.0, 3.0, 0.0, -1.0], [1.0, 0.0, 0.0, 0.0], [math.nan, 0.0, -0.0, 2.0]]
    out = score_both(model, {"x": np.array(rows)})
    assert out["h"].tolist() == [expected(row, A, B) for row in rows]
    # index 1 and 3 -> positions 2, 4: under (1, 0) the hashes are 2 and 4
    assert out["h"][0, 0] == 2.0
    # a = p - 1: (p - 1) * 2 + 5 = 3 and (p - 1) * 4 + 5 = 1 (mod p), in 64-bit arithmetic (a
    # 32-bit int, MLeap's arithmetic, would overflow: 4 * 2038074742 > 2**31)
    assert out["h"][0, 1] == 1.0


def test_an_all_zero_vector_has_no_signature(one_node_model) -> None:
    model = minhash(one_node_model)
    with pytest.raises(snowleap.InputError, match=r"at least one non-zero entry"):
        model.transform_row({"x": [0.0, -0.0, 0.0, 0.0]})
    with pytest.raises(snowleap.InputError, match=r"row 1: min_hash_lsh needs"):
        model.transform({"x": np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])})


def test_coefficient_lists_of_different_lengths_are_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"3 'random_coefficients_a' but 2"):
        minhash(one_node_model, b=[1, 2])


def test_negative_coefficients_are_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"non-negative 32-bit"):
        minhash(one_node_model, a=[-1, 2, 3])


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("min_hash_lsh", minhash_attributes(A, B, 4), {"input": "x"}, {"output": "h"}),),
    {"x": np.array([[0.0, 3.0, 0.0, -1.0], [math.inf, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1e-300]])},
)
