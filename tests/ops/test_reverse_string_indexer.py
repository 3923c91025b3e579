"""``reverse_string_indexer``: index -> label, truncation like MLeap, bad indices named."""

from __future__ import annotations

import math
import re

import pytest

import snowleap
from snowleap.ops.base import DOUBLE, STRING
from tests.conftest import Node, OpCase

LABELS = {"labels": {"type": "list", "string": ["low", "mid", "high"]}}


@pytest.fixture
def model(one_node_model) -> snowleap.Model:
    return one_node_model("reverse_string_indexer", LABELS, {"input": "i"}, {"output": "s"})


def test_indices_give_their_labels(model, score_both) -> None:
    out = score_both(model, {"i": [2.0, 0.0, 1.0]})
    assert out["s"].tolist() == ["high", "low", "mid"]
    assert model.input_schema == {"i": DOUBLE}
    assert model.output_schema == {"s": STRING}


def test_fractions_truncate_toward_zero_like_mleap(model, score_both) -> None:
    out = score_both(model, {"i": [1.7, 2.999, -0.5]})
    # toInt: 1.7 -> 1, 2.999 -> 2, -0.5 -> 0
    assert out["s"].tolist() == ["mid", "high", "low"]


@pytest.mark.parametrize("index", [3.0, -1.0, 1e20, math.nan, math.inf])
def test_bad_index_is_an_error_naming_it(model, index: float) -> None:
    shown = re.escape(repr(index))
    with pytest.raises(snowleap.InputError, match=rf"'i': index {shown} has no label.*3 labels"):
        model.transform_row({"i": index})
    with pytest.raises(snowleap.InputError, match=rf"'i', row 1: index {shown} has no label"):
        model.transform({"i": [0.0, index]})


def test_null_index_is_an_error(model) -> None:
    with pytest.raises(snowleap.InputError, match="index nan has no label"):
        model.transform_row({"i": None})


def test_list_input_shape_is_refused(one_node_model) -> None:
    attributes = dict(LABELS)
    attributes["input_shape"] = {"data_shape": {"base": "list", "isNullable": False}}
    with pytest.raises(snowleap.BundleError, match="list input is not supported"):
        one_node_model("reverse_string_indexer", attributes, {"input": "i"}, {"output": "s"})


def test_scalar_input_shape_is_accepted(one_node_model, score_both) -> None:
    attributes = dict(LABELS)
    attributes["input_shape"] = {"data_shape": {"base": "scalar", "isNullable": False}}
    model = one_node_model("reverse_string_indexer", attributes, {"input": "i"}, {"output": "s"})
    assert score_both(model, {"i": [1.0]})["s"].tolist() == ["mid"]


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("reverse_string_indexer", LABELS, {"input": "i"}, {"output": "s"}),),
    {"i": [2.0, 0.0, 1.7, 0.2, -0.5]},
)
