"""``regex_indexer``: the first expression found anywhere in the string wins; default index;
no match without a default; unicode and empty strings; Java-only syntax refused."""

from __future__ import annotations

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, string_list


def regex_attributes(patterns: list[str], default: int | None = 9) -> dict[str, object]:
    attributes: dict[str, object] = {
        "regexes": string_list(patterns),
        "indices": {"type": "list", "int": list(range(len(patterns)))},
    }
    if default is not None:
        attributes["default_value"] = {"int": default}
    return attributes


PATTERNS = ["^$", "[0-9]{3}", "é|東", "(?i)mobile"]


def indexer(one_node_model, patterns=PATTERNS, default=9):
    return one_node_model(
        "regex_indexer", regex_attributes(patterns, default), {"input": "s"}, {"output": "i"}
    )


def test_first_matching_expression_gives_the_index(one_node_model, score_both) -> None:
    model = indexer(one_node_model)
    assert str(model.output_schema["i"]) == "int"
    strings = ["", "call 555-1234", "café", "東京", "MOBILE app 123", "desktop", None]
    out = score_both(model, {"s": np.array(strings, dtype=object)})
    # "MOBILE app 123": [0-9]{3} (index 1) comes before (?i)mobile (index 3)
    assert out["i"].tolist() == [0, 1, 2, 2, 1, 9, 9]


def test_without_default_an_unmatched_string_is_refused(one_node_model) -> None:
    model = indexer(one_node_model, default=None)
    with pytest.raises(snowleap.InputError, match=r"no expression matches.*no default_value"):
        model.transform_row({"s": "secret"})
    with pytest.raises(snowleap.InputError, match=r"row 1: a null"):
        model.transform({"s": np.array(["123", None], dtype=object)})


@pytest.mark.parametrize("pattern", [r"\p{L}+", "a++", "[a-"])
def test_patterns_python_cannot_read_as_java_are_refused(one_node_model, pattern) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json: regex_indexer expression 1"):
        indexer(one_node_model, ["x", pattern])


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("regex_indexer", regex_attributes(PATTERNS), {"input": "s"}, {"output": "i"}),),
    {"s": np.array(["", "abc123", "Zürich", None, "Mobile"], dtype=object)},
)
