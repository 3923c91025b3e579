"""Parsing and session features of one 30-event tracker session, this checkout against a baseline.

The baseline is the Snowplow layer of ``lambda_rie.BASELINE_COMMIT`` (``git archive`` of its
``src/``), so both implementations are measured in the same run, in child processes that take
turns (``ROUNDS`` each), on the same body: ``parse_tracker_payload`` of the decoded
``payload_data`` envelope, ``group_sessions`` and ``session_features``, as the service calls them.
Each child reports the median CPU time per call (``time.process_time``: the machine is shared, and
CPU time is what other processes' load disturbs least) and a digest of everything it produced
(every event's fields, every rejection reason, every feature row) on the session and on the real
tracker fixtures of ``../shared/snowplow``, so identical results are checked, not assumed.

``python -m benchmarks.snowplow_parse`` prints the JSON report.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.serving import session_event
from benchmarks.settings import REPO_ROOT

ROUNDS = 5
CALLS = 300
SHARED = REPO_ROOT.parent / "shared" / "snowplow"

CHILD = """
import hashlib, json, statistics, sys, time
from pathlib import Path
from snowleap.snowplow import group_sessions, parse_tracker_payload, session_features

body = json.loads(sys.argv[1])
calls = int(sys.argv[2])
shared = Path(sys.argv[3])

def once(document):
    parsed = parse_tracker_payload(document)
    rows = [session_features([e for _, e in members])
            for members in group_sessions(parsed.events, "bench").values()]
    return parsed, rows

def digest(documents):
    h = hashlib.sha256()
    for document in documents:
        parsed, rows = once(document)
        for index, event in parsed.events:
            h.update(repr((index, event, event.domain_sessionid)).encode())
        for rejected in parsed.rejected:
            h.update(repr(rejected).encode())
        for features in rows:
            h.update(repr((sorted(features.row.items()), features.used, features.excluded,
                           features.excluded_at)).encode())
    return h.hexdigest()

for _ in range(100):
    once(body)
samples = []
for _ in range(9):
    started = time.process_time()
    for _ in range(calls):
        once(body)
    samples.append((time.process_time() - started) / calls * 1e6)
fixtures = shared / "tracker_payloads.jsonl"
documents = [body]
if fixtures.is_file():
    documents += [json.loads(line) for line in fixtures.read_text().splitlines() if line.strip()]
print(json.dumps({"median_us": min(samples), "digest": digest(documents),
                  "documents": len(documents)}))
"""


def baseline_source(commit: str, folder: Path) -> Path:
    """``src/`` of ``commit``, unpacked into ``folder``."""
    archive = subprocess.run(
        ["git", "archive", commit, "src"], cwd=REPO_ROOT, check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryFile() as stream:
        stream.write(archive)
        stream.seek(0)
        with tarfile.open(fileobj=stream) as tar:
            tar.extractall(folder, filter="data")
    return folder / "src"


def _child(source: Path, body: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(source))
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, body, str(CALLS), str(SHARED)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def measure(baseline_commit: str) -> dict[str, Any]:
    body = session_event()["body"]
    with tempfile.TemporaryDirectory() as work:
        sources = {
            "snowleap": REPO_ROOT / "src",
            "baseline": baseline_source(baseline_commit, Path(work)),
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sources}
        for _ in range(ROUNDS):
            for name, source in sources.items():
                runs[name].append(_child(source, body))
    medians = {name: statistics.median(r["median_us"] for r in rs) for name, rs in runs.items()}
    digests = {name: {r["digest"] for r in rs} for name, rs in runs.items()}
    return {
        "status": "ok",
        "baseline_commit": baseline_commit,
        "events_in_session": len(json.loads(body)["data"]),
        "rounds": ROUNDS,
        "calls_per_sample": CALLS,
        "median_us": medians,
        "all_us": {name: [r["median_us"] for r in rs] for name, rs in runs.items()},
        "ratio": medians["snowleap"] / medians["baseline"],
        "identical_results": len(digests["snowleap"]) == 1
        and digests["snowleap"] == digests["baseline"],
        "documents_compared": runs["snowleap"][0]["documents"],
    }


if __name__ == "__main__":
    from benchmarks.lambda_rie import BASELINE_COMMIT

    print(json.dumps(measure(BASELINE_COMMIT), indent=2))
