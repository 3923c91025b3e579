"""``string_map``: exact string lookups (unicode, empty strings), unknown and null strings
under error and keep, bad attributes."""

from __future__ import annotations

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, STRING
from tests.conftest import Node, OpCase, double_list, string_list

LABELS = ["NY", "", "Zürich", "東京", "ny"]
VALUES = [1.0, -2.0, 3.5, 4.0, 5.0]


def map_attributes(policy: str | None = None, default: float | None = None) -> dict[str, object]:
    attributes: dict[str, object] = {"labels": string_list(LABELS), "values": double_list(VALUES)}
    if policy is not None:
        attributes["handle_invalid"] = {"string": policy}
    if default is not None:
        attributes["default_value"] = {"double": default}
    return attributes


def string_map(one_node_model, policy=None, default=None):
    return one_node_model(
        "string_map", map_attributes(policy, default), {"input": "s"}, {"output": "v"}
    )


def test_maps_each_string_exactly(one_node_model, score_both) -> None:
    model = string_map(one_node_model)
    assert model.input_schema == {"s": STRING} and model.output_schema == {"v": DOUBLE}
    out = score_both(model, {"s": np.array(["ny", "NY", "", "東京", "Zürich"], dtype=object)})
    assert out["v"].tolist() == [5.0, 1.0, -2.0, 4.0, 3.5]


def test_keep_gives_unknown_and_null_strings_the_default(one_node_model, score_both) -> None:
    model = string_map(one_node_model, "keep", 9.5)
    out = score_both(model, {"s": np.array(["Zurich", None, " NY", "NY"], dtype=object)})
    assert out["v"].tolist() == [9.5, 9.5, 9.5, 1.0]
    default_zero = string_map(one_node_model, "keep")
    assert default_zero.transform_row({"s": "?"})["v"] == 0.0


def test_error_refuses_unknown_strings_without_quoting_them(one_node_model) -> None:
    model = string_map(one_node_model)
    with pytest.raises(snowleap.InputError, match=r"column 's': a value the string_map node") as e:
        model.transform_row({"s": "secret@example.com"})
    assert "secret" not in str(e.value)
    with pytest.raises(snowleap.InputError, match=r"column 's', row 1: a value"):
        model.transform({"s": np.array(["NY", None], dtype=object)})


def test_skip_is_not_a_policy_of_string_map(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"'handle_invalid' is 'skip'"):
        string_map(one_node_model, "skip")


def test_labels_and_values_of_different_lengths_are_refused(one_node_model) -> None:
    attributes = map_attributes()
    attributes["values"] = double_list([1.0])
    with pytest.raises(snowleap.BundleError, match=r"model\.json: string_map has 5 'labels' but 1"):
        one_node_model("string_map", attributes, {"input": "s"}, {"output": "v"})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("string_map", map_attributes("keep", -1.0), {"input": "s"}, {"output": "v"}),),
    {"s": np.array(["NY", "", None, "東京", "unseen"], dtype=object)},
)
