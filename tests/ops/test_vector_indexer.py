"""``vector_indexer``: categorical features to their indices, the others unchanged; unseen
values (NaN included, -0.0 found as 0.0) under error, keep and skip; attribute errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def indexer_attributes(policy: str | None = "keep") -> dict[str, object]:
    # feature 1: 5.0 -> 0, 0.0 -> 1, 7.5 -> 2; feature 2: 1.0 -> 0, 0.0 -> 1; feature 0 numeric
    attributes: dict[str, object] = {
        "keys": {"type": "list", "long": [2, 1]},
        "key_1_keys": {"type": "list", "double": [7.5, 5.0, 0.0]},
        "key_1_values": {"type": "list", "long": [2, 0, 1]},
        "key_2_keys": {"type": "list", "double": [1.0, 0.0]},
        "key_2_values": {"type": "list", "long": [0, 1]},
        "num_features": {"long": 3},
    }
    if policy is not None:
        attributes["handle_invalid"] = {"string": policy}
    return attributes


def indexer(one_node_model, policy="keep"):
    return one_node_model(
        "vector_indexer", indexer_attributes(policy), {"input": "x"}, {"output": "y"}
    )


def test_maps_categorical_features_and_keeps_the_others(one_node_model, score_both) -> None:
    model = indexer(one_node_model)
    assert model.input_schema["x"] == vector(3)
    assert model.output_schema["y"] == vector(3)
    x = np.array([[0.25, 7.5, 0.0], [math.nan, -0.0, 1.0], [1e9, 5.0, 1.0]])
    out = score_both(model, {"x": x})
    assert out["y"].tolist()[0] == [0.25, 2.0, 1.0]
    # NaN in a numeric feature passes; -0.0 is found as the category 0.0
    assert math.isnan(out["y"][1, 0]) and out["y"][1, 1:].tolist() == [1.0, 0.0]
    assert out["y"].tolist()[2] == [1e9, 0.0, 0.0]


def test_keep_maps_unseen_values_and_nan_to_the_number_of_categories(
    one_node_model, score_both
) -> None:
    out = score_both(indexer(one_node_model), {"x": np.array([[1.0, 6.0, math.nan]])})
    assert out["y"].tolist() == [[1.0, 3.0, 2.0]]


def test_skip_drops_rows_with_unseen_values(one_node_model, score_both) -> None:
    model = indexer(one_node_model, "skip")
    x = np.array([[1.0, 5.0, 1.0], [1.0, 6.0, 1.0], [2.0, 0.0, math.nan], [3.0, 7.5, 0.0]])
    out = score_both(model, {"x": x})
    assert out["y"].tolist() == [[1.0, 0.0, 0.0], [3.0, 2.0, 1.0]]
    assert model.transform_row({"x": [1.0, 6.0, 1.0]}) is None


@pytest.mark.parametrize("policy", ["error", None])
def test_error_refuses_unseen_values_without_quoting_them(one_node_model, policy) -> None:
    model = indexer(one_node_model, policy)
    message = r"feature 1 holds a value the vector_indexer node 'vector_indexer_node'"
    with pytest.raises(snowleap.InputError, match=message) as caught:
        model.transform_row({"x": [1.0, 123.456, 1.0]})
    assert "123.456" not in str(caught.value)
    with pytest.raises(snowleap.InputError, match=r"row 1: feature 2 holds a value"):
        model.transform({"x": np.array([[1.0, 5.0, 1.0], [1.0, 5.0, math.nan]])})


def test_key_outside_the_features_is_refused(one_node_model) -> None:
    attributes = indexer_attributes()
    attributes["num_features"] = {"long": 2}
    with pytest.raises(snowleap.BundleError, match=r"model\.json: vector_indexer key 2 is outside"):
        one_node_model("vector_indexer", attributes, {"input": "x"}, {"output": "y"})


def test_values_and_indices_of_different_lengths_are_refused(one_node_model) -> None:
    attributes = indexer_attributes()
    attributes["key_2_values"] = {"type": "list", "long": [0]}
    with pytest.raises(snowleap.BundleError, match=r"feature 2 has 2 values but 1 indices"):
        one_node_model("vector_indexer", attributes, {"input": "x"}, {"output": "y"})


def test_unknown_policy_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"'handle_invalid' is 'drop'"):
        indexer(one_node_model, "drop")


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("vector_indexer", indexer_attributes("keep"), {"input": "x"}, {"output": "y"}),),
    {"x": np.array([[0.5, 7.5, 0.0], [math.nan, -0.0, 2.0], [math.inf, 9.0, 1.0]])},
)
