"""``regex_tokenizer``: gaps or matches, minimum length in UTF-16 units, lower-casing."""

from __future__ import annotations

from typing import Any

import pytest

import snowleap
from tests.conftest import Node, OpCase


def attributes(regex: str, gaps: bool, min_length: int, lowercase: bool) -> dict[str, Any]:
    return {
        "regex": {"string": regex},
        "match_gaps": {"boolean": gaps},
        "token_min_length": {"int": min_length},
        "lowercase_text": {"boolean": lowercase},
    }


IDENTITY_CASE = OpCase(
    (Node("regex_tokenizer", attributes(r"\W+", True, 2, True), {"input": "t"}, {"output": "w"}),),
    {"t": ["Hi, there! a bc", "", "...", "Ünïcode wörds 😀😀"]},
)


def test_gaps_with_minimum_length(one_node_model, score_both) -> None:
    model = one_node_model(
        "regex_tokenizer", attributes(r"\W+", True, 2, True), {"input": "t"}, {"output": "w"}
    )
    out = score_both(model, IDENTITY_CASE.columns)
    assert out["w"].tolist() == [
        ["hi", "there", "bc"],
        [],  # [""] has a token of length 0 < 2
        [],
        # \W is ASCII (Java's default): non-ASCII letters are separators
        ["code", "rds"],
    ]


def test_matches_instead_of_gaps_and_case_kept(one_node_model, score_both) -> None:
    model = one_node_model(
        "regex_tokenizer",
        attributes(r"[A-Za-z]+|😀", False, 2, False),
        {"input": "t"},
        {"output": "w"},
    )
    out = score_both(model, {"t": ["Ab c DEF", "😀 x", ""]})
    # NOTE: an emoji is two UTF-16 units, so it passes a minimum length of 2 as in Java
    assert out["w"].tolist() == [["Ab", "DEF"], ["😀"], []]


def test_a_pattern_python_cannot_read_is_refused_at_load(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"pattern '\\\\p\{L\}\+' is not one"):
        one_node_model(
            "regex_tokenizer",
            attributes(r"\p{L}+", True, 1, True),
            {"input": "t"},
            {"output": "w"},
        )


def test_missing_attribute_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'match_gaps'"):
        one_node_model(
            "regex_tokenizer", {"regex": {"string": "x"}}, {"input": "t"}, {"output": "w"}
        )
