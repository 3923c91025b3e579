"""``ngram``: sliding windows joined by spaces; too short a list gives none."""

from __future__ import annotations

import pytest

import snowleap
from tests.conftest import Node, OpCase

IDENTITY_CASE = OpCase(
    (Node("ngram", {"n": {"long": 2}}, {"input": "t"}, {"output": "grams"}),),
    {"t": [["a", "b", "c"], ["only"], [], ["é", "", "😀"], ["x", None]]},
)


def test_bigrams(tmp_path, score_both) -> None:
    out = score_both(IDENTITY_CASE.load(tmp_path / "b"), IDENTITY_CASE.columns)
    assert out["grams"].tolist() == [
        ["a b", "b c"],
        [],
        [],
        ["é ", " 😀"],
        ["x null"],  # Scala's mkString writes a null token as "null"
    ]


def test_n_must_be_positive(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"'n' should be at least 1, got 0"):
        one_node_model("ngram", {"n": {"long": 0}}, {"input": "t"}, {"output": "g"})


def test_unigrams_are_the_tokens(one_node_model) -> None:
    model = one_node_model("ngram", {"n": {"long": 1}}, {"input": "t"}, {"output": "g"})
    assert model.transform_row({"t": ["a", "b"]})["g"] == ["a", "b"]
