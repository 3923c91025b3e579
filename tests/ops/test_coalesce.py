"""``coalesce``: the first present double of its inputs in port order; NaN counts as missing;
all missing; mismatched attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase

NULLABLE = {"nullable_inputs": {"type": "list", "boolean": [True, True, True]}}
PORTS = {"input0": "a", "input1": "b", "input2": "c"}


def test_first_present_value_in_port_order(one_node_model, score_both) -> None:
    model = one_node_model("coalesce", NULLABLE, PORTS, {"output": "y"})
    assert list(model.input_schema) == ["a", "b", "c"]
    columns = {
        "a": np.array([1.0, math.nan, math.nan, math.nan, -0.0]),
        "b": np.array([2.0, 2.0, math.nan, math.nan, 5.0]),
        "c": np.array([3.0, 3.0, 3.0, math.nan, 5.0]),
    }
    out = score_both(model, columns)
    got = out["y"].tolist()
    assert got[:3] == [1.0, 2.0, 3.0] and math.isnan(got[3])
    assert got[4] == 0.0 and math.copysign(1.0, got[4]) == -1.0
    # a row's None is missing too
    assert model.transform_row({"a": None, "b": 4.0, "c": None})["y"] == 4.0


def test_nullable_inputs_must_match_the_ports(one_node_model) -> None:
    attributes = {"nullable_inputs": {"type": "list", "boolean": [True]}}
    with pytest.raises(snowleap.BundleError, match=r"coalesce has 3 inputs but 1"):
        one_node_model("coalesce", attributes, PORTS, {"output": "y"})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("coalesce", NULLABLE, PORTS, {"output": "y"}),),
    {
        "a": np.array([1.0, math.nan, math.nan]),
        "b": np.array([math.nan, 2.0, math.nan]),
        "c": np.array([3.0, 3.0, math.nan]),
    },
)
