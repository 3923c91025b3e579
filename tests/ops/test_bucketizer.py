"""``bucketizer``: bucket bounds, the last split, NaN under each policy, infinite ends, -0.0."""

from __future__ import annotations

import math

import pytest

import snowleap
from snowleap.ops.base import DOUBLE
from tests.conftest import Node, OpCase


def bucketizer(one_node_model, splits: list[float], handle_invalid: str | None = None):
    attributes: dict[str, object] = {"splits": {"type": "list", "double": splits}}
    if handle_invalid is not None:
        attributes["handle_invalid"] = {"string": handle_invalid}
    return one_node_model("bucketizer", attributes, {"input": "x"}, {"output": "b"})


def test_buckets_are_left_closed_and_the_last_holds_its_upper_split(
    one_node_model, score_both
) -> None:
    model = bucketizer(one_node_model, [0.0, 10.0, 20.0, 30.0])
    out = score_both(model, {"x": [0.0, 5.0, 10.0, 29.9, 30.0, 19.999]})
    # [0,10) -> 0, [10,20) -> 1, [20,30] -> 2 (30 itself is in the last bucket)
    assert out["b"].tolist() == [0.0, 0.0, 1.0, 2.0, 2.0, 1.0]
    assert model.input_schema == {"x": DOUBLE}
    assert model.output_schema == {"b": DOUBLE}


@pytest.mark.parametrize("policy", ["error", "keep", "skip"])
@pytest.mark.parametrize("value", [-0.5, 30.5, math.inf, -math.inf])
def test_values_outside_the_splits_always_raise(one_node_model, policy: str, value: float) -> None:
    model = bucketizer(one_node_model, [0.0, 10.0, 30.0], policy)
    with pytest.raises(snowleap.InputError, match=r"'x': value .* outside the bucketizer bounds"):
        model.transform_row({"x": value})
    with pytest.raises(snowleap.InputError, match=r"'x', row 1: value .* outside"):
        model.transform({"x": [1.0, value]})


def test_nan_with_error_raises(one_node_model) -> None:
    model = bucketizer(one_node_model, [0.0, 1.0])
    with pytest.raises(snowleap.InputError, match=r"'x': NaN or missing value"):
        model.transform_row({"x": None})
    with pytest.raises(snowleap.InputError, match=r"'x', row 0: NaN or missing value"):
        model.transform({"x": [math.nan]})


def test_nan_with_keep_gets_the_extra_bucket(one_node_model, score_both) -> None:
    model = bucketizer(one_node_model, [0.0, 1.0, 2.0], "keep")
    out = score_both(model, {"x": [math.nan, 1.5, None]})
    # 3 splits -> buckets 0 and 1; NaN and null go to bucket len(splits) - 1 = 2
    assert out["b"].tolist() == [2.0, 1.0, 2.0]


def test_nan_with_skip_drops_the_row(one_node_model, score_both) -> None:
    model = bucketizer(one_node_model, [0.0, 1.0, 2.0], "skip")
    out = score_both(model, {"x": [0.5, math.nan, 2.0, None], "id": ["a", "b", "c", "d"]})
    assert out["b"].tolist() == [0.0, 1.0]
    assert out["id"].tolist() == ["a", "c"]
    assert model.transform_row({"x": math.nan}) is None


def test_nan_end_splits_stand_for_infinity(one_node_model, score_both) -> None:
    # NOTE: MLeap's restoreSplits turns a NaN first/last split into -inf/+inf.
    model = bucketizer(one_node_model, [math.nan, 0.0, math.nan])
    out = score_both(model, {"x": [-1e300, -math.inf, 0.0, 7.0, math.inf]})
    # [-inf, 0) -> 0, [0, inf] -> 1 (inf equals the last split)
    assert out["b"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]


def test_infinite_splits(one_node_model, score_both) -> None:
    model = bucketizer(one_node_model, [-math.inf, 1.0, math.inf])
    out = score_both(model, {"x": [-math.inf, 1.0, 0.999]})
    assert out["b"].tolist() == [0.0, 1.0, 0.0]


def test_negative_zero_sorts_before_a_zero_split(one_node_model, score_both) -> None:
    # NOTE: Java's Arrays.binarySearch orders -0.0 before 0.0, so -0.0 is not "at" split 0.0.
    model = bucketizer(one_node_model, [-1.0, 0.0, 1.0])
    out = score_both(model, {"x": [-0.0, 0.0, -0.5]})
    # -0.0 lands before split 0.0 -> bucket 0; 0.0 is split 1 -> bucket 1
    assert out["b"].tolist() == [0.0, 1.0, 0.0]


def test_negative_zero_below_a_first_split_of_zero_is_out_of_bounds(one_node_model) -> None:
    model = bucketizer(one_node_model, [0.0, 1.0])
    with pytest.raises(snowleap.InputError, match=r"value -0\.0 is outside"):
        model.transform_row({"x": -0.0})
    with pytest.raises(snowleap.InputError, match=r"row 0: value -0\.0 is outside"):
        model.transform({"x": [-0.0]})


def test_zero_matches_a_negative_zero_split(one_node_model, score_both) -> None:
    model = bucketizer(one_node_model, [-1.0, -0.0, 1.0])
    out = score_both(model, {"x": [0.0, -0.0]})
    # both are at or above split 1 (-0.0) in Java's order -> bucket 1
    assert out["b"].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("splits", [[0.0, 2.0, 1.0], [0.0, 1.0, 1.0], [0.0, math.nan, 2.0]])
def test_splits_must_increase(one_node_model, splits: list[float]) -> None:
    with pytest.raises(snowleap.BundleError, match="splits must increase strictly"):
        bucketizer(one_node_model, splits)


def test_at_least_two_splits(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="at least 2 splits"):
        bucketizer(one_node_model, [1.0])


def test_null_end_splits_in_json_mean_infinite_ends(one_node_model, score_both) -> None:
    # MLeap's JSON writer stores -inf/+inf splits as null; they read back as NaN and stand for
    # the infinite ends, so [-inf, 0, +inf] puts every number in bucket 0 or 1.
    model = bucketizer(one_node_model, [None, 0.0, None])  # type: ignore[list-item]
    out = score_both(model, {"x": [-1e300, -0.5, 0.0, 7.0, math.inf]})
    assert out["b"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "bucketizer",
            {
                "splits": {"type": "list", "double": [-1.0, 0.0, 1.0, 10.0]},
                "handle_invalid": {"string": "keep"},
            },
            {"input": "x"},
            {"output": "b"},
        ),
    ),
    {"x": [-1.0, -0.5, 0.0, -0.0, 0.5, 1.0, 9.99, 10.0, math.nan]},
)
