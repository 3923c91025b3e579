"""One 30-event tracker session in-process, this checkout against the baseline commit.

Two figures, each for this checkout and for ``lambda_rie.BASELINE_COMMIT`` (``git archive`` of
its ``src/``, ``handler/`` and ``bundles/``, unpacked into a temporary folder), measured in the
same run by child processes that take turns (``ROUNDS`` each), on the same API Gateway event:

* ``request``: ``app.lambda_handler`` answering one ``POST /score`` of the session in a warm
  environment (each commit's own handler serving its own committed default bundle), everything
  the function does per request included (Powertools' routing, log line and EMF metrics, whose
  text is dropped);
* ``parse``: the Snowplow step of that request alone: ``parse_tracker_payload`` of the body,
  ``group_sessions`` and ``session_features``, as the service calls them.

Each child reports the median CPU time per call over ``SAMPLES`` samples of ``CALLS`` calls
(``time.process_time``: the machine is shared, and CPU time is what other processes' load
disturbs least), and a digest of everything the parse produced (every event's fields, every
rejection reason, every feature row) on the session and on the real tracker fixtures of
``../shared/snowplow``, so identical results are checked, not assumed. The figures are the medians
over rounds and their ratio, this checkout ÷ baseline.

``python -m benchmarks.snowplow_parse`` writes ``benchmarks/results/snowplow_parse.{json,md}``.
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

from benchmarks.serving import _handler_env, session_event
from benchmarks.settings import REPO_ROOT, RESULTS_DIR

ROUNDS = 7
CALLS = 200
SAMPLES = 9
SHARED = REPO_ROOT.parent / "shared" / "snowplow"
MEASURES = ("request", "parse")

CHILD = """
import contextlib, hashlib, io, json, statistics, sys, time
from pathlib import Path
from snowleap.snowplow import group_sessions, parse_tracker_payload, session_features

event = json.loads(Path(sys.argv[1]).read_text())
calls, samples_wanted = int(sys.argv[2]), int(sys.argv[3])
shared = Path(sys.argv[4])
body = event["body"]

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

def timed(call):
    for _ in range(100):
        call()
    samples = []
    for _ in range(samples_wanted):
        started = time.process_time()
        for _ in range(calls):
            call()
        samples.append((time.process_time() - started) / calls * 1e6)
    return statistics.median(samples)

sink = io.StringIO()
with contextlib.redirect_stdout(sink):
    import app
    from local import LocalLambdaContext

def request():
    with contextlib.redirect_stdout(sink):
        response = app.lambda_handler(event, LocalLambdaContext())
    sink.seek(0)
    sink.truncate()
    if response["statusCode"] != 200:
        raise SystemExit(f"handler answered {response['statusCode']}: {response['body'][:300]}")
    return response

answer = json.loads(request()["body"])
fixtures = shared / "tracker_payloads.jsonl"
documents = [body]
if fixtures.is_file():
    documents += [json.loads(line) for line in fixtures.read_text().splitlines() if line.strip()]
print(json.dumps({
    "request_us": timed(request),
    "parse_us": timed(lambda: once(body)),
    "digest": digest(documents),
    "documents": len(documents),
    "events_used": sum(session["events_used"] for session in answer["sessions"]),
    "sessions_scored": len(answer["sessions"]),
}))
"""


def baseline_tree(commit: str, folder: Path) -> Path:
    """``src/``, ``handler/`` and ``bundles/`` of ``commit``, unpacked into ``folder``."""
    archive = subprocess.run(
        ["git", "archive", commit, "src", "handler", "bundles"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryFile() as stream:
        stream.write(archive)
        stream.seek(0)
        with tarfile.open(fileobj=stream) as tar:
            tar.extractall(folder, filter="data")
    return folder


def _child(root: Path, event_path: Path, cache: Path) -> dict[str, Any]:
    env = _handler_env(
        {
            "MODEL_URI": str(root / "bundles" / "snowleap-default.zip"),
            "MODEL_CACHE_DIR": str(cache),
            "POWERTOOLS_TRACE_DISABLED": "1",
        }
    )
    env["PYTHONPATH"] = os.pathsep.join([str(root / "handler"), str(root / "src")])
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(event_path), str(CALLS), str(SAMPLES), str(SHARED)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if completed.returncode != 0:
        tail = " | ".join(completed.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"child at {root} failed: {tail}"[:700])
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def measure(baseline_commit: str) -> dict[str, Any]:
    event = session_event()
    with tempfile.TemporaryDirectory() as work:
        event_path = Path(work) / "event.json"
        event_path.write_text(json.dumps(event))
        roots = {
            "snowleap": REPO_ROOT,
            "baseline": baseline_tree(baseline_commit, Path(work) / "baseline"),
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
        for round_index in range(ROUNDS):
            for name, root in roots.items():
                cache = Path(work) / f"cache-{name}-{round_index}"
                runs[name].append(_child(root, event_path, cache))
    figures: dict[str, Any] = {}
    for measure_name in MEASURES:
        key = f"{measure_name}_us"
        all_us = {name: [r[key] for r in rs] for name, rs in runs.items()}
        medians = {name: statistics.median(values) for name, values in all_us.items()}
        figures[measure_name] = {
            "median_us": medians,
            "all_us": all_us,
            "ratio": medians["snowleap"] / medians["baseline"],
        }
    digests = {name: {r["digest"] for r in rs} for name, rs in runs.items()}
    return {
        "status": "ok",
        "baseline_commit": baseline_commit,
        "events_in_session": len(json.loads(event["body"])["data"]),
        "rounds": ROUNDS,
        "calls_per_sample": CALLS,
        "samples_per_round": SAMPLES,
        **figures,
        "events_used": {name: rs[0]["events_used"] for name, rs in runs.items()},
        "identical_results": len(digests["snowleap"]) == 1
        and digests["snowleap"] == digests["baseline"],
        "documents_compared": runs["snowleap"][0]["documents"],
    }


def report_lines(parse: dict[str, Any]) -> list[str]:
    """The result as Markdown lines (the README's and ``make bench``'s summary)."""
    if parse.get("status") != "ok":
        return [f"- One 30-event session in-process: not measured ({parse.get('reason', '?')})."]
    request, step = parse["request"], parse["parse"]
    base = parse["baseline_commit"]
    return [
        f"- One {parse['events_in_session']}-event tracker session in-process (CPU time per "
        f"call, median of {parse['rounds']} alternating processes, each the median of "
        f"{parse['samples_per_round']} x {parse['calls_per_sample']} calls; x = ÷ the baseline "
        f"commit {base} measured in the same run):",
        f"  - `POST /score`, the whole warm request (`app.lambda_handler`): "
        f"{request['median_us']['snowleap']:.0f} µs against "
        f"{request['median_us']['baseline']:.0f} µs (x{request['ratio']:.2f})",
        f"  - its Snowplow step (parse + sessions + features): "
        f"{step['median_us']['snowleap']:.0f} µs against {step['median_us']['baseline']:.0f} µs "
        f"(x{step['ratio']:.2f}); results "
        f"{'identical' if parse['identical_results'] else '**DIFFERENT**'} on "
        f"{parse['documents_compared']} tracker bodies (the session and ../shared's fixtures)",
    ]


def stored() -> dict[str, Any]:
    """The result ``make bench-snowplow-parse`` wrote (``make bench`` runs it first)."""
    path = RESULTS_DIR / "snowplow_parse.json"
    if not path.is_file():
        return {"status": "unavailable", "reason": "run make bench-snowplow-parse"}
    result: dict[str, Any] = json.loads(path.read_text())
    return result


def main() -> int:
    from benchmarks.lambda_rie import BASELINE_COMMIT

    try:
        result = measure(BASELINE_COMMIT)
    except (RuntimeError, subprocess.SubprocessError) as exc:
        result = {"status": "unavailable", "reason": str(exc)[:700]}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "snowplow_parse.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# One 30-event session in-process", "", *report_lines(result), ""]
    (RESULTS_DIR / "snowplow_parse.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
