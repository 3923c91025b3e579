"""``word_filter`` (MLeap extension): letters only, longer than ``length``, UTF-16 units."""

from __future__ import annotations

import pytest

import snowleap
from tests.conftest import Node, OpCase

IDENTITY_CASE = OpCase(
    (Node("word_filter", {"length": {"int": 3}}, {"input": "t"}, {"output": "w"}),),
    {
        "t": [
            [
                "word",
                "abc",
                "naïve",
                "a1bc",
                "",
                "日本語です",
                "\U0001d400\U0001d401\U0001d402\U0001d403",
            ],
            [],
        ]
    },
)


def test_keeps_long_words_of_letters(tmp_path, score_both) -> None:
    out = score_both(IDENTITY_CASE.load(tmp_path / "b"), IDENTITY_CASE.columns)
    # "abc" is not longer than 3; "a1bc" has a digit; astral letters are surrogates in Java
    assert out["w"].tolist() == [["word", "naïve", "日本語です"], []]


def test_zero_length_keeps_every_word_of_letters(one_node_model) -> None:
    model = one_node_model("word_filter", {"length": {}}, {"input": "t"}, {"output": "w"})
    assert model.transform_row({"t": ["a", "", "b2"]})["w"] == ["a"]


def test_null_token_is_refused(tmp_path) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    with pytest.raises(snowleap.InputError, match=r"column 't': a token is null"):
        model.transform_row({"t": ["a", None]})
