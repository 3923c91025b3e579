"""Enriched events: the 131-field TSV and the JSON shape of the Snowplow Analytics SDK."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from snowleap.snowplow.errors import EventError
from snowleap.snowplow.fields import ENRICHED_FIELDS, FIELD_KIND, FieldKind
from snowleap.snowplow.parsing import CanonicalFields, ParseResult, parse_each
from snowleap.snowplow.selfdesc import (
    SelfDescribing,
    check_contexts,
    decode_json,
    self_describing,
    unstruct_event,
)
from snowleap.snowplow.values import (
    parse_bool,
    parse_double,
    parse_int,
    parse_timestamp,
    shape_of,
)

EXPECTED_FIELDS: Final[int] = len(ENRICHED_FIELDS)

_TEXT_PARSERS: Final[dict[FieldKind, Callable[[str, str], Any]]] = {
    "tstamp": parse_timestamp,
    "int": parse_int,
    "double": parse_double,
    "bool": parse_bool,
}


def typed_tsv_fields(values: list[str]) -> tuple[dict[str, Any], SelfDescribing | None]:
    """Every non-empty field of one TSV line, typed; contexts checked, the unstruct event decoded.

    The result still holds personal values: it only lives inside one parse step.
    """
    fields: dict[str, Any] = {}
    unstruct: SelfDescribing | None = None
    for position, ((name, kind), text) in enumerate(zip(ENRICHED_FIELDS, values, strict=True)):
        if not text:
            continue
        try:
            if kind == "string":
                fields[name] = text
            elif kind == "contexts":
                check_contexts(decode_json(text))
            elif kind == "unstruct":
                unstruct = unstruct_event(decode_json(text))
            else:
                fields[name] = _TEXT_PARSERS[kind](name, text)
        except EventError as exc:
            raise EventError(f"field {name!r} (index {position}): {exc}") from None
    return fields, unstruct


def parse_enriched_tsv(text: str) -> ParseResult:
    """Parse enriched events, one per line of 131 tab-separated fields.

    Every line is an event: a line that cannot be used (wrong field count, a value of the wrong
    type, no event time) is reported in ``rejected`` with its 0-based line index, and the other
    lines still parse. A final newline does not make an extra event.

    Example
    -------
    >>> result = parse_enriched_tsv("web\\tpage_view")
    >>> result.rejected[0].reason
    'line 1: 2 fields, expected 131'
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return parse_each(lines, _tsv_line_fields, "enriched TSV", label="line")


def _tsv_line_fields(line: str) -> CanonicalFields:
    values = line.removesuffix("\r").split("\t")
    if len(values) != EXPECTED_FIELDS:
        raise EventError(f"{len(values)} fields, expected {EXPECTED_FIELDS}")
    return typed_tsv_fields(values)


def _json_type(value: Any) -> str:
    """The JSON type of a value, for messages (never the value: it may be personal)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, Mapping) else type(value).__name__


def _json_value(name: str, kind: FieldKind, value: Any) -> Any:
    """A typed value from the SDK's JSON, which already holds numbers, booleans and ISO times."""
    if kind == "tstamp":
        if not isinstance(value, str):
            raise EventError(f"expected an ISO 8601 timestamp string, got {_json_type(value)}")
        return parse_timestamp(name, value)
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise EventError(f"expected an integer, got {_json_type(value)}")
        return value
    if kind == "double":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise EventError(f"expected a number, got {_json_type(value)}")
        if not math.isfinite(value):
            raise EventError(f"expected a finite number, got {value!r}")
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise EventError(f"expected true or false, got {_json_type(value)}")
        return value
    if not isinstance(value, str):
        raise EventError(f"expected a string, got {_json_type(value)}")
    return value


def _key(key: str) -> str:
    """A key of an enriched event as messages name it: a ``contexts_``/``unstruct_event_`` key
    holds the client's schema name, so only its prefix and shape are shown."""
    if key in FIELD_KIND:
        return repr(key)
    prefix = "contexts_" if key.startswith("contexts_") else "unstruct_event_"
    return f"{prefix}... shaped {shape_of(key[len(prefix) :])!r}"


def _json_fields(item: Mapping[str, Any]) -> tuple[dict[str, Any], SelfDescribing | None]:
    fields: dict[str, Any] = {}
    unstruct_data: tuple[str, Any] | None = None
    for key, value in item.items():
        if value is None:
            continue
        try:
            kind = FIELD_KIND.get(key)
            if kind is not None and kind not in ("contexts", "unstruct"):
                fields[key] = _json_value(key, kind, value)
            elif key.startswith("contexts_"):
                if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
                    raise EventError("expected a list of context objects")
            elif key.startswith("unstruct_event_"):
                if not isinstance(value, Mapping):
                    raise EventError("expected an object")
                unstruct_data = (key, value)
        except EventError as exc:
            raise EventError(f"key {_key(key)}: {exc}") from None
    unstruct: SelfDescribing | None = None
    if unstruct_data is not None:
        # NOTE: the SDK flattens the schema into the key; the event_vendor and event_name fields
        # carry it unambiguously, so rebuild the self-describing event from those.
        vendor, name = fields.get("event_vendor"), fields.get("event_name")
        if not vendor or not name:
            raise EventError(
                f"key {_key(unstruct_data[0])}: event_vendor and event_name must be set"
            )
        unstruct = self_describing(
            {"schema": f"iglu:{vendor}/{name}/jsonschema/1-0-0", "data": unstruct_data[1]},
            f"key {_key(unstruct_data[0])}",
        )
    return fields, unstruct


def parse_enriched_json(items: Sequence[Mapping[str, Any]]) -> ParseResult:
    """Parse enriched events in the Snowplow Analytics SDK's JSON shape (one mapping each).

    Typed as the SDK writes them: ISO 8601 ``...Z`` timestamps, JSON numbers and booleans,
    shredded ``contexts_*`` lists and one ``unstruct_event_*`` object. Keys the SDK does not
    write are ignored; a value of the wrong type rejects that event only.

    Example
    -------
    >>> event = {"event": "page_view", "platform": "web",
    ...          "collector_tstamp": "2024-03-04T09:00:00.000Z", "page_urlpath": "/basket"}
    >>> parse_enriched_json([event]).events[0][1].page_path
    '/basket'
    """
    return parse_each(items, _json_item_fields, "enriched JSON", label="item")


def _json_item_fields(item: Any) -> CanonicalFields:
    if not isinstance(item, Mapping):
        raise EventError(f"expected a JSON object, got {type(item).__name__}")
    return _json_fields(item)
