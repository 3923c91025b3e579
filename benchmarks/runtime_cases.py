"""The bundles the runtime benchmarks time, each with the inputs it is scored on.

``find_cases``: every reference bundle in ``../shared/mleap-reference`` (on its expected frame)
and every bundle under ``tests/fixtures/`` with inputs beside it or a reference frame covering
its inputs; ``default_bundle_cases``: the default Snowplow model on the feature rows of
``events/sessions.json``'s sessions, as the Lambda handler builds them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import snowleap
from snowleap.leapframe import read_leapframe

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT.parent / "shared" / "mleap-reference"
FIXTURES_DIR = ROOT / "tests" / "fixtures"
RESULTS_DIR = ROOT / "benchmarks" / "results"
DEFAULT_BUNDLE = ROOT / "bundles" / "snowleap-default.zip"
SESSION_EVENTS = ROOT / "events" / "sessions.json"


Columns = Mapping[str, Any]


@dataclass(frozen=True)
class Case:
    """A bundle to time and what it is scored on: input columns, or a LeapFrame document."""

    name: str
    bundle: Path
    inputs: Mapping[str, Any]
    source: Path

    @property
    def columns(self) -> Columns:
        """The input columns (lists, or 2-D arrays for vectors)."""
        if "schema" in self.inputs and "rows" in self.inputs:
            return read_leapframe(self.inputs)
        return self.inputs


def find_cases(
    reference_dir: Path = REFERENCE_DIR, fixtures_dir: Path = FIXTURES_DIR
) -> list[Case]:
    """Reference bundles (scored on their ``.expected.json`` frames) and fixture bundles.

    A fixture bundle (a ``.zip`` or a folder with ``bundle.json``) is scored on inputs beside it:
    ``<stem>.expected.json`` with a LeapFrame ``frame``, ``<stem>.frame.json`` (the stem may drop
    a ``.pb``/``.json`` suffix), or an ``expected.json`` with ``inputs`` columns in its folder
    (the Spark golden fixtures); else on the first reference frame that holds every input
    column the model needs.
    """
    cases: list[Case] = []
    frames: list[tuple[Columns, Path]] = []
    for expected in sorted(reference_dir.glob("*.expected.json")):
        doc = json.loads(expected.read_text())
        stem = expected.name[: -len(".expected.json")]
        columns = read_leapframe(doc["frame"])
        cases.append(
            Case(stem, reference_dir / doc.get("bundle", f"{stem}.zip"), columns, expected)
        )
        frames.append((columns, expected))
    for extra in sorted(reference_dir.glob("frame.*.json")):
        frames.append((read_leapframe(json.loads(extra.read_text())), extra))
    if fixtures_dir.is_dir():
        for bundle in _fixture_bundles(fixtures_dir):
            found = _own_inputs(bundle) or _covering_frame(bundle, frames)
            if found is not None:
                name = f"fixtures/{bundle.relative_to(fixtures_dir).as_posix()}"
                cases.append(Case(name, bundle, found[0], found[1]))
    return cases


def default_bundle_cases(
    bundle: Path = DEFAULT_BUNDLE, events: Path = SESSION_EVENTS
) -> list[Case]:
    """The default Snowplow model, scored on the feature rows of the sessions in ``events``
    (a tracker POST body), as the Lambda handler builds them; none if either file is missing."""
    if not bundle.is_file() or not events.is_file():
        return []
    from snowleap.snowplow import group_sessions, parse_tracker_payload, session_features

    parsed = parse_tracker_payload(events.read_text())
    sessions = group_sessions(parsed.events, salt="bench")
    rows = [session_features([event for _, event in found]).row for found in sessions.values()]
    if not rows:
        return []
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    return [Case("bundles/snowleap-default.zip", bundle, columns, events)]


def _fixture_bundles(fixtures_dir: Path) -> list[Path]:
    zips = list(fixtures_dir.rglob("*.zip"))
    folders = [p.parent for p in fixtures_dir.rglob("bundle.json")]
    return sorted(zips + folders)


def _stem(bundle: Path) -> str:
    return bundle.name[: -len(".zip")] if bundle.name.endswith(".zip") else bundle.name


def _own_inputs(bundle: Path) -> tuple[Columns, Path] | None:
    # NOTE: "forest.pb.zip" and "forest.json.zip" share "forest.frame.json".
    stem = _stem(bundle)
    for name in dict.fromkeys((stem, stem.split(".")[0])):
        expected = bundle.parent / f"{name}.expected.json"
        if expected.is_file():
            doc = json.loads(expected.read_text())
            if "frame" in doc:
                return read_leapframe(doc["frame"]), expected
        frame = bundle.parent / f"{name}.frame.json"
        if frame.is_file():
            return read_leapframe(json.loads(frame.read_text())), frame
    shared = bundle.parent / "expected.json"
    if shared.is_file():
        doc = json.loads(shared.read_text())
        if isinstance(doc.get("inputs"), dict):
            return doc["inputs"], shared
    return None


def _covering_frame(
    bundle: Path, frames: Sequence[tuple[Columns, Path]]
) -> tuple[Columns, Path] | None:
    try:
        needed = set(snowleap.load(bundle).input_schema)
    except snowleap.BundleError:
        return None
    for columns, source in frames:
        if needed <= set(columns):
            return columns, source
    return None


def generated_session_case(
    sessions: int = 2_000, seed: int = 17, bundle: Path = DEFAULT_BUNDLE
) -> Case | None:
    """The default Snowplow model on the feature rows of ``sessions`` web-shop sessions that
    ``training.generate`` simulates (seeded), each as it stood after 1, 2, 3, 5, 8, 13, 21 and
    34 events: the varied rows a scoring API sees mid-session (``events/sessions.json`` holds
    two sessions, whose few distinct rows a CPU's branch predictor learns by heart); ``None``
    without the bundle."""
    if not bundle.is_file():
        return None
    from training.generate import generate

    from snowleap.snowplow import group_sessions, parse_enriched_tsv
    from snowleap.snowplow.features import prefix_features

    made, _ = generate(sessions, seed)
    parsed = parse_enriched_tsv("\n".join(line for session in made for line in session.lines))
    rows = [
        row
        for found in group_sessions(parsed.events, salt="bench").values()
        for _, row in prefix_features([event for _, event in found], (1, 2, 3, 5, 8, 13, 21, 34))
    ]
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    return Case(f"generated sessions ({sessions}, seed {seed})", bundle, columns, bundle)
