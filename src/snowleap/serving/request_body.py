"""Reading the body of ``POST /score`` into Snowplow events, or a ``RequestError`` saying why not.

Accepted bodies:

* ``application/json`` holding a tracker ``payload_data`` envelope (``{"schema": ..., "data":
  [...]}``, what a tracker POSTs to a collector), or a JSON array of enriched events in the
  Analytics SDK's JSON shape;
* ``text/tab-separated-values``: enriched events, one TSV line each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from snowleap import bounded_json
from snowleap.errors import JsonLimitError
from snowleap.serving.errors import RequestError
from snowleap.snowplow import (
    ParseResult,
    PayloadError,
    Rejected,
    parse_enriched_json,
    parse_enriched_tsv,
    parse_tracker_payload,
)
from snowleap.snowplow.values import shape_of

JSON_TYPE = "application/json"
TSV_TYPE = "text/tab-separated-values"
SUPPORTED_TYPES = (JSON_TYPE, TSV_TYPE)
NOT_UNICODE = (
    "a string of the event holds a lone surrogate (a \\ud800-\\udfff escape): not Unicode text"
)


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
        raise RequestError(
            415, f"Content-Type {_media_shown(kind)} is not supported: send {choices}"
        )
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
    """The body's JSON, bounded (``bounded_json``); strings are checked per event afterwards."""
    try:
        return bounded_json.loads(text, reject_surrogates=False)
    except JsonLimitError as exc:
        raise RequestError(400, f"request body: {exc}") from None


def _parse_json(text: str) -> ParsedRequest:
    document = _load_json(text)
    suspect = bounded_json.may_hold_surrogates(text)
    if isinstance(document, list):
        if not document:
            raise RequestError(400, "request body is an empty JSON array: no events to score")
        return _screened(document, suspect, parse_enriched_json, lambda kept: kept)
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
        if bounded_json.holds_lone_surrogate(document.get("schema")):
            raise RequestError(400, "field 'schema' of the payload_data envelope is not text")
        return _screened(
            data, suspect, parse_tracker_payload, lambda kept: {**document, "data": kept}
        )
    raise RequestError(
        400,
        f"request body must be a JSON object (payload_data envelope) or array (enriched events), "
        f"got {_kind(document)}",
    )


def _screened(
    items: list[Any], suspect: bool, parser: Any, payload: Callable[[list[Any]], Any]
) -> ParsedRequest:
    """Parse the events of ``items`` that are JSON objects of Unicode text; reject the others by
    their position in the request, and map the parser's positions back to the request's."""
    kept: list[Any] = []
    positions: list[int] = []
    rejected: list[Rejected] = []
    if not suspect and all(item.__class__ is dict for item in items):
        # NOTE: the usual body, every event kept: the parser's positions are the request's.
        return ParsedRequest(_parse(parser, payload(items)), len(items))
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            reason = f"expected a JSON object (an event), got {_kind(item)}"
            rejected.append(Rejected(index, reason))
        elif suspect and bounded_json.holds_lone_surrogate(item):
            rejected.append(Rejected(index, NOT_UNICODE))
        else:
            kept.append(item)
            positions.append(index)
    parsed = _parse(parser, payload(kept)) if kept else ParseResult()
    result = ParseResult(
        events=[(positions[i], event) for i, event in parsed.events],
        rejected=[Rejected(positions[r.index], r.reason) for r in parsed.rejected] + rejected,
    )
    result.rejected.sort(key=lambda r: r.index)
    return ParsedRequest(result, len(items))


def _parse(parser: Any, payload: Any) -> ParseResult:
    try:
        result: ParseResult = parser(payload)
    except PayloadError as exc:
        raise RequestError(400, str(exc)) from None
    return result


def _media_shown(kind: str) -> str:
    """A media type the client sent, quoted only when it looks like one (``type/subtype``)."""
    if _MEDIA_TYPE.fullmatch(kind):
        return repr(kind)
    return f"shaped {shape_of(kind)!r}"


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)
