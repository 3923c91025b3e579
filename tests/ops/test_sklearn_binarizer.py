"""``sklearn_binarizer``: the binarizer's math, its shape stored in a list as MLeap's sklearn
serializer writes it; scalars, vectors, NaN, and a list of the wrong length."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase


def shapes(*shape: dict[str, Any]) -> dict[str, Any]:
    return {"type": "list", "data_shape": list(shape)}


SCALAR = {"base": "scalar", "isNullable": False}


def tensor(size: int) -> dict[str, Any]:
    dims = {"dimensions": [{"size": size, "name": ""}]}
    return {"base": "tensor", "isNullable": True, "tensorShape": dims}


def binarizer(one_node_model, threshold, stored_shapes):
    attributes = {"threshold": {"double": threshold}, "input_shapes": stored_shapes}
    return one_node_model("sklearn_binarizer", attributes, {"input": "x"}, {"output": "y"})


def test_vector_values_above_the_threshold_are_one(one_node_model, score_both) -> None:
    model = binarizer(one_node_model, 0.5, shapes(tensor(3)))
    assert model.input_schema["x"] == vector(3)
    out = score_both(model, {"x": np.array([[0.5, 0.6, math.nan], [-1.0, 1e9, 0.0]])})
    assert out["y"].tolist() == [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]


def test_scalar_input(one_node_model, score_both) -> None:
    model = binarizer(one_node_model, 0.0, shapes(SCALAR))
    assert model.input_schema["x"] == DOUBLE
    assert score_both(model, {"x": np.array([-0.0, 1e-300])})["y"].tolist() == [0.0, 1.0]


def test_input_shapes_must_hold_one_shape(one_node_model) -> None:
    with pytest.raises(
        snowleap.BundleError, match=r"'input_shapes' should hold one shape, found 2"
    ):
        binarizer(one_node_model, 0.0, shapes(SCALAR, SCALAR))


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "sklearn_binarizer",
            {"threshold": {"double": 0.25}, "input_shapes": shapes(tensor(2))},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[0.25, 0.3], [math.nan, -math.inf], [math.inf, 0.0]])},
)
