"""How a session bundle scores the six real tracker sessions, event by event, as the function does.

``python training/spread.py [BUNDLE ...]`` (default: the committed default bundle) reads
``../shared/snowplow/tracker_payloads.jsonl`` (sessions a real Snowplow JavaScript tracker sent,
``tracker_sessions_summary.json`` saying which visitor added to basket and bought), and prints
each session's served probability (the calibrated one when the bundle has it) after its 1st,
3rd, 5th and 10th event and at its last event before the purchase, with the segment at the
bundle's threshold: the spread a real-time caller sees.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import snowleap
from snowleap.serving.scoring import buy_probability, decision_threshold
from snowleap.snowplow import parse_tracker_payload
from snowleap.snowplow.features import prefix_features

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "snowplow"
SHOWN = (1, 3, 5, 10)


def spread(bundle: Path) -> str:
    model = snowleap.load(bundle)
    threshold = decision_threshold(model, None)
    summary = json.loads((SHARED / "tracker_sessions_summary.json").read_text())["sessions"]
    events = []
    for line in (SHARED / "tracker_payloads.jsonl").read_text().splitlines():
        if line.strip():
            events += [event for _, event in parse_tracker_payload(line).events]
    lines = [
        f"{bundle.name}: threshold {threshold:.4f}",
        f"{'session':<12} {'basket':>6} {'buys':>5} "
        + " ".join(f"{'after ' + str(n):>8}" for n in SHOWN)
        + f" {'last':>8} {'events':>6}  segment",
    ]
    for described in summary:
        mine = [e for e in events if e.domain_sessionid == described["sid"]]
        rows = prefix_features(mine, range(1, len(mine) + 1))
        probabilities = {}
        for length, row in rows:
            scored = model.transform_row(row)
            probabilities[length] = buy_probability(scored) if scored is not None else None
        last = rows[-1][0] if rows else 0
        cells = [
            f"{probabilities[n]:8.4f}" if probabilities.get(n) is not None else f"{'-':>8}"
            for n in (*SHOWN, last)
        ]
        final = probabilities.get(last)
        segment = "buy" if final is not None and final >= threshold else "defer"
        name = f"{described['visitor']}#{described['session_index']}"
        lines.append(
            f"{name:<12} {described['add_to_basket']!s:>6} {described['buys']!s:>5} "
            + " ".join(cells)
            + f" {last:>6}  {segment}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    bundles = [Path(arg) for arg in sys.argv[1:]] or [ROOT / "bundles" / "snowleap-default.zip"]
    print("\n\n".join(spread(bundle) for bundle in bundles))
