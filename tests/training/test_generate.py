"""The data generator: seeded, parseable by snowleap's own parser, labels only in purchases."""

from __future__ import annotations

import gzip
from pathlib import Path

from training.generate import generate, write_shards

from snowleap.snowplow import group_sessions, parse_enriched_tsv, session_features, session_key
from snowleap.snowplow.features import is_purchase


def test_same_seed_same_events_other_seed_other_events() -> None:
    first, _ = generate(50, seed=3)
    again, _ = generate(50, seed=3)
    other, _ = generate(50, seed=4)
    assert [s.lines for s in first] == [s.lines for s in again]
    assert [s.lines for s in first] != [s.lines for s in other]


def test_sample_parses_and_labels_follow_the_purchases(tmp_path: Path) -> None:
    sessions, stats = generate(300, seed=11)
    assert stats["sessions"] == 300 and 0.03 < stats["buy_rate"] < 0.4
    paths = write_shards(sessions, tmp_path, shards=3)
    text = "".join(gzip.decompress(path.read_bytes()).decode("utf-8") for path in paths)
    parsed = parse_enriched_tsv(text)
    assert parsed.rejected == []
    assert len(parsed.events) == stats["events"]

    groups = group_sessions(parsed.events, salt="s")
    assert len(groups) == 300
    returning = 0
    for session in sessions:
        events = [event for _, event in groups[session_key(session.sid, "s")]]
        assert any(is_purchase(e) for e in events) == session.buys
        features = session_features(events)
        # the purchase and what follows it are cut: transaction, its items, the thank-you page
        assert (features.excluded >= 3) == session.buys
        assert features.used >= 1
        returning += features.row["visit_number"] > 1
    assert 0 < returning < 300
