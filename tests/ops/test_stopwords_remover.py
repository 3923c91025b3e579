"""``stopwords_remover``: case-insensitive by default, null tokens kept, null lists refused."""

from __future__ import annotations

import pytest

import snowleap
from tests.conftest import Node, OpCase, string_list


def remover(case_sensitive: bool) -> Node:
    return Node(
        "stopwords_remover",
        {
            "stop_words": string_list(["the", "A", "straße"]),
            "case_sensitive": {"boolean": case_sensitive},
        },
        {"input": "t"},
        {"output": "kept"},
    )


IDENTITY_CASE = OpCase(
    (remover(False),),
    {"t": [["The", "cat", "a", "STRASSE", "Straße"], [], ["the"], ["", None, "x"]]},
)


def test_case_insensitive(tmp_path, score_both) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    out = score_both(model, IDENTITY_CASE.columns)
    # "STRASSE".lower() is "strasse", not "straße": kept, as in Java
    assert out["kept"].tolist() == [["cat", "STRASSE"], [], [], ["", None, "x"]]


def test_case_sensitive(tmp_path, score_both) -> None:
    model = OpCase((remover(True),), {}).load(tmp_path / "b")
    out = score_both(model, {"t": [["The", "the", "A", "a"]]})
    assert out["kept"].tolist() == [["The", "a"]]


def test_null_list_is_refused(tmp_path) -> None:
    model = IDENTITY_CASE.load(tmp_path / "b")
    with pytest.raises(snowleap.InputError, match=r"column 't': expected a list"):
        model.transform_row({"t": None})
