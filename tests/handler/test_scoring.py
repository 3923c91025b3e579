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


def test_the_default_bundle_brings_its_calibration_and_threshold() -> None:
    import json
    from pathlib import Path

    from snowleap.serving.scoring import (
        CALIBRATED_COLUMN,
        bundled_threshold,
        buy_probability,
        decision_threshold,
    )

    root = Path(__file__).resolve().parents[2]
    model = snowleap.load(root / "bundles" / "snowleap-default.zip")
    report = json.loads((root / "bundles" / "report" / "metrics.json").read_text())
    # GIVEN the committed default bundle, trained with calibration and a held-out threshold
    assert "isotonic_regression" in model.ops and CALIBRATED_COLUMN in model.output_schema
    assert bundled_threshold(model) == report["threshold"]["value"]
    # THEN SCORE_THRESHOLD wins when set, the bundle's threshold otherwise
    assert decision_threshold(model, 0.7) == 0.7
    assert decision_threshold(model, None) == report["threshold"]["value"]
    assert decision_threshold(snowleap.load(demo_bundle()), None) == 0.5
    # AND the served probability is the calibrated one, not the forest's probability[1]
    items = [enriched("page_view", second, "/p/3") for second in range(0, 50, 10)]
    parsed = parse_enriched_json(items)
    row = model.transform_row(session_features([e for _, e in parsed.events]).row)
    assert row is not None
    assert buy_probability(row) == row[CALIBRATED_COLUMN]
    (session,) = score_events(model, parsed, salt="s", threshold=None).sessions
    assert session.probability == row[CALIBRATED_COLUMN]
    expected = "buy" if row[CALIBRATED_COLUMN] >= report["threshold"]["value"] else "defer"
    assert session.segment == expected
    (forced,) = score_events(model, parsed, salt="s", threshold=0.0).sessions
    assert forced.segment == "buy"
