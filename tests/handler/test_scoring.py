"""Which events a session used and which it left out, reported by request position."""

from __future__ import annotations

from typing import Any

import snowleap
from demo_bundle import demo_bundle
from snowleap.serving import score_events
from snowleap.snowplow import parse_enriched_json, session_features


def enriched(event: str, second: int, path: str = "/p/1") -> dict[str, Any]:
    return {
        "event": event,
        "platform": "web",
        "domain_sessionid": "s-1",
        "page_urlpath": path,
        "collector_tstamp": f"2026-11-26T10:00:{second:02d}.000Z",
    }


def test_events_tied_with_the_first_purchase_are_reported_as_session_features_used_them() -> None:
    # GIVEN a page view at 0 s, then a transaction and a page view both at 10 s (the
    #   transaction sent first), then a page view at 20 s
    items = [
        enriched("page_view", 0),
        enriched("transaction", 10),
        enriched("page_view", 10),
        enriched("page_view", 20),
    ]
    parsed = parse_enriched_json(items)
    features = session_features([event for _, event in parsed.events])

    # WHEN the session is scored
    report = score_events(snowleap.load(demo_bundle()), parsed, salt="s", threshold=0.5)

    # THEN the first page view is used, the purchase and everything later is left out, and the
    #   page view tied with the purchase lands where session_features put it: the counts agree
    (session,) = report.sessions
    assert 0 in session.events
    assert {1, 3} <= set(session.events_excluded)
    assert len(session.events) == features.used
    assert len(session.events_excluded) == features.excluded
    assert sorted(session.events + session.events_excluded) == [0, 1, 2, 3]


def test_a_session_without_purchase_uses_every_event() -> None:
    parsed = parse_enriched_json([enriched("page_view", 5), enriched("page_view", 1)])
    report = score_events(snowleap.load(demo_bundle()), parsed, salt="s", threshold=0.5)
    (session,) = report.sessions
    assert session.events == [0, 1]
    assert session.events_excluded == []


def test_events_without_a_session_id_are_rejected_not_pooled() -> None:
    # GIVEN two events of session s-1 and two events of unknown sessions (no domain_sessionid)
    orphan = enriched("page_view", 3)
    del orphan["domain_sessionid"]
    items = [enriched("page_view", 1), orphan, enriched("page_view", 2), dict(orphan)]
    parsed = parse_enriched_json(items)

    # WHEN the request is scored
    report = score_events(snowleap.load(demo_bundle()), parsed, salt="s", threshold=0.5)

    # THEN only s-1 is scored, and each orphan is rejected by position with the reason
    (session,) = report.sessions
    assert session.events == [0, 2]
    assert [r.index for r in report.rejected] == [1, 3]
    assert all("no domain_sessionid" in r.reason for r in report.rejected)
