"""``multinomial_labeler``: probabilities at or above the threshold with their labels (list
columns), in index order; none above; NaN; too few labels."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, string_list

OUTPUTS = {"probabilities": "top_p", "labels": "top_l"}


def labeler_attributes(threshold: float, labels: list[str]) -> dict[str, object]:
    return {"threshold": {"double": threshold}, "labels": string_list(labels)}


def labeler(one_node_model, threshold=0.25, labels=("home", "", "買い物")):
    return one_node_model(
        "multinomial_labeler",
        labeler_attributes(threshold, list(labels)),
        {"features": "p"},
        OUTPUTS,
    )


def test_keeps_values_at_or_above_the_threshold_with_labels(one_node_model, score_both) -> None:
    model = labeler(one_node_model)
    assert {k: str(t) for k, t in model.output_schema.items()} == {
        "top_p": "list<double>",
        "top_l": "list<string>",
    }
    out = score_both(model, {"p": np.array([[0.25, 0.5, 0.25], [0.1, math.nan, 0.2]])})
    assert out["top_p"].tolist() == [[0.25, 0.5, 0.25], []]
    assert out["top_l"].tolist() == [["home", "", "買い物"], []]
    row = model.transform_row({"p": [0.0, 0.9, 0.1]})
    assert row["top_p"] == [0.9] and row["top_l"] == [""]


def test_an_index_without_label_is_refused(one_node_model) -> None:
    model = labeler(one_node_model, labels=["a"])
    assert model.transform_row({"p": [0.9, 0.1]})["top_l"] == ["a"]
    with pytest.raises(snowleap.InputError, match=r"index 1 passes the threshold.*1 labels"):
        model.transform_row({"p": [0.9, 0.3]})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "multinomial_labeler",
            labeler_attributes(0.3, ["a", "b", "c"]),
            {"features": "p"},
            OUTPUTS,
        ),
    ),
    {"p": np.array([[0.3, 0.6, 0.1], [0.0, 0.0, 0.0], [math.nan, 1.0, 0.3]])},
)
