"""session_features on hand-built sessions; every expected value worked out by hand below."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snowleap.snowplow import FEATURE_SCHEMA, Event, session_features
from snowleap.snowplow.features import is_purchase, page_kind

# Saturday 9 March 2024, 14:05 UTC
START = datetime(2024, 3, 9, 14, 5, tzinfo=UTC)


def _event(
    kind: str,
    second: float,
    path: str | None = None,
    *,
    action: str | None = None,
    scroll: int | None = None,
    medium: str = "internal",
) -> Event:
    return Event(
        event=kind,
        event_name=kind,
        timestamp=START + timedelta(seconds=second),
        platform="web",
        page_path=path,
        medium=medium,
        commerce_action=action,
        scroll_y_max=scroll,
        device_class="mobile",
        visit_number=2,
        domain_sessionid="sid",
    )


def _shopping_session() -> list[Event]:
    return [
        _event("page_view", 0, "/", medium="search"),
        _event("page_ping", 10, "/", scroll=300),
        _event("page_ping", 20, "/", scroll=800),
        _event("page_view", 75, "/c/shoes"),
        _event("page_view", 90, "/p/SKU-1"),
        _event("page_ping", 100, "/p/SKU-1", scroll=400),
        _event("page_ping", 160, "/p/SKU-1", scroll=500),
        _event("struct", 170, action="add_to_basket"),
        _event("page_view", 180, "/p/SKU-2"),
        _event("page_view", 190, "/basket"),
        _event("page_view", 200, "/checkout"),
        # the purchase and everything after it must not count
        _event("transaction", 230, action="purchase"),
        _event("transaction_item", 230, action="purchase"),
        _event("page_view", 240, "/checkout/confirmation"),
        _event("struct", 250, action="add_to_basket"),
    ]


def test_hand_computed_row() -> None:
    events = _shopping_session()
    shuffled = events[7:] + events[:7]  # time order is restored by the function
    features = session_features(shuffled)
    assert features.used == 11
    assert features.excluded == 4
    # the transaction (230 s), its item (230 s), the thank-you page (240 s) and the add (250 s)
    # sit at positions 4, 5, 6 and 7 of the shuffled list
    assert features.excluded_at == (4, 5, 6, 7)
    assert features.row == {
        "n_events": 11.0,
        "n_page_views": 6.0,  # at 0, 75, 90, 180, 190, 200 s
        "n_page_pings": 4.0,  # at 10, 20, 100, 160 s
        "n_distinct_pages": 6.0,  # /, /c/shoes, /p/SKU-1, /p/SKU-2, /basket, /checkout
        "n_product_views": 2.0,
        "n_category_views": 1.0,
        "n_basket_views": 1.0,
        "n_checkout_views": 1.0,
        "n_add_to_basket": 1.0,  # the one at 250 s is after the purchase
        "n_remove_from_basket": 0.0,
        "duration_s": 200.0,  # 0 .. 200 s
        "active_time_s": 60.0,  # pings after gaps of 10, 10, 10 and 60 capped to 30
        "max_scroll_px": 800.0,
        "start_hour": 14.0,
        "start_weekday": 5.0,  # Saturday
        "mean_gap_s": 20.0,  # 10 gaps summing to 200 s
        "max_gap_s": 60.0,  # 100 -> 160 s
        "visit_number": 2.0,
        "referrer_medium": "search",  # the landing page view's medium
        "device_class": "mobile",
        "platform": "web",
    }
    assert list(features.row) == list(FEATURE_SCHEMA)


def test_what_happens_from_the_purchase_on_cannot_change_the_row() -> None:
    events = _shopping_session()
    before_purchase = session_features(events[:11])
    assert before_purchase.excluded == 0
    assert session_features(events).row == before_purchase.row


def test_order_confirmation_page_counts_as_the_purchase() -> None:
    events = [
        _event("page_view", 0, "/basket"),
        _event("page_view", 30, "/checkout/confirmation"),
        _event("transaction", 31, action="purchase"),
    ]
    features = session_features(events)
    assert (features.used, features.excluded, features.excluded_at) == (1, 2, (1, 2))
    assert features.row["n_basket_views"] == 1.0
    assert features.row["duration_s"] == 0.0


def test_single_event_and_empty_sessions() -> None:
    one = session_features([_event("page_view", 0, "/p/1", medium="email")])
    # every column has its schema's Python type, even when nothing was summed
    assert all(
        type(one.row[name]) is (float if kind == "double" else str)
        for name, kind in FEATURE_SCHEMA.items()
    )
    assert one.row["n_events"] == 1.0
    assert one.row["mean_gap_s"] == one.row["max_gap_s"] == one.row["duration_s"] == 0.0
    assert one.row["referrer_medium"] == "email"
    empty = session_features([_event("transaction", 0, action="purchase")])
    assert (empty.used, empty.excluded) == (0, 1)
    assert all(empty.row[name] == 0.0 for name, t in FEATURE_SCHEMA.items() if t == "double")
    assert all(empty.row[name] == "unknown" for name, t in FEATURE_SCHEMA.items() if t == "string")


def test_ties_are_ordered_by_event_type_not_arrival() -> None:
    # an add, a page view and a purchase at the same instant, in every arrival order
    tied = [
        _event("transaction", 5, action="purchase"),
        _event("struct", 5, action="add_to_basket"),
        _event("page_view", 5, "/p/1", medium="email"),
    ]
    rows = {json.dumps(session_features(list(order)).row) for order in itertools.permutations(tied)}
    assert len(rows) == 1
    assert session_features(tied).excluded_at == (0,)  # the transaction, given first
    row = session_features(tied).row
    # the page view, then the add; the purchase is last and cut with what follows
    assert (row["n_events"], row["n_add_to_basket"], row["referrer_medium"]) == (2.0, 1.0, "email")


def test_row_does_not_depend_on_arrival_order() -> None:
    events = _shopping_session()
    assert session_features(events[::-1]).row == session_features(events).row


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "home"),
        ("/index.html", "home"),
        ("/p/SKU-100", "product"),
        ("/products/42", "product"),
        ("/products", "category"),
        ("/c/shoes/trail", "category"),
        ("/basket", "basket"),
        ("/cart/", "basket"),
        ("/checkout/payment", "checkout"),
        ("/checkout/confirmation", "confirmation"),
        ("/order/thank-you", "confirmation"),
        ("/search", "search"),
        ("/about/success-stories", "other"),
        (None, None),
    ],
)
def test_page_kind(path: str | None, kind: str | None) -> None:
    assert page_kind(path) == kind


def test_is_purchase() -> None:
    assert is_purchase(_event("transaction", 0, action="purchase"))
    assert is_purchase(_event("page_view", 0, "/checkout/complete"))
    assert not is_purchase(_event("page_view", 0, "/checkout"))
    assert not is_purchase(_event("struct", 0, action="add_to_basket"))


def test_prefix_features_are_the_session_as_it_stood_after_k_events() -> None:
    from snowleap.snowplow.features import prefix_features

    # GIVEN five events sent out of order, a purchase fourth in time, one event after it
    events = [
        _event("page_view", 20, "/basket"),
        _event("page_view", 0, "/"),
        _event("page_view", 10, "/p/7"),
        _event("transaction", 30, action="purchase"),
        _event("page_view", 40, "/checkout/confirmation"),
    ]
    prefixes = prefix_features(events, (3, 1, 2, 10, 1))
    # THEN each length up to the events before the purchase, ascending, no duplicates
    assert [length for length, _ in prefixes] == [1, 2, 3]
    in_time_order = [events[1], events[2], events[0]]
    for length, row in prefixes:
        # the row of the first k events in time order is what serving computes on them alone
        assert row == session_features(in_time_order[:length]).row
    assert prefixes[0][1]["n_product_views"] == 0.0
    assert prefixes[1][1]["n_product_views"] == 1.0
    assert prefixes[2][1]["n_basket_views"] == 1.0
    assert prefixes[2][1] == session_features(events).row  # the whole session, purchase cut


# --- the fast ordering and cut against a straightforward reference ------------------------------

_KINDS = ("page_view", "page_ping", "struct", "transaction")
_PATHS = (None, "/", "/p/1", "/p/2", "/c/shoes", "/cart", "/checkout", "/checkout/thank-you")
_ACTIONS = (None, None, "product_view", "add_to_basket", "purchase")


def _reference_features(events: list[Event]) -> tuple[list[Event], int]:
    """What ``session_features`` promises, written plainly: sort by the full documented key
    (time, then event type rank, then content), cut at the first ``is_purchase``."""
    rank = {"page_view": 0, "page_ping": 1, "struct": 2, "transaction": 5}

    def key(event: Event) -> tuple[object, ...]:
        return (event.timestamp, rank[event.event], event.event_name, event.page_path or "",
                event.commerce_action or "",
                -1 if event.scroll_y_max is None else event.scroll_y_max, event.medium,
                event.device_class, event.platform, event.visit_number or 0)  # fmt: skip

    ordered = sorted(events, key=key)
    cut = next((i for i, e in enumerate(ordered) if is_purchase(e)), len(ordered))
    return ordered[:cut], len(ordered) - cut


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_KINDS),
            st.integers(min_value=0, max_value=12),  # few distinct seconds: ties are common
            st.sampled_from(_PATHS),
            st.sampled_from(_ACTIONS),
            st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_session_features_equal_the_reference_order_and_cut(
    specs: list[tuple[str, int, str | None, str | None, int | None]],
) -> None:
    events = [
        _event(kind, second, path, action=action, scroll=scroll)
        for kind, second, path, action, scroll in specs
    ]
    used, excluded = _reference_features(events)
    features = session_features(events)
    assert (features.used, features.excluded) == (len(used), excluded)
    reversed_features = session_features(events[::-1])
    assert (reversed_features.row, reversed_features.used) == (features.row, features.used)
    expected_pages = len({e.page_path for e in used if e.event == "page_view"})
    assert features.row["n_distinct_pages"] == float(expected_pages)
    assert features.row["n_events"] == float(len(used))
    if used:
        assert features.row["duration_s"] == (used[-1].timestamp - used[0].timestamp).seconds
        assert features.row["max_scroll_px"] == float(
            max((e.scroll_y_max for e in used if e.scroll_y_max is not None), default=0)
        )
    excluded_events = [events[i] for i in features.excluded_at]
    assert sorted(map(id, excluded_events)) == sorted(
        id(e) for e in events if all(e is not u for u in used)
    )
