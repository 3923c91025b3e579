"""``als``: float32 dot products of user and item factors, cold starts (``nan``, ``drop``),
unsorted ids, compact factor tables, bad bundles and bad ids."""

from __future__ import annotations

import gc
import math
from array import array

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from snowleap.ops.recommendation.als import ALSOp
from tests.conftest import Node, OpCase


def float_tensors(vectors):
    return {
        "type": "list",
        "tensor": [
            {"float": list(v), "shape": {"dimensions": [{"size": len(v), "name": ""}]}}
            for v in vectors
        ],
    }


def int_list(values):
    return {"type": "list", "int": list(values)}


USERS = {7: [0.1, 0.2, 0.3], 3: [1.5, -2.0, 0.25], 11: [1e-8, 3.0, -1.0]}
ITEMS = {100: [0.7, 0.3, -0.9], 200: [3.3, 1.1, 2.2]}


def attributes(users=USERS, items=ITEMS, rank=3, strategy=None):
    found = {
        "rank": {"int": rank},
        "users": int_list(users),
        "user_factors": float_tensors(users.values()),
        "items": int_list(items),
        "item_factors": float_tensors(items.values()),
    }
    if strategy is not None:
        found["cold_start_strategy"] = {"string": strategy}
    return found


PORTS = ({"user": "user_id", "item": "item_id"}, {"prediction": "rating"})


def als(one_node_model, **kwargs):
    return one_node_model("als", attributes(**kwargs), *PORTS)


def float32(x: float) -> float:
    return float(np.float32(x))


def float32_dot(u, v) -> float:
    """The reference: numpy float32 scalars, the products and sums one by one."""
    total = np.float32(0.0)
    for a, b in zip(u, v, strict=True):
        total = np.float32(total + np.float32(np.float32(a) * np.float32(b)))
    return float(total)


IDENTITY_CASE = OpCase(
    (Node("als", attributes(), *PORTS),),
    {"user_id": np.array([7, 3, 11, 5, 7]), "item_id": np.array([100, 200, 200, 100, 999])},
)


def test_float32_dot_products(one_node_model, score_both) -> None:
    model = als(one_node_model)
    users, items = [7, 3, 11, 3], [100, 200, 100, 100]
    out = score_both(model, {"user_id": np.array(users), "item_id": np.array(items)})
    want = [float32_dot(USERS[u], ITEMS[i]) for u, i in zip(users, items, strict=True)]
    assert out["rating"].tolist() == want
    # float32, not float64: 0.1 * 0.7 + 0.2 * 0.3 + 0.3 * -0.9 in doubles is another number
    assert want[0] != 0.1 * 0.7 + 0.2 * 0.3 + 0.3 * -0.9
    assert all(float32(v) == v for v in out["rating"].tolist())
    assert str(model.output_schema["rating"]) == "float"
    assert str(model.input_schema["user_id"]) == "int"


def test_cold_start_nan_by_default(one_node_model, score_both) -> None:
    model = als(one_node_model)
    out = score_both(model, {"user_id": np.array([5, 7, 5]), "item_id": np.array([100, 999, 1])})
    assert all(math.isnan(v) for v in out["rating"].tolist())
    assert math.isnan(model.transform_row({"user_id": 1, "item_id": 100})["rating"])


def test_cold_start_drop_skips_the_row(one_node_model) -> None:
    model = als(one_node_model, strategy="drop")
    out = model.transform({"user_id": np.array([5, 7, 3]), "item_id": np.array([100, 999, 100])})
    assert out["user_id"].tolist() == [3]
    assert out["rating"].tolist() == [float32_dot(USERS[3], ITEMS[100])]
    assert model.transform_row({"user_id": 5, "item_id": 100}) is None
    assert model.transform_row({"user_id": 3, "item_id": 100})["rating"] == out["rating"][0]


def test_unsorted_ids_and_negative_ids(one_node_model, score_both) -> None:
    users = {50: [1.0], -4: [2.0], 9: [3.0], 0: [4.0]}
    model = als(one_node_model, users=users, items={1: [0.5]}, rank=1)
    out = score_both(model, {"user_id": np.array([-4, 0, 9, 50, 1]), "item_id": np.ones(5, int)})
    assert out["rating"].tolist()[:4] == [1.0, 2.0, 1.5, 0.5]
    assert math.isnan(out["rating"][4])


def test_overflow_and_nan_factors(one_node_model, score_both) -> None:
    users = {1: [3e38, 3e38], 2: [math.nan, 1.0], 3: [math.inf, 0.0]}
    model = als(one_node_model, users=users, items={1: [3.0, 1.0], 2: [0.0, 1.0]}, rank=2)
    out = score_both(model, {"user_id": np.array([1, 2, 3, 3]), "item_id": np.array([1, 1, 1, 2])})
    got = out["rating"].tolist()
    assert got[0] == math.inf  # 9e38 does not fit a float32
    assert math.isnan(got[1])
    assert got[2] == math.inf
    assert math.isnan(got[3])  # inf * 0


def test_users_load_into_flat_buffers(tmp_path) -> None:
    # GIVEN a protobuf bundle of 20,000 users (rank 10), ids unsorted (100,000: make
    # bench-runtime, which reports the load time and the objects kept)
    import snowleap
    from snowleap.bundle.writer import write_bundle
    from snowleap.ops.recommendation.als import stored

    rng = np.random.default_rng(3)
    n, rank = 20_000, 10
    user_ids = rng.permutation(n * 3)[:n].tolist()
    user_factors = rng.normal(size=(n, rank)).astype(np.float32)
    node = stored(
        "als", ("u", "i", "p"), rank, (user_ids, user_factors.tolist()), ([1], [[0.5] * rank])
    )
    path = write_bundle(node, tmp_path / "als.zip", "protobuf")
    del node
    # WHEN it loads
    gc.collect()
    before = len(gc.get_objects())
    model = snowleap.load(path)
    gc.collect()
    kept = len(gc.get_objects()) - before
    # THEN the op holds two flat buffers per table: no list, tuple or dict per user survives
    op = model.root
    assert isinstance(op, ALSOp)
    users = op.model.users
    assert isinstance(users.ids, array) and isinstance(users.factors, array)
    assert users.nbytes() == n * 4 * (rank + 1)
    assert kept < 1000, f"{kept:,} container objects kept by a loaded model of {n:,} users"
    u = user_ids[12345]
    assert users.vector(u) == user_factors[12345].tolist()
    assert model.transform_row({"u": u, "i": 1})["p"] == float32_dot(
        user_factors[12345], [0.5] * rank
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rank": 0}, r"'rank' is 0"),
        ({"rank": 2}, r"'users'/'user_factors': factor vector 0 has 3 values, rank is 2"),
        ({"strategy": "guess"}, r"'cold_start_strategy' 'guess' is not one of nan, drop"),
        ({"users": {1: [0.0] * 3, 2**31: [0.0] * 3}}, r"'users'\[1\]: 2147483648 does not fit"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        als(one_node_model, **kwargs)


def test_ids_and_factors_of_different_lengths(one_node_model) -> None:
    found = attributes()
    found["items"] = int_list([100])
    with pytest.raises(BundleError, match=r"'items'/'item_factors': 1 ids for 2 factor vectors"):
        one_node_model("als", found, *PORTS)


def test_duplicate_ids(one_node_model) -> None:
    found = attributes()
    found["users"] = int_list([7, 3, 7])
    with pytest.raises(BundleError, match=r"'users'/'user_factors': id 7 appears more than once"):
        one_node_model("als", found, *PORTS)


def test_bad_ids(one_node_model) -> None:
    model = als(one_node_model)
    with pytest.raises(InputError, match=r"column 'user_id' \(als node .*\): row 1: .*32-bit"):
        model.transform({"user_id": np.array([1, 2**40]), "item_id": np.array([100, 100])})
    with pytest.raises(InputError, match=r"column 'item_id' \(als node .*\): a null id"):
        model.transform_row({"user_id": 7, "item_id": None})
    with pytest.raises(InputError, match=r"column 'user_id'.*32-bit"):
        model.transform_row({"user_id": -(2**31) - 1, "item_id": 100})
