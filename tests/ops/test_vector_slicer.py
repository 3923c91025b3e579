"""``vector_slicer``: indices, resolved names, legacy bundles, widths, bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def slicer(one_node_model, indices, names=None, named=None, input_size=None):
    attributes = {"indices": {"type": "list", "long": indices}}
    if names is not None:
        attributes["names"] = {"type": "list", "string": names}
    if named is not None:
        attributes["named_indices"] = {"type": "list", "int": named}
    if input_size is not None:
        attributes["input_size"] = {"int": input_size}
    return one_node_model("vector_slicer", attributes, {"input": "x"}, {"output": "y"})


def test_indices_then_named_indices_in_order(one_node_model, score_both) -> None:
    model = slicer(one_node_model, [3, 0], names=["b"], named=[1], input_size=4)
    assert model.input_schema["x"] == vector(4)
    assert model.output_schema["y"] == vector(3)
    out = score_both(model, {"x": np.array([[10.0, 11.0, 12.0, 13.0], [math.nan, 1.0, 2.0, 3.0]])})
    # x[3], x[0], then the index MLeap resolved for name "b" (1)
    assert out["y"][0].tolist() == [13.0, 10.0, 11.0]
    assert out["y"][1, 0] == 3.0 and math.isnan(out["y"][1, 1]) and out["y"][1, 2] == 1.0


def test_single_index(one_node_model, score_both) -> None:
    one = slicer(one_node_model, [1], input_size=2)
    assert score_both(one, {"x": np.array([[5.0, 6.0]])})["y"].tolist() == [[6.0]]


def test_repeated_index_is_kept_as_mleap_does(one_node_model, score_both) -> None:
    model = slicer(one_node_model, [0, 0], input_size=1)
    assert score_both(model, {"x": np.array([[5.0]])})["y"].tolist() == [[5.0, 5.0]]


def test_legacy_bundle_without_names_or_input_size(one_node_model, score_both) -> None:
    # MLeap before 0.7 wrote only 'indices'; before 0.9 no 'input_size'
    model = slicer(one_node_model, [2])
    assert model.input_schema["x"] == vector(None)
    out = score_both(model, {"x": np.array([[1.0, 2.0, 3.0, 4.0]])})
    assert out["y"].tolist() == [[3.0]]
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*needs index 2"):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*needs index 2"):
        model.transform({"x": np.ones((1, 2))})


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = slicer(one_node_model, [0], input_size=3)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 4.*expects 3"):
        model.transform_row({"x": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 4.*expects 3"):
        model.transform({"x": np.ones((1, 4))})


def test_names_without_resolved_indices_name_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*1 'names' but 0"):
        slicer(one_node_model, [0], names=["a"], named=[])


def test_negative_index_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*negative indices \[-1\]"):
        slicer(one_node_model, [0, -1])


def test_index_beyond_input_size_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*index 5.*input_size 3"):
        slicer(one_node_model, [5], input_size=3)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "vector_slicer",
            {
                "indices": {"type": "list", "long": [3, 0]},
                "names": {"type": "list", "string": ["b"]},
                "named_indices": {"type": "list", "int": [1]},
                "input_size": {"int": 4},
            },
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[10.0, 11.0, 12.0, 13.0], [math.nan, 1.0, 2.0, 3.0]])},
)
