"""``snowleap.bounded_json``: untrusted JSON, refused past its bounds with a clear error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snowleap import bounded_json
from snowleap.bounded_json import MAX_JSON_DEPTH, MAX_NUMBER_DIGITS
from snowleap.errors import JsonLimitError, SnowleapError


def nested(depth: int) -> Any:
    value: Any = 1
    for level in range(depth - 1):
        value = [value] if level % 2 else {"k": value}
    return [value]


@pytest.mark.parametrize("depth", [1, 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH])
def test_documents_within_the_depth_bound_load(depth: int) -> None:
    text = json.dumps(nested(depth))
    assert bounded_json.loads(text) == json.loads(text)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 969, 976, 100_000])
def test_deeper_documents_are_refused_before_parsing(depth: int) -> None:
    with pytest.raises(JsonLimitError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
        bounded_json.loads("[" * depth + "]" * depth)


def test_brackets_inside_strings_do_not_count_and_escapes_do_not_hide_quotes() -> None:
    text = json.dumps(["[[[[" * 40, 'a \\"[[[[', "x\\", "\n]]]]"] + [nested(10)] * 20)
    assert bounded_json.loads(text) == json.loads(text)
    deep = '["\\\\", ' + "[" * 70 + "]" * 70 + "]"
    with pytest.raises(JsonLimitError, match="nested deeper"):
        bounded_json.loads(deep)
    hidden = '["\\"' + "[" * 70 + '"]'
    assert bounded_json.loads(hidden) == json.loads(hidden)


def test_many_shallow_objects_load() -> None:
    text = json.dumps([{"e": "pv", "sid": 'a"b\\c', "n": [1, {"x": 2}]}] * 3000)
    assert bounded_json.loads(text) == json.loads(text)


@pytest.mark.parametrize("digits", [MAX_NUMBER_DIGITS + 1, 4301, 5000])
def test_numbers_of_too_many_digits_are_refused(digits: int) -> None:
    for text in ("9" * digits, f'{{"a": [-{"9" * digits}]}}', f"[1.{'5' * digits}]"):
        with pytest.raises(JsonLimitError, match=f"more than {MAX_NUMBER_DIGITS} digits"):
            bounded_json.loads(text)


def test_digits_inside_strings_are_text() -> None:
    text = json.dumps({"id": "7" * 5000, "n": int("9" * MAX_NUMBER_DIGITS)})
    assert bounded_json.loads(text) == json.loads(text)


def test_lone_surrogates_are_refused_and_pairs_kept() -> None:
    assert bounded_json.loads('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    for text in ('{"sid": "\\ud800"}', '["\\udc00x"]', '{"\\uDBFF": 1}'):
        with pytest.raises(JsonLimitError, match="lone surrogate"):
            bounded_json.loads(text)
        document = bounded_json.loads(text, reject_surrogates=False)
        assert bounded_json.holds_lone_surrogate(document)
    assert bounded_json.loads('["\\\\ud800"]') == ["\\ud800"]


def test_errors_are_snowleap_errors_and_quote_nothing() -> None:
    secret = "jane.doe@example.org"
    for text in (
        f'{{"{secret}": ',
        f'["{secret}"',
        f'["{secret}", \\x]',
        b"\xff" + secret.encode(),
    ):
        with pytest.raises(SnowleapError) as caught:
            bounded_json.loads(text)
        assert secret not in str(caught.value)
        assert isinstance(caught.value, ValueError)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=8), children, max_size=4)
        ),
        max_leaves=40,
    )
)
def test_any_json_within_bounds_loads_as_json_does(document: Any) -> None:
    text = json.dumps(document)
    try:
        expected = json.loads(text)
    except ValueError:
        return
    try:
        assert bounded_json.loads(text, reject_surrogates=False) == expected
    except JsonLimitError as exc:
        assert "digits" in str(exc) or "nested" in str(exc)
