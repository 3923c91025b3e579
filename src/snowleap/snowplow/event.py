"""``Event``: the one typed, privacy-safe record every input format is parsed into.

Every parser first turns its input into *canonical fields*: a mapping from enriched-event field
names to typed values (absent or ``None`` when empty), plus the decoded unstructured event.
``build_event`` is the single place that turns canonical fields into an ``Event``, keeping only
closed-vocabulary labels, counts, times and the URL path; everything personal stops here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from snowleap.snowplow.classify import (
    campaign_from_query,
    commerce_action,
    device_class,
    platform_class,
    traffic_medium,
)
from snowleap.snowplow.errors import EventError
from snowleap.snowplow.privacy import safe_path
from snowleap.snowplow.selfdesc import SelfDescribing
from snowleap.snowplow.values import shown

T = TypeVar("T")

EVENT_TYPES: Final[frozenset[str]] = frozenset(
    {"page_view", "page_ping", "struct", "unstruct", "transaction", "transaction_item",
     "ad_impression"}
)  # fmt: skip
# NOTE: the true timestamp (set by the caller) is what the visitor did; derived_tstamp is
# Snowplow's clock-skew-corrected device time; the collector's clock is the last resort.
TIME_FIELDS: Final[tuple[str, ...]] = (
    "true_tstamp", "derived_tstamp", "dvce_created_tstamp", "collector_tstamp",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Event:
    """One event, reduced to what session features may use.

    Attributes
    ----------
    event : canonical event type: ``page_view``, ``page_ping``, ``struct``, ``unstruct``,
        ``transaction``, ``transaction_item`` or ``ad_impression``.
    event_name : Snowplow's event name: the self-describing event's schema name
        (``add_to_cart``, ``link_click``), ``event`` for structured events, else as ``event``.
    timestamp : when it happened, timezone-aware UTC (true > derived > device > collector time).
    platform : tracker platform code (``web``, ``mob``, ``app`` ...; ``other``/``unknown``).
    page_path : URL path of the page, segments holding an e-mail address redacted; never the
        query string or fragment.
    medium : where the visit came from: search, social, email, paid, internal, direct, referral.
    commerce_action : ``product_view``, ``add_to_basket``, ``remove_from_basket``, ``purchase``
        or ``None``.
    scroll_y_max : page ping's maximum vertical scroll offset in pixels.
    device_class : desktop, mobile, tablet, bot, other or unknown.
    visit_number : the visitor's session index (``domain_sessionidx``), not an identity.
    domain_sessionid : the session cookie value, kept only to derive the salted session key
        (``session_key``); left out of ``repr``.

    Example
    -------
    >>> from snowleap.snowplow import parse_tracker_get
    >>> result = parse_tracker_get("e=pv&p=web&tv=js-3&dtm=1709542800000&url=https://s.io/p/1")
    >>> result.events[0][1].page_path
    '/p/1'
    """

    event: str
    event_name: str
    timestamp: datetime
    platform: str
    page_path: str | None
    medium: str
    commerce_action: str | None
    scroll_y_max: int | None
    device_class: str
    visit_number: int | None
    domain_sessionid: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event that could not be used: its position in the request and the precise reason."""

    index: int
    reason: str


@dataclass
class ParseResult:
    """Events that parsed (with their positions in the request) and those that did not."""

    events: list[tuple[int, Event]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def _name_of(event: str) -> str:
    """The ``event_name`` Snowplow's enrichment gives an event that is not self-describing."""
    return "event" if event == "struct" else event


def _split_url(fields: Mapping[str, Any], name: str) -> tuple[str | None, str | None, str]:
    """Host, path and query of a URL field; the query is for campaign tags only, then dropped."""
    url = fields.get(name)
    if not url:
        return None, None, ""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise EventError(f"field {name!r}: not a valid URL") from None
    return parts.hostname, parts.path or "/", parts.query


def build_event(fields: Mapping[str, Any], unstruct: SelfDescribing | None) -> Event:
    """The ``Event`` for canonical fields; ``EventError`` if a required part is missing."""
    event = fields.get("event")
    if not event:
        raise EventError("field 'event': missing")
    if event not in EVENT_TYPES:
        raise EventError(f"field 'event': unknown event type, {shown('event', str(event))}")
    timestamp = next((fields[name] for name in TIME_FIELDS if fields.get(name)), None)
    if timestamp is None:
        raise EventError(f"no event time: none of {', '.join(TIME_FIELDS)} is set")

    url_host, url_path, url_query = _split_url(fields, "page_url")
    refr_host, _, _ = _split_url(fields, "page_referrer")
    page_host = fields.get("page_urlhost") or url_host
    page_path = fields.get("page_urlpath") or url_path
    mkt_medium = fields.get("mkt_medium")
    has_click_id = bool(fields.get("mkt_clickid"))
    if not mkt_medium:
        query_medium, query_click_id = campaign_from_query(fields.get("page_urlquery") or url_query)
        mkt_medium = query_medium
        has_click_id = has_click_id or query_click_id

    return Event(
        event=event,
        event_name=fields.get("event_name") or (unstruct.name if unstruct else _name_of(event)),
        timestamp=timestamp,
        platform=platform_class(fields.get("platform")),
        page_path=safe_path(page_path) if page_path else None,
        medium=traffic_medium(
            mkt_medium=mkt_medium,
            has_click_id=has_click_id,
            refr_medium=fields.get("refr_medium"),
            refr_host=fields.get("refr_urlhost") or refr_host,
            page_host=page_host,
        ),
        commerce_action=commerce_action(event, fields.get("se_action"), unstruct),
        scroll_y_max=fields.get("pp_yoffset_max"),
        device_class=device_class(
            dvce_type=fields.get("dvce_type"),
            dvce_ismobile=fields.get("dvce_ismobile"),
            br_type=fields.get("br_type"),
            user_agent=fields.get("useragent"),
        ),
        visit_number=fields.get("domain_sessionidx"),
        domain_sessionid=fields.get("domain_sessionid") or None,
    )


CanonicalFields = tuple[Mapping[str, Any], SelfDescribing | None]


def parse_each(
    items: Iterable[T],
    canonical: Callable[[T], CanonicalFields],
    source: str,
    label: str = "",
) -> ParseResult:
    """One ``Event`` per item, or one ``Rejected`` whose reason says what was wrong.

    ``canonical`` turns one item of a source's own shape into canonical fields, raising
    ``EventError`` for what it cannot read; ``label`` (``"line"``, ``"item"``) prefixes each reason
    with the item's 1-based number, as a person counts lines. A bad item never stops the others.
    """
    result = ParseResult()
    for index, item in enumerate(items):
        try:
            result.events.append((index, build_event(*canonical(item))))
        except EventError as exc:
            reason = f"{label} {index + 1}: {exc}" if label else str(exc)
            result.rejected.append(Rejected(index, reason))
    return logged(result, source)


_LOGGER: Final = logging.getLogger("snowleap.snowplow")


def logged(result: ParseResult, source: str) -> ParseResult:
    """Log how many events of ``source`` parsed and why each rejected one was rejected.

    Reasons never quote personal values (see ``values.shown``), so they are safe to log.
    """
    _LOGGER.debug(
        "%s: %d events parsed, %d rejected", source, len(result.events), len(result.rejected)
    )
    for rejected in result.rejected:
        _LOGGER.info("%s: event %d rejected: %s", source, rejected.index, rejected.reason)
    return result
