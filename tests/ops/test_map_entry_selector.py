"""``map_entry_selector`` (MLeap extension, missing from MLeap 0.16: its format and math are
taken from MLeap's source, ``MapEntrySelectorOp`` / ``MapEntrySelectorModel``): the map's value
for the row's key, or the default."""

from __future__ import annotations

from typing import Any

import pytest

import snowleap
from snowleap.ops.base import DOUBLE, STRING, map_of
from tests.conftest import Node, OpCase


def selector(value_type: str, default: dict[str, Any]) -> dict[str, Any]:
    return {
        "key_type": {"basic_type": "string"},
        "value_type": {"basic_type": value_type},
        "default_value": default,
    }


PORTS = {"input": "scores", "key": "which"}
IDENTITY_CASE = OpCase(
    (Node("map_entry_selector", selector("double", {"double": -1.0}), PORTS, {"output": "s"}),),
    {"scores": [{"a": 1.5, "é": 2.0}, {}, {"a": float("nan")}], "which": ["é", "a", "a"]},
)


def test_value_or_default(tmp_path, score_both) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    out = score_both(model, IDENTITY_CASE.columns)
    values = out["s"].tolist()
    assert values[:2] == [2.0, -1.0] and values[2] != values[2]  # NaN passes through
    assert model.input_schema == {"scores": map_of("string", "double"), "which": STRING}
    assert model.output_schema == {"s": DOUBLE}


def test_string_values(one_node_model, score_both) -> None:
    model = one_node_model(
        "map_entry_selector", selector("string", {"string": "none"}), PORTS, {"output": "s"}
    )
    out = score_both(model, {"scores": [{"k": "v"}, {"x": "y"}], "which": ["k", "k"]})
    assert out["s"].tolist() == ["v", "none"]


def test_null_key_and_other_key_types_are_refused(tmp_path, one_node_model) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    with pytest.raises(snowleap.InputError, match=r"column 'which': null"):
        model.transform_row({"scores": {}, "which": None})
    attributes = selector("double", {"double": 0.0})
    attributes["key_type"] = {"basic_type": "long"}
    with pytest.raises(snowleap.BundleError, match=r"long keys"):
        one_node_model("map_entry_selector", attributes, PORTS, {"output": "s"})
