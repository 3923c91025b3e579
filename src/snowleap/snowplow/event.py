"""``Event``: the one typed, privacy-safe record every input format is parsed into.

Every parser first turns its input into *canonical fields*: a mapping from enriched-event field
names to typed values (absent or ``None`` when empty), plus the decoded unstructured event.
``EventBuilder`` is the single place that turns canonical fields into an ``Event`` (``build``: one
event's; ``build_columns``: a plain tracker request's, a field at a time), keeping only
closed-vocabulary labels, counts, times and the URL path; everything personal stops here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Final

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
from snowleap.snowplow.urls import NO_URL, UrlParts
from snowleap.snowplow.urls import split_url as _split_url
from snowleap.snowplow.values import shown

EVENT_TYPES: Final[frozenset[str]] = frozenset(
    {"page_view", "page_ping", "struct", "unstruct", "transaction", "transaction_item",
     "ad_impression"}
)  # fmt: skip
# NOTE: the true timestamp (set by the caller) is what the visitor did; derived_tstamp is
# Snowplow's clock-skew-corrected device time; the collector's clock is the last resort.
TIME_FIELDS: Final[tuple[str, ...]] = (
    "true_tstamp", "derived_tstamp", "dvce_created_tstamp", "collector_tstamp",
)  # fmt: skip


@dataclass(frozen=True, slots=True, init=False)
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

    # NOTE: written out rather than generated: a frozen dataclass's own __init__ assigns each
    # field through object.__setattr__, which looks the field up again on every call; the slots'
    # own setters (``_SLOT_SETTERS``) made building the record a third of its former cost.
    def __init__(
        self,
        event: str,
        event_name: str,
        timestamp: datetime,
        platform: str,
        page_path: str | None,
        medium: str,
        commerce_action: str | None,
        scroll_y_max: int | None,
        device_class: str,
        visit_number: int | None,
        domain_sessionid: str | None = None,
    ) -> None:
        (set_event, set_event_name, set_timestamp, set_platform, set_page_path, set_medium,
         set_commerce_action, set_scroll_y_max, set_device_class, set_visit_number,
         set_domain_sessionid) = _SLOT_SETTERS  # fmt: skip
        set_event(self, event)
        set_event_name(self, event_name)
        set_timestamp(self, timestamp)
        set_platform(self, platform)
        set_page_path(self, page_path)
        set_medium(self, medium)
        set_commerce_action(self, commerce_action)
        set_scroll_y_max(self, scroll_y_max)
        set_device_class(self, device_class)
        set_visit_number(self, visit_number)
        set_domain_sessionid(self, domain_sessionid)


# NOTE: each slot's member descriptor sets its field without the frozen class's __setattr__.
_SLOT_SETTERS: Final[tuple[Callable[[Event, Any], None], ...]] = tuple(
    vars(Event)[f.name].__set__ for f in fields(Event)
)


def _name_of(event: str) -> str:
    """The ``event_name`` Snowplow's enrichment gives an event that is not self-describing."""
    return "event" if event == "struct" else event


_NAMES: Final[dict[str, str]] = {event: _name_of(event) for event in EVENT_TYPES}


class EventBuilder:
    """Turns canonical fields into ``Event`` records, one request's events at a time.

    The events of a request repeat themselves (a session's page pings carry their page's URL,
    every event the visitor's user agent and referrer), so what is derived from those values is
    worked out once per distinct value. The memory lives as long as the builder, which
    ``parsing.parse_each`` (or ``build_column_groups``) makes for one request: nothing personal
    outlives the request.
    """

    def __init__(self) -> None:
        self._urls: dict[tuple[str, str], UrlParts] = {}
        self._campaigns: dict[str, tuple[str | None, bool]] = {}
        self._mediums: dict[tuple[str | None, bool, str | None, str | None, str | None], str] = {}
        self._devices: dict[tuple[Any, Any, Any, Any], str] = {}
        self._paths: dict[str, str] = {}
        self._contexts: dict[tuple[Any, ...], tuple[str, str | None, str, str]] = {}
        self._visits: dict[tuple[Any, ...], tuple[str, str, str]] = {}

    def _url(self, url: str | None, name: str) -> UrlParts:
        if not url:
            return NO_URL
        parts = self._urls.get((url, name))
        if parts is None:
            parts = self._urls[(url, name)] = _split_url(url, name)
        return parts

    def _context(
        self,
        page_url: str | None,
        page_referrer: str | None,
        page_urlquery: str | None,
        page_urlhost: str | None,
        page_urlpath: str | None,
        mkt_medium: str | None,
        mkt_clickid: str | None,
        refr_medium: str | None,
        refr_urlhost: str | None,
        dvce_type: str | None,
        dvce_ismobile: bool | None,
        br_type: str | None,
        useragent: str | None,
        platform: str | None,
    ) -> tuple[str, str | None, str, str]:
        """Platform, safe page path, traffic medium and device class from the fields they depend
        on (``_CONTEXT_FIELDS``, in that order)."""
        url_host, url_path, url_query = self._url(page_url, "page_url")
        # NOTE: the pages of a visit differ in their path alone: the rest is worked out once.
        visit_key = (url_host, url_query, page_referrer, page_urlquery, page_urlhost, mkt_medium,
                     mkt_clickid, refr_medium, refr_urlhost, dvce_type, dvce_ismobile, br_type,
                     useragent, platform)  # fmt: skip
        visit = self._visits.get(visit_key)
        if visit is None:
            visit = self._visits[visit_key] = self._visit(*visit_key)
        page_path = page_urlpath or url_path
        if page_path:
            path = self._paths.get(page_path)
            if path is None:
                path = self._paths[page_path] = safe_path(page_path)
            page_path = path
        return visit[0], page_path or None, visit[1], visit[2]

    def _visit(
        self,
        url_host: str | None,
        url_query: str,
        page_referrer: str | None,
        page_urlquery: str | None,
        page_urlhost: str | None,
        mkt_medium: str | None,
        mkt_clickid: str | None,
        refr_medium: str | None,
        refr_urlhost: str | None,
        dvce_type: str | None,
        dvce_ismobile: bool | None,
        br_type: str | None,
        useragent: str | None,
        platform: str | None,
    ) -> tuple[str, str, str]:
        """Platform, traffic medium and device class of a page's host and query and the
        visit's other context fields."""
        refr_host = self._url(page_referrer, "page_referrer")[0]
        has_click_id = bool(mkt_clickid)
        if not mkt_medium:
            query = page_urlquery or url_query
            campaign = self._campaigns.get(query)
            if campaign is None:
                campaign = self._campaigns[query] = campaign_from_query(query)
            mkt_medium = campaign[0]
            has_click_id = has_click_id or campaign[1]
        medium_key = (mkt_medium, has_click_id, refr_medium, refr_urlhost or refr_host,
                      page_urlhost or url_host)  # fmt: skip
        medium = self._mediums.get(medium_key)
        if medium is None:
            medium = self._mediums[medium_key] = traffic_medium(
                mkt_medium=medium_key[0],
                has_click_id=medium_key[1],
                refr_medium=medium_key[2],
                refr_host=medium_key[3],
                page_host=medium_key[4],
            )
        device_key = (dvce_type, dvce_ismobile, br_type, useragent)
        device = self._devices.get(device_key)
        if device is None:
            device = self._devices[device_key] = device_class(
                dvce_type=dvce_type, dvce_ismobile=dvce_ismobile, br_type=br_type,
                user_agent=useragent,
            )  # fmt: skip
        return platform_class(platform), medium, device

    def build(self, fields: Mapping[str, Any], unstruct: SelfDescribing | None) -> Event:
        """The ``Event`` for canonical fields; ``EventError`` if a required part is missing."""
        get = fields.get
        event = get("event")
        if not event:
            raise EventError("field 'event': missing")
        if event not in EVENT_TYPES:
            raise EventError(f"field 'event': unknown event type, {shown('event', str(event))}")
        # NOTE: in TIME_FIELDS order; a time, when set, is a datetime (never false).
        timestamp = (
            get("true_tstamp") or get("derived_tstamp") or get("dvce_created_tstamp")
            or get("collector_tstamp")
        )  # fmt: skip
        if not timestamp:
            raise EventError(f"no event time: none of {', '.join(TIME_FIELDS)} is set")

        platform, page_path, medium, device = self._context_of((*map(get, _CONTEXT_FIELDS),))
        return Event(
            event,
            get("event_name") or (unstruct.name if unstruct else _name_of(event)),
            timestamp,
            platform,
            page_path,
            medium,
            commerce_action(event, get("se_action"), unstruct),
            get("pp_yoffset_max"),
            device,
            get("domain_sessionidx"),
            get("domain_sessionid") or None,
        )

    def build_columns(self, columns: Mapping[str, Sequence[Any]]) -> list[Event]:
        """``build`` of each event of canonical fields given a field at a time (``columns``:
        every value set, no self-describing event), as ``tracker_columns.py`` reads a plain
        request; ``EventError`` when one event has no type or time (the caller then reads
        event by event, naming it)."""
        events = columns["event"]
        if not EVENT_TYPES.issuperset(events):
            raise EventError("field 'event': unknown event type")
        times = next((columns[name] for name in TIME_FIELDS if name in columns), None)
        if times is None:
            raise EventError(f"no event time: none of {', '.join(TIME_FIELDS)} is set")
        absent = (None,) * len(events)
        get = columns.get
        # NOTE: what is derived from an event's values is worked out once per distinct values,
        #   and handed to each event by C-level map (most of a request's events share them).
        keys = list(zip(*(get(name, absent) for name in _CONTEXT_FIELDS), strict=True))
        contexts = self._contexts
        for key in dict.fromkeys(keys):
            if key not in contexts:
                contexts[key] = self._context(*key)
        platforms, paths, mediums, devices = zip(*map(contexts.__getitem__, keys), strict=True)
        actions = list(zip(events, get("se_action", absent), strict=True))
        known = {action: commerce_action(*action, None) for action in dict.fromkeys(actions)}
        return list(
            map(
                Event,
                events,
                get("event_name") or list(map(_NAMES.__getitem__, events)),
                times,
                platforms,
                paths,
                mediums,
                map(known.__getitem__, actions),
                get("pp_yoffset_max", absent),
                devices,
                get("domain_sessionidx", absent),
                get("domain_sessionid", absent),
            )
        )

    def _context_of(self, key: tuple[Any, ...]) -> tuple[str, str | None, str, str]:
        """``_context`` of the values of ``_CONTEXT_FIELDS``, once per distinct ``key``."""
        context = self._contexts.get(key)
        if context is None:
            context = self._contexts[key] = self._context(*key)
        return context


def build_column_groups(
    groups: Iterable[tuple[Sequence[int], Mapping[str, Sequence[Any]]]], count: int
) -> list[Event] | None:
    """The ``Event`` of each of a request's ``count`` events, given as groups of positions and
    their columns (``EventBuilder.build_columns``), in position order; ``None`` if one fails."""
    builder = EventBuilder()
    result: list[Event | None] = [None] * count
    try:
        for positions, columns in groups:
            for position, event in zip(positions, builder.build_columns(columns), strict=True):
                result[position] = event
    except EventError:
        return None
    return [event for event in result if event is not None]


# NOTE: what the platform, path, medium and device of an event depend on, in the order of
# ``EventBuilder._context``'s parameters: events of one page share all of them.
_CONTEXT_FIELDS: Final[tuple[str, ...]] = (
    "page_url", "page_referrer", "page_urlquery", "page_urlhost", "page_urlpath", "mkt_medium",
    "mkt_clickid", "refr_medium", "refr_urlhost", "dvce_type", "dvce_ismobile", "br_type",
    "useragent", "platform",
)  # fmt: skip


def build_event(fields: Mapping[str, Any], unstruct: SelfDescribing | None) -> Event:
    """The ``Event`` for canonical fields; ``EventError`` if a required part is missing."""
    return EventBuilder().build(fields, unstruct)
