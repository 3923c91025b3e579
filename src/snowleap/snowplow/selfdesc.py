"""Self-describing JSON: contexts and unstructured events, plain or URL-safe base64 encoded.

Only what the features need leaves this module: the event's schema name and, for the few
commerce schemas snowleap knows, the action type. Context and event payloads may hold personal
data, so they are checked for shape and then dropped.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from snowleap import bounded_json
from snowleap.errors import JsonLimitError
from snowleap.snowplow.errors import EventError
from snowleap.snowplow.values import shown

_IGLU_URI: Final[re.Pattern[str]] = re.compile(
    r"iglu:([a-zA-Z0-9_.-]+)/([a-zA-Z0-9_-]+)/([a-zA-Z0-9_-]+)/(\d+)-(\d+)-(\d+)"
)
_BASE64: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")


@dataclass(frozen=True, slots=True)
class SelfDescribing:
    """The schema of one self-describing JSON and its data (kept only inside this parse step)."""

    vendor: str
    name: str
    data: Any


def decode_base64_json(text: str) -> Any:
    """JSON from URL-safe base64, with or without ``=`` padding (standard alphabet accepted too)."""
    if _BASE64.fullmatch(text) is None or len(text.rstrip("=")) % 4 == 1:
        raise EventError("not valid base64")
    body = text.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise EventError("not valid base64") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EventError("base64 decodes to bytes that are not UTF-8") from None
    try:
        return bounded_json.loads(text)
    except JsonLimitError as exc:
        raise EventError(f"base64 decodes to text that is {exc}") from None


def decode_json(text: str) -> Any:
    """The JSON of a ``co``/``ue_pr`` parameter or a TSV column: bounded (``bounded_json``)."""
    try:
        return bounded_json.loads(text)
    except JsonLimitError as exc:
        raise EventError(str(exc)) from None


def self_describing(value: Any, what: str) -> SelfDescribing:
    """Check ``{"schema": "iglu:...", "data": ...}`` and return its schema's vendor and name."""
    if not isinstance(value, Mapping):
        raise EventError(f"{what} is not a JSON object")
    schema = value.get("schema")
    if not isinstance(schema, str):
        raise EventError(f"{what} has no 'schema' string")
    match = _IGLU_URI.fullmatch(schema)
    if match is None:
        raise EventError(f"{what} has a schema that is not an Iglu URI, {shown('schema', schema)}")
    if "data" not in value:
        raise EventError(f"{what} has no 'data'")
    return SelfDescribing(vendor=match.group(1), name=match.group(2), data=value["data"])


def check_contexts(value: Any) -> None:
    """A contexts envelope: self-describing, its data a list of self-describing entities."""
    envelope = self_describing(value, "contexts")
    if not isinstance(envelope.data, list):
        raise EventError("contexts 'data' is not a list")
    for position, entity in enumerate(envelope.data):
        self_describing(entity, f"context {position}")


def unstruct_event(value: Any) -> SelfDescribing:
    """The event inside an unstructured-event envelope."""
    envelope = self_describing(value, "unstruct_event envelope")
    return self_describing(envelope.data, "unstruct_event 'data'")
