"""``session_features``: the one function that turns a session's events into a feature row.

Training (Spark, through ``mapInPandas`` over sessions) and serving (Lambda) both call it, so a
model sees the same numbers in both places. Only events before the session's first purchase
count, and no feature says whether the purchase happened: the label cannot leak into the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Final, Literal

from snowleap.snowplow.event import Event

FeatureType = Literal["double", "string"]

FEATURE_SCHEMA: Final[dict[str, FeatureType]] = {
    "n_events": "double",
    "n_page_views": "double",
    "n_page_pings": "double",
    "n_distinct_pages": "double",
    "n_product_views": "double",
    "n_category_views": "double",
    "n_basket_views": "double",
    "n_checkout_views": "double",
    "n_add_to_basket": "double",
    "n_remove_from_basket": "double",
    "duration_s": "double",
    "active_time_s": "double",
    "max_scroll_px": "double",
    "start_hour": "double",
    "start_weekday": "double",
    "mean_gap_s": "double",
    "max_gap_s": "double",
    "visit_number": "double",
    "referrer_medium": "string",
    "device_class": "string",
    "platform": "string",
}
CATEGORICAL_FEATURES: Final[tuple[str, ...]] = tuple(
    name for name, kind in FEATURE_SCHEMA.items() if kind == "string"
)
NUMERIC_FEATURES: Final[tuple[str, ...]] = tuple(
    name for name, kind in FEATURE_SCHEMA.items() if kind == "double"
)
# NOTE: a ping's share of active time is the gap since the previous event, capped, because a
# long gap before a ping means the visitor was away (pings stop while the tab is idle) or the
# heartbeat is long; 30 s is three of the JavaScript tracker's usual 10 s heartbeats.
PING_GAP_CAP_S: Final[float] = 30.0
UNKNOWN: Final[str] = "unknown"

_PRODUCT_SEGMENTS: Final[frozenset[str]] = frozenset({"p", "product", "products", "item", "dp"})
_CATEGORY_SEGMENTS: Final[frozenset[str]] = frozenset(
    {"c", "category", "categories", "collections", "collection", "catalog", "shop"}
)
_BASKET_SEGMENTS: Final[frozenset[str]] = frozenset({"basket", "cart", "bag"})
_CONFIRMATION_SEGMENTS: Final[frozenset[str]] = frozenset(
    {"confirmation", "thank-you", "thankyou", "thanks", "order-confirmation", "order-complete",
     "success", "complete"}
)  # fmt: skip


def page_kind(path: str | None) -> str | None:
    """The kind of shop page a URL path is, by its segments.

    ``home``, ``product`` (``/p/<id>``, ``/product/<id>`` ...), ``category``, ``basket``,
    ``checkout``, ``confirmation`` (a checkout or order page saying the order is complete),
    ``search`` or ``other``; ``None`` without a path.

    Example
    -------
    >>> page_kind("/p/SKU-100"), page_kind("/checkout/confirmation"), page_kind("/")
    ('product', 'confirmation', 'home')
    """
    if path is None:
        return None
    segments = list(filter(None, path.lower().split("/")))
    if not segments or segments[0] in ("index.html", "home"):
        return "home"
    first = segments[0]
    if not _CONFIRMATION_SEGMENTS.isdisjoint(segments) and (
        first in ("checkout", "order", "orders") or first in _CONFIRMATION_SEGMENTS
    ):
        return "confirmation"
    if first == "checkout":
        return "checkout"
    if first in _BASKET_SEGMENTS:
        return "basket"
    if first in _PRODUCT_SEGMENTS and len(segments) >= 2:
        return "product"
    if first in _CATEGORY_SEGMENTS or first in _PRODUCT_SEGMENTS:
        return "category"
    if first == "search":
        return "search"
    return "other"


def is_purchase(event: Event) -> bool:
    """A purchase: a transaction (or item), a purchase action, or a view of the order-complete page.

    Used both to label a session (buy = holds a purchase) and to cut its events at the first
    purchase, so one definition serves both and the page saying "thank you" never becomes a
    feature.
    """
    if event.commerce_action == "purchase":
        return True
    return event.event == "page_view" and page_kind(event.page_path) == "confirmation"


@dataclass(frozen=True)
class SessionFeatures:
    """A session's feature row, how many events it used and which it left out.

    ``excluded`` counts the events from the first purchase on (that purchase included);
    ``excluded_at`` gives their positions in the sequence ``session_features`` was given,
    ascending, so a caller can report exactly which of its events were left out.
    """

    row: dict[str, float | str]
    used: int
    excluded: int
    excluded_at: tuple[int, ...] = ()


# NOTE: events at the same instant are ordered by what they are (a page view before the purchase
# that happened on it) and then by content, never by arrival: Spark hands a session's events over
# in any order, and the row must not depend on it.
_EVENT_RANK: Final[dict[str, int]] = {
    "page_view": 0, "page_ping": 1, "struct": 2, "unstruct": 3, "ad_impression": 4,
    "transaction": 5, "transaction_item": 6,
}  # fmt: skip


def _time_order(event: Event) -> tuple[object, ...]:
    return (
        event.timestamp,
        _EVENT_RANK.get(event.event, len(_EVENT_RANK)),
        event.event_name,
        event.page_path or "",
        event.commerce_action or "",
        -1 if event.scroll_y_max is None else event.scroll_y_max,
        event.medium,
        event.device_class,
        event.platform,
        event.visit_number or 0,
    )


def _seconds(later: Event, earlier: Event) -> float:
    return (later.timestamp - earlier.timestamp).total_seconds()


def session_features(events: Sequence[Event]) -> SessionFeatures:
    """The feature row (columns of ``FEATURE_SCHEMA``) of one session's events.

    Events are put in time order, ties broken by event type (page view, ping, structured,
    self-describing, transaction, item) and then content, so the row never depends on the order
    events arrive in; those from the first purchase on (``is_purchase``) are left out. Times are
    UTC.

    Example
    -------
    >>> from snowleap.snowplow import parse_tracker_get
    >>> events = [e for _, e in parse_tracker_get("e=pv&p=web&tv=js&dtm=0&url=https://s.io/p/1"
    ...                                            ).events]
    >>> features = session_features(events)
    >>> features.row["n_product_views"], features.row["start_weekday"], features.used
    (1.0, 3.0, 1)
    """
    kinds: dict[str | None, str | None] = {}
    order, cut = _time_order_and_cut(events, kinds)
    used = [events[position] for position in order[:cut]]
    return SessionFeatures(
        row=_row(used, kinds),
        used=len(used),
        excluded=len(order) - cut,
        excluded_at=tuple(sorted(order[cut:])),
    )


def prefix_features(
    events: Sequence[Event], lengths: Iterable[int]
) -> list[tuple[int, dict[str, float | str]]]:
    """The feature rows of a session as it stood after each of ``lengths`` events.

    Events are time-ordered and cut at the first purchase as in ``session_features``; a length
    beyond the events before the purchase is left out. What a scorer sees mid-session, after the
    k-th event: training on these rows teaches the model the situations it is asked about.

    Example
    -------
    >>> [length for length, _ in prefix_features(events, (1, 3, 5))]   # doctest: +SKIP
    [1, 3]
    """
    kinds: dict[str | None, str | None] = {}
    order, cut = _time_order_and_cut(events, kinds)
    used = [events[position] for position in order[:cut]]
    wanted = sorted({length for length in lengths if 0 < length <= len(used)})
    return [(length, _row(used[:length], kinds)) for length in wanted]


def _time_order_and_cut(
    events: Sequence[Event], kinds: dict[str | None, str | None]
) -> tuple[list[int], int]:
    """Positions of ``events`` in time order, and how many come before the first purchase."""
    stamps = [event.timestamp for event in events]
    # NOTE: events at the same instant are ordered by the full _time_order key; a session without
    # such ties (the usual case: all its times distinct) is ordered by time alone, which gives
    # the same order.
    if len(set(stamps)) == len(stamps):
        order = sorted(range(len(events)), key=stamps.__getitem__)
    else:
        order = sorted(range(len(events)), key=lambda position: _time_order(events[position]))
    # NOTE: the usual session has no purchase: no purchase action and no confirmation page
    #   among its paths (worked out once each) tells so without looking at every event.
    actions = {*map(_COMMERCE_ACTION, events)}
    paths = {*map(_PAGE_PATH, events)}
    if "purchase" not in actions and all(_page_kind(p, kinds) != "confirmation" for p in paths):
        return order, len(order)
    for cut, position in enumerate(order):
        if _is_purchase(events[position], kinds):
            return order, cut
    return order, len(order)


_COMMERCE_ACTION: Final = attrgetter("commerce_action")
_PAGE_PATH: Final = attrgetter("page_path")


def _row(used: list[Event], kinds: dict[str | None, str | None]) -> dict[str, float | str]:
    row: dict[str, float | str] = dict.fromkeys(NUMERIC_FEATURES, 0.0)
    row.update(dict.fromkeys(CATEGORICAL_FEATURES, UNKNOWN))
    if used:
        _fill(row, used, kinds)
    return row


def _page_kind(path: str | None, kinds: dict[str | None, str | None]) -> str | None:
    """``page_kind``, worked out once per path of a session."""
    try:
        return kinds[path]
    except KeyError:
        kind = kinds[path] = page_kind(path)
        return kind


def _is_purchase(event: Event, kinds: dict[str | None, str | None]) -> bool:
    """``is_purchase`` with the session's page kinds."""
    if event.commerce_action == "purchase":
        return True
    return event.event == "page_view" and _page_kind(event.page_path, kinds) == "confirmation"


def _fill(
    row: dict[str, float | str], used: list[Event], kinds: dict[str | None, str | None]
) -> None:
    page_views: list[Event] = []
    page_counts = dict.fromkeys(("product", "category", "basket", "checkout"), 0)
    actions = dict.fromkeys(("product_view", "add_to_basket", "remove_from_basket"), 0)
    pings = 0
    scroll_max: int | None = None
    visit_number: int | None = None
    active: list[float] = []
    gaps: list[float] = []
    previous: Event | None = None
    for event in used:
        kind = event.event
        if kind == "page_view":
            page_views.append(event)
            page = _page_kind(event.page_path, kinds)
            if page in page_counts:
                page_counts[page] += 1
        elif kind == "page_ping":
            pings += 1
        if event.commerce_action in actions:
            actions[event.commerce_action] += 1
        scroll = event.scroll_y_max
        if scroll is not None and (scroll_max is None or scroll > scroll_max):
            scroll_max = scroll
        if visit_number is None:
            visit_number = event.visit_number
        if previous is not None:
            gap = (event.timestamp - previous.timestamp).total_seconds()
            gaps.append(gap)
            if kind == "page_ping":
                active.append(min(gap, PING_GAP_CAP_S))
        previous = event
    first = used[0]
    row["n_events"] = float(len(used))
    row["n_page_views"] = float(len(page_views))
    row["n_page_pings"] = float(pings)
    row["n_distinct_pages"] = float(len({e.page_path for e in page_views}))
    row["n_product_views"] = float(page_counts["product"] + actions["product_view"])
    row["n_category_views"] = float(page_counts["category"])
    row["n_basket_views"] = float(page_counts["basket"])
    row["n_checkout_views"] = float(page_counts["checkout"])
    row["n_add_to_basket"] = float(actions["add_to_basket"])
    row["n_remove_from_basket"] = float(actions["remove_from_basket"])
    row["duration_s"] = _seconds(used[-1], first)
    # NOTE: sum() as before, over the same values in the same order: Python 3.12 made float sums
    # compensated, so a hand-written loop would differ in the last bits there.
    row["active_time_s"] = sum(active, start=0.0)
    row["max_scroll_px"] = float(scroll_max if scroll_max is not None else 0)
    row["start_hour"] = float(first.timestamp.hour)
    row["start_weekday"] = float(first.timestamp.weekday())
    row["mean_gap_s"] = sum(gaps) / len(gaps) if gaps else 0.0
    row["max_gap_s"] = max(gaps, default=0.0)
    row["visit_number"] = float(visit_number if visit_number is not None else 0)
    landing = page_views[0] if page_views else first
    row["referrer_medium"] = landing.medium
    row["device_class"] = first.device_class
    row["platform"] = first.platform
