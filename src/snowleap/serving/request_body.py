"""Reading the body of ``POST /score`` into Snowplow events, or a ``RequestError`` saying why not.

Accepted bodies:

* ``application/json`` holding a tracker ``payload_data`` envelope (``{"schema": ..., "data":
  [...]}``, what a tracker POSTs to a collector), or a JSON array of enriched events in the
  Analytics SDK's JSON shape;
* ``text/tab-separated-values``: enriched events, one TSV line each.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snowleap.serving.errors import RequestError
from snowleap.snowplow import (
    ParseResult,
    PayloadError,
    Rejected,
    parse_enriched_json,
    parse_enriched_tsv,
    parse_tracker_payload,
)

JSON_TYPE = "application/json"
TSV_TYPE = "text/tab-separated-values"
SUPPORTED_TYPES = (JSON_TYPE, TSV_TYPE)


@dataclass(frozen=True)
class ParsedRequest:
    """The parsed events and how many events the request held (each must be accounted for)."""

    result: ParseResult
    events_received: int


def media_type(content_type: str | None) -> str | None:
    """``"application/json"`` from ``"Application/JSON; charset=utf-8"``; ``None`` if absent."""
    if content_type is None or not content_type.strip():
        return None
    return content_type.split(";", 1)[0].strip().lower()


def parse_score_body(body: bytes, content_type: str | None, *, max_bytes: int) -> ParsedRequest:
    """The events of a ``POST /score`` body.

    Raises ``RequestError`` (413 too large, 415 unsupported or missing content type, 400
    unreadable or empty) naming what was wrong.

    Example
    -------
    >>> body = b'[{"event": "page_view", ...}]'
    >>> parse_score_body(body, "application/json", max_bytes=1 << 20)   # doctest: +SKIP
    """
    kind, text = _checked_text(body, content_type, SUPPORTED_TYPES, max_bytes, "no events to score")
    if kind == TSV_TYPE:
        # NOTE: the TSV parser reports every line exactly once, as an event or as rejected.
        result = _parse(parse_enriched_tsv, text)
        return ParsedRequest(result, len(result.events) + len(result.rejected))
    return _parse_json(text)


def read_json_body(body: bytes, content_type: str | None, *, max_bytes: int) -> Any:
    """The parsed JSON document of an ``application/json`` body, or ``RequestError`` (413, 415,
    400) saying why not, as for ``POST /score``."""
    _, text = _checked_text(body, content_type, (JSON_TYPE,), max_bytes, "nothing to score")
    return _load_json(text)


def _checked_text(
    body: bytes, content_type: str | None, allowed: tuple[str, ...], max_bytes: int, empty: str
) -> tuple[str, str]:
    """The media type and text of a body of one of the ``allowed`` types within ``max_bytes``."""
    if len(body) > max_bytes:
        raise RequestError(
            413, f"request body is {len(body)} bytes, more than the limit of {max_bytes} bytes"
        )
    kind = media_type(content_type)
    choices = " or ".join(allowed)
    if kind is None:
        raise RequestError(415, f"missing Content-Type header: send {choices}")
    if kind not in allowed:
        raise RequestError(415, f"Content-Type {kind!r} is not supported: send {choices}")
    if not body.strip():
        raise RequestError(400, f"request body is empty: {empty}")
    return kind, _decode(body)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(
            400, f"request body is not UTF-8 text (byte {exc.start} is invalid)"
        ) from None


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestError(
            400,
            f"request body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except RecursionError:
        raise RequestError(400, "request body is JSON nested too deeply") from None
    except ValueError:
        # NOTE: an integer of more digits than Python converts (sys.get_int_max_str_digits)
        raise RequestError(400, "request body holds a number with too many digits") from None


def _parse_json(text: str) -> ParsedRequest:
    document = _load_json(text)
    if isinstance(document, list):
        return _parse_enriched_array(document)
    if isinstance(document, dict):
        data = document.get("data")
        if "data" not in document or "schema" not in document:
            raise RequestError(
                400,
                "a JSON object body must be a tracker payload_data envelope "
                '{"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/...", "data": '
                "[...]}; send enriched events as a JSON array",
            )
        if not isinstance(data, list):
            raise RequestError(
                400,
                f"field 'data' of the payload_data envelope must be an array, got {_kind(data)}",
            )
        if not data:
            raise RequestError(400, "field 'data' of the payload_data envelope is empty: no events")
        return ParsedRequest(_parse(parse_tracker_payload, document), len(data))
    raise RequestError(
        400,
        f"request body must be a JSON object (payload_data envelope) or array (enriched events), "
        f"got {_kind(document)}",
    )


def _parse_enriched_array(items: list[Any]) -> ParsedRequest:
    if not items:
        raise RequestError(400, "request body is an empty JSON array: no events to score")
    objects = [(index, item) for index, item in enumerate(items) if isinstance(item, Mapping)]
    parsed = _parse(parse_enriched_json, [item for _, item in objects])
    # NOTE: the parser numbers the objects it was given; map those back to request positions.
    positions = [index for index, _ in objects]
    result = ParseResult(
        events=[(positions[i], event) for i, event in parsed.events],
        rejected=[Rejected(positions[r.index], r.reason) for r in parsed.rejected],
    )
    result.rejected.extend(
        Rejected(index, f"expected a JSON object (an enriched event), got {_kind(item)}")
        for index, item in enumerate(items)
        if not isinstance(item, Mapping)
    )
    result.rejected.sort(key=lambda r: r.index)
    return ParsedRequest(result, len(items))


def _parse(parser: Any, payload: Any) -> ParseResult:
    try:
        result: ParseResult = parser(payload)
    except PayloadError as exc:
        raise RequestError(400, str(exc)) from None
    return result


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
