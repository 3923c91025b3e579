"""``tokenizer``: lower-case, split at each ASCII whitespace with Java's split rules."""

from __future__ import annotations

import pytest

import snowleap
from snowleap.ops.base import STRING, list_of
from tests.conftest import Node, OpCase

IDENTITY_CASE = OpCase(
    (Node("tokenizer", {}, {"input": "text"}, {"output": "tokens"}),),
    {"text": ["Hello World", "", "  two  spaces ", "ÉTÉ Straße ΟΔΟΣ", "tab\tnew\nline", "😀 x"]},
)


def test_lower_cases_and_splits_as_java(one_node_model, score_both) -> None:
    model = one_node_model("tokenizer", {}, {"input": "text"}, {"output": "tokens"})
    out = score_both(model, IDENTITY_CASE.columns)
    assert out["tokens"].tolist() == [
        ["hello", "world"],
        # NOTE: Java's "".split gives one empty token; leading separators empty tokens, a run of
        # two an empty token between them, trailing ones nothing
        [""],
        ["", "", "two", "", "spaces"],
        # final sigma lower-cased as Java does; non-ASCII whitespace would not split
        ["été", "straße", "οδος"],
        ["tab", "new", "line"],
        ["😀", "x"],
    ]
    assert model.input_schema == {"text": STRING}
    assert model.output_schema == {"tokens": list_of("string")}


def test_only_ascii_whitespace_splits(one_node_model) -> None:
    model = one_node_model("tokenizer", {}, {"input": "text"}, {"output": "tokens"})
    assert model.transform_row({"text": "a\u00a0b c"})["tokens"] == ["a\u00a0b", "c"]
    assert model.transform_row({"text": "   "})["tokens"] == []


def test_null_string_is_refused_naming_the_row(one_node_model) -> None:
    model = one_node_model("tokenizer", {}, {"input": "text"}, {"output": "tokens"})
    with pytest.raises(snowleap.InputError, match=r"column 'text', row 1: null string"):
        model.transform({"text": ["a", None]})
    with pytest.raises(snowleap.InputError, match=r"column 'text': null string.*tokenizer"):
        model.transform_row({"text": None})
