"""Raw tracker requests: the ``payload_data`` POST envelope and the GET query string.

Tracker protocol values are all strings. They are renamed to the enriched field names (``url``
to ``page_url``, ``dtm`` to ``dvce_created_tstamp`` ...) and typed, so that ``build_event``
serves raw and enriched events alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl

from snowleap import bounded_json
from snowleap.errors import JsonLimitError
from snowleap.snowplow.errors import EventError, PayloadError
from snowleap.snowplow.event import build_column_groups
from snowleap.snowplow.parsing import CanonicalFields, ParseResult, logged, parse_each
from snowleap.snowplow.selfdesc import (
    SelfDescribing,
    check_contexts,
    decode_base64_json,
    decode_json,
    unstruct_event,
)
from snowleap.snowplow.tracker_columns import TrackerColumns
from snowleap.snowplow.values import (
    check_epoch_millis,
    named,
    parse_double,
    parse_epoch_millis,
    parse_int,
    shape_of,
    shown,
)

PAYLOAD_SCHEMA_PREFIX: Final[str] = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-"
REQUIRED_PARAMETERS: Final[tuple[str, ...]] = ("e", "p", "tv")
EVENT_CODES: Final[dict[str, str]] = {
    "pv": "page_view",
    "pp": "page_ping",
    "se": "struct",
    "ue": "unstruct",
    "tr": "transaction",
    "ti": "transaction_item",
    "ad": "ad_impression",
}
#: parameters read elsewhere than ``TRACKER_PARAMETERS``: the event code and self-describing JSON
SPECIAL_PARAMETERS: Final[frozenset[str]] = frozenset({"e", "co", "cx", "ue_pr", "ue_px"})
#: payload_data parameters deliberately not read: identities, free text, fingerprinting
#: material and what no feature needs
IGNORED_PARAMETERS: Final[frozenset[str]] = frozenset(
    {
        # identities
        "uid", "ip", "duid", "nuid", "tnuid", "fp", "mac", "ad_uid",
        # free text and order details
        "page", "se_ca", "se_la", "se_pr", "se_va", "ue_na", "sa", "sn", "st", "sp",
        "tr_id", "tr_af", "tr_ci", "tr_st", "tr_co", "tr_cu",
        "ti_id", "ti_sk", "ti_na", "ti_nm", "ti_ca", "ti_cu",
        # device details that fingerprint a browser
        "res", "vp", "cd", "ds", "cs", "lang", "tz", "cookie",
        "f_pdf", "f_qt", "f_realp", "f_wma", "f_dir", "f_fla", "f_java", "f_gears", "f_ag",
        # not needed
        "tna", "eid", "ctype", "ad_ba", "ad_ca", "ad_ad",
    }
)  # fmt: skip
# tracker parameter -> (enriched field name, parser of the string value)
_Parser = Callable[[str, str], Any]


def _text(_: str, value: str) -> str:
    return value


TRACKER_PARAMETERS: Final[dict[str, tuple[str, _Parser]]] = {
    "p": ("platform", _text),
    "tv": ("v_tracker", _text),
    "aid": ("app_id", _text),
    "url": ("page_url", _text),
    "refr": ("page_referrer", _text),
    "ua": ("useragent", _text),
    "sid": ("domain_sessionid", _text),
    "se_ac": ("se_action", _text),
    "ttm": ("true_tstamp", parse_epoch_millis),
    "dtm": ("dvce_created_tstamp", parse_epoch_millis),
    # NOTE: the send time is checked but no feature uses it: kept as epoch milliseconds.
    "stm": ("dvce_sent_tstamp", check_epoch_millis),
    "vid": ("domain_sessionidx", parse_int),
    "tid": ("txn_id", parse_int),
    "pp_mix": ("pp_xoffset_min", parse_int),
    "pp_max": ("pp_xoffset_max", parse_int),
    "pp_miy": ("pp_yoffset_min", parse_int),
    "pp_may": ("pp_yoffset_max", parse_int),
    "tr_tt": ("tr_total", parse_double),
    "tr_tx": ("tr_tax", parse_double),
    "tr_sh": ("tr_shipping", parse_double),
    "ti_pr": ("ti_price", parse_double),
    "ti_qu": ("ti_quantity", parse_int),
}


def _canonical(params: Mapping[str, Any]) -> tuple[dict[str, Any], SelfDescribing | None]:
    """Canonical fields of one event's parameters; ``EventError`` with the first problem.

    NOTE: one pass over the parameters the event has, in its own order (the usual case: nothing
    is wrong). Any problem sends the event to ``_checked_canonical``, which walks the protocol's
    order and so names the same first problem whatever order the parameters came in.
    """
    code = params.get("e")
    event = EVENT_CODES.get(code) if isinstance(code, str) else None
    if event is None or not params.get("p") or not params.get("tv"):
        return _checked_canonical(params)
    fields: dict[str, Any] = {"event": event}
    readers = TRACKER_PARAMETERS
    try:
        for key, text in params.items():
            if text.__class__ is not str and not isinstance(text, str):
                return _checked_canonical(params)
            reader = readers.get(key)
            if reader is not None and text:
                name, parse = reader
                fields[name] = text if parse is _text else parse(name, text)
        unstruct = _self_describing(params) if _SELF_DESCRIBING_KEYS & params.keys() else None
    except EventError:
        return _checked_canonical(params)
    if event == "unstruct" and unstruct is None:
        return _checked_canonical(params)
    return fields, unstruct


def _self_describing(params: Mapping[str, Any]) -> SelfDescribing | None:
    """Contexts checked, the self-describing event decoded (``ue_px`` wins over ``ue_pr``)."""
    unstruct: SelfDescribing | None = None
    for key, decode in _CONTEXT_DECODERS:
        text = params.get(key)
        if text:
            check_contexts(decode(text))
    for key, decode in _UNSTRUCT_DECODERS:
        text = params.get(key)
        if text:
            unstruct = unstruct_event(decode(text))
    return unstruct


_CONTEXT_DECODERS: Final = (("co", decode_json), ("cx", decode_base64_json))
_SELF_DESCRIBING_KEYS: Final[frozenset[str]] = frozenset(("co", "cx", "ue_pr", "ue_px"))
_UNSTRUCT_DECODERS: Final = (("ue_pr", decode_json), ("ue_px", decode_base64_json))


def _checked_canonical(params: Mapping[str, Any]) -> tuple[dict[str, Any], SelfDescribing | None]:
    """``_canonical``, checking in the protocol's order: which problem comes first is defined here.

    Value types first (by parameter name, so that the same one is named whatever the order),
    then the required parameters, the event code, each tracker parameter in
    ``TRACKER_PARAMETERS`` order, contexts, and the self-describing event.
    """
    for key, value in sorted(params.items(), key=_first):
        if not isinstance(value, str):
            raise EventError(f"{named(key, _KNOWN)}: expected a string, got {_json_type(value)}")
    for key in REQUIRED_PARAMETERS:
        if not params.get(key):
            raise EventError(f"{key!r}: missing (required by the tracker protocol)")
    code = params["e"]
    if code not in EVENT_CODES:
        raise EventError(f"'e': unknown event type, {shown('event', code)}")
    fields: dict[str, Any] = {"event": EVENT_CODES[code]}
    for key, (name, parse) in TRACKER_PARAMETERS.items():
        text = params.get(key)
        if text:
            try:
                fields[name] = parse(name, text)
            except EventError as exc:
                raise EventError(f"{key!r}: {exc}") from None
    for key, decode in _CONTEXT_DECODERS:
        if params.get(key):
            try:
                check_contexts(decode(params[key]))
            except EventError as exc:
                raise EventError(f"{key!r}: {exc}") from None
    unstruct: SelfDescribing | None = None
    for key, decode in _UNSTRUCT_DECODERS:
        if params.get(key):
            try:
                unstruct = unstruct_event(decode(params[key]))
            except EventError as exc:
                raise EventError(f"{key!r}: {exc}") from None
    if fields["event"] == "unstruct" and unstruct is None:
        raise EventError("'ue_pr'/'ue_px': missing (required for a self-describing event 'ue')")
    return fields, unstruct


def _first(item: tuple[str, Any]) -> str:
    return item[0]


_KNOWN: Final[frozenset[str]] = frozenset(
    (*TRACKER_PARAMETERS, *SPECIAL_PARAMETERS, *IGNORED_PARAMETERS, *REQUIRED_PARAMETERS)
)


def _json_type(value: Any) -> str:
    """A JSON value's type as messages name it (never the value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "an array" if isinstance(value, list) else "an object"


def _schema_shape(schema: Any) -> str:
    return f"shaped {shape_of(schema)!r}" if isinstance(schema, str) else _json_type(schema)


def _parse_events(items: list[Any], source: str) -> ParseResult:
    # NOTE: the plain request a parameter at a time across its events (tracker_columns.py);
    #   anything else, and any event that fails, event by event.
    groups = _COLUMNS.groups(items)
    events = None if groups is None else build_column_groups(groups, len(items))
    if events is not None:
        return logged(ParseResult(events=list(enumerate(events))), source)
    return parse_each(items, _parameters_fields, source)


_COLUMNS: Final = TrackerColumns(
    TRACKER_PARAMETERS,
    EVENT_CODES,
    text=_text,
    required=REQUIRED_PARAMETERS,
    excluded=_SELF_DESCRIBING_KEYS,
)


def _parameters_fields(params: Any) -> CanonicalFields:
    # NOTE: JSON gives dicts; the ABC check (a Python-level call) only for anything else.
    if params.__class__ is not dict and not isinstance(params, Mapping):
        raise EventError(f"expected a JSON object of parameters, got {type(params).__name__}")
    return _canonical(params)


def parse_tracker_payload(body: str | bytes | Mapping[str, Any]) -> ParseResult:
    """Parse a tracker POST body: the ``payload_data`` self-describing envelope of events.

    Each event is reported by its 0-based position in ``data``: parsed, or rejected with the
    parameter and the problem (``"'cx': not valid base64"``). A body that is not such an
    envelope at all raises ``PayloadError``, since it holds no event to
    report on.

    Example
    -------
    >>> body = {"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
    ...         "data": [{"e": "pv", "p": "web", "tv": "js-3", "dtm": "1709542800000"},
    ...                  {"e": "pv", "p": "web"}]}
    >>> result = parse_tracker_payload(body)
    >>> len(result.events), result.rejected[0].reason
    (1, "'tv': missing (required by the tracker protocol)")
    """
    envelope: Any = body
    if isinstance(body, bytes):
        try:
            envelope = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadError(f"request body: not UTF-8 (byte {exc.start})") from None
    if isinstance(envelope, str):
        try:
            envelope = bounded_json.loads(envelope)
        except JsonLimitError as exc:
            raise PayloadError(f"request body: {exc}") from None
    if not isinstance(envelope, Mapping):
        raise PayloadError(f"request body: expected a JSON object, got {type(envelope).__name__}")
    schema = envelope.get("schema")
    if not isinstance(schema, str) or not schema.startswith(PAYLOAD_SCHEMA_PREFIX):
        raise PayloadError(
            f"request body: 'schema' must be {PAYLOAD_SCHEMA_PREFIX}x-y, "
            f"got {_schema_shape(schema)}"
        )
    data = envelope.get("data")
    if not isinstance(data, list) or not data:
        raise PayloadError("request body: 'data' must be a non-empty list of events")
    return _parse_events(data, "tracker POST")


def parse_tracker_get(query_string: str) -> ParseResult:
    """Parse one event sent by GET: the query string, with or without its ``/i?`` path.

    Example
    -------
    >>> result = parse_tracker_get("/i?e=pp&p=web&tv=js-3&dtm=1709542800000&pp_may=abc")
    >>> result.rejected[0]
    Rejected(index=0, reason="'pp_may': not an integer, shaped 'aaa'")
    """
    query = query_string.split("?", 1)[1] if "?" in query_string else query_string
    return parse_each([query], _query_fields, "tracker GET")


def _query_fields(query: str) -> CanonicalFields:
    try:
        params = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise EventError("query string: not key=value pairs") from None
    return _canonical(params)
