"""JSON from untrusted text, within bounds that a hostile document cannot get past.

``json.loads`` alone fails on hostile text in ways a caller cannot turn into a clear answer: a
document nested a few hundred levels deep raises ``RecursionError`` (how deep depends on how deep
the caller's own stack already is), an integer of more than 4,300 digits a bare ``ValueError``, and
a ``\\ud800`` escape decodes to a lone surrogate, a ``str`` that is not Unicode text and raises
``UnicodeEncodeError`` wherever it is later encoded (a hash, a log line). ``loads`` checks the
first two on the text before parsing, so neither the stack nor the time spent depends on the
document, and says which bound was crossed in a ``JsonLimitError`` that quotes nothing of the text.

The bounds are far beyond any Snowplow event, bundle file or scoring request, and documented in
the README ("Security and limits").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any, Final

from snowleap.errors import JsonLimitError

#: deepest nesting of arrays and objects accepted
MAX_JSON_DEPTH: Final[int] = 64
#: most digits in a row in one number (an integer, or a float's integer or fraction part)
MAX_NUMBER_DIGITS: Final[int] = 100

# NOTE: what nesting depends on, once escapes are gone: brackets and quotes.
_NOT_STRUCTURE: Final[bytes] = bytes(code for code in range(256) if code not in b'[]{}"')
# NOTE: digits become 9, the openings of arrays and objects [, anything else a dot: one
#   translation tells both digit runs and (counting [) how many arrays and objects open.
_DIGITS: Final[bytes] = bytes(
    0x39 if 0x30 <= code <= 0x39 else 0x5B if code in b"[{" else 0x2E for code in range(256)
)
_STEP: Final[list[int]] = [{91: 1, 123: 1, 93: -1, 125: -1}.get(code, 0) for code in range(256)]
# NOTE: only a \u escape can make a surrogate: text decoded from UTF-8 never holds one.
_SURROGATE_ESCAPE: Final[re.Pattern[str]] = re.compile(r"\\u[dD][89a-fA-F]")


def loads(
    text: str | bytes,
    *,
    max_depth: int = MAX_JSON_DEPTH,
    max_digits: int = MAX_NUMBER_DIGITS,
    reject_surrogates: bool = True,
) -> Any:
    """The JSON document of ``text``; ``JsonLimitError`` saying what is wrong (never quoting it).

    With ``reject_surrogates=False`` a document whose strings hold lone surrogates is returned
    as it is, for a caller that rejects only the part holding one (``holds_lone_surrogate``).

    Example
    -------
    >>> loads('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> loads("[" * 100 + "]" * 100)
    Traceback (most recent call last):
    ...
    snowleap.errors.JsonLimitError: JSON nested deeper than 64 levels
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonLimitError(f"not UTF-8 text (byte {exc.start} is invalid)") from None
    check_bounds(text, max_depth=max_depth, max_digits=max_digits)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"not valid JSON ({exc.msg} at char {exc.pos})") from None
    except (RecursionError, ValueError):
        # NOTE: check_bounds keeps both out; this only guards a bound set above Python's own.
        raise JsonLimitError(
            "not JSON this service can read (too deep or too long a number)"
        ) from None
    if reject_surrogates and may_hold_surrogates(text) and holds_lone_surrogate(document):
        raise JsonLimitError("a string holds a lone surrogate (\\ud800-\\udfff), not Unicode text")
    return document


def check_bounds(text: str, *, max_depth: int, max_digits: int) -> None:
    """``JsonLimitError`` when ``text`` nests deeper than ``max_depth`` or holds a number of more
    than ``max_digits`` digits in a row (outside its strings).

    NOTE: the usual text crosses neither bound even counting what its strings hold, which costs
    a byte translation and a count; only text that might is looked at closely.
    """
    data = text.encode("utf-8", "surrogatepass")
    shape = data.translate(_DIGITS)
    if b"9" * (max_digits + 1) in shape and _digit_run(_outside(data), max_digits + 1):
        raise JsonLimitError(f"JSON holds a number of more than {max_digits} digits")
    if shape.count(b"[") <= max_depth:
        return
    structure = b"".join(_unescaped(data).translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    if structure and max(accumulate(map(_STEP.__getitem__, structure))) > max_depth:
        raise JsonLimitError(f"JSON nested deeper than {max_depth} levels")


def _unescaped(data: bytes) -> bytes:
    """``data`` without escaped backslashes and escaped quotes: every quote left opens or closes
    a string (inside a string every backslash starts a two-character escape). Other escapes
    stay; no quote hides in them. Text that is not JSON may come out wrong: json.loads refuses
    it anyway.

    NOTE: bytes methods only; a regular expression over a 1 MB body is many times slower.
    """
    if b"\\" not in data:
        return data
    return data.replace(b"\\\\", b"").replace(b'\\"', b"")


def _outside(data: bytes) -> bytes:
    """``data`` with every string literal emptied: what is left are numbers and structure."""
    return b'""'.join(_unescaped(data).split(b'"')[::2]) if b'"' in data else data


def _digit_run(data: bytes, count: int) -> bool:
    """Whether ``data`` holds ``count`` ASCII digits in a row (JSON numbers are ASCII)."""
    # NOTE: a byte table and a substring search run at memory speed, unlike a regular
    # expression, which retries at every digit.
    return b"9" * count in data.translate(_DIGITS)


def may_hold_surrogates(text: str) -> bool:
    """Whether decoding ``text`` can give lone surrogates (it holds a surrogate ``\\u`` escape)."""
    # NOTE: a one-character search runs at memory speed, a two-character one a character at a
    #   time: most bodies hold no backslash at all.
    return "\\" in text and "\\u" in text and _SURROGATE_ESCAPE.search(text) is not None


def holds_lone_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds a string (or key) that is not valid Unicode text."""
    if isinstance(value, str):
        return not _is_unicode(value)
    if isinstance(value, Mapping):
        return any(
            not _is_unicode(key) or holds_lone_surrogate(item) for key, item in value.items()
        )
    if isinstance(value, list):
        return any(holds_lone_surrogate(item) for item in value)
    return False


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
