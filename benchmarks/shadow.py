"""What a challenger costs a request: POST /score through the handler in-process, champion only
against a challenger in ``split`` and in ``shadow`` mode, measured in the same run.

``python -m benchmarks.shadow [--rounds N]``: the handler (Powertools logger, EMF metrics and all,
their output dropped) serves the default bundle as champion and the same bundle, a second copy,
as challenger, so the shadow's extra work is one more scoring of every session, its log line and
metrics. The three configurations take turns invocation by invocation, in a rotating order (so
drift of a shared machine hits all three alike), on two requests: 1 session of 30 events, 50
sessions of 6 events. Medians and ratios against champion-only go to
``benchmarks/results/shadow.json`` and ``shadow.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.serving import serving_model, session_event
from benchmarks.settings import REPO_ROOT, RESULTS_DIR
from benchmarks.timing import latency_summary

CONFIGURATIONS = {
    "champion only": None,
    "split 10%": ("split", 10.0),
    "shadow": ("shadow", 0.0),
}


def many_sessions_event(sessions: int, events_each: int) -> dict[str, Any]:
    """An API Gateway event of ``sessions`` sessions, each ``events_each`` tracker events."""
    event = session_event(sessions * events_each)
    body = json.loads(event["body"])
    for index, tracked in enumerate(body["data"]):
        tracked["sid"] = f"bench-session-{index // events_each:04d}"
    event["body"] = json.dumps(body)
    return event


def measure(rounds: int) -> dict[str, Any]:
    sys.path[:0] = [str(REPO_ROOT / "handler"), str(REPO_ROOT)]
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "snowleap")
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "snowleap")
    sink = io.StringIO()
    stdout = sys.stdout
    sys.stdout = sink  # NOTE: the handler's logger binds its stream at import
    try:
        import app
        from local import LocalLambdaContext
        from snowleap.serving import ChallengerSettings, ScoringService, ServingSettings
    finally:
        sys.stdout = stdout
    with tempfile.TemporaryDirectory() as work:
        champion, model = serving_model(Path(work))
        challenger = Path(work) / "challenger.zip"
        shutil.copyfile(champion, challenger)
        services = {}
        for name, rollout in CONFIGURATIONS.items():
            settings = ServingSettings(
                model_uri=champion,
                session_salt="bench",
                cache_dir=None,
                max_body_bytes=4 * 1024 * 1024,
                challenger=None
                if rollout is None
                else ChallengerSettings(str(challenger), rollout[1], rollout[0]),
            )
            services[name] = ScoringService.create(
                settings, s3_client=lambda: None, observer=app.PowertoolsObserver()
            )
        requests = {
            "1 session x 30 events": session_event(30),
            "50 sessions x 6 events": many_sessions_event(50, 6),
        }
        results: dict[str, Any] = {}
        for request_name, event in requests.items():
            samples = _interleaved(app, services, event, rounds, sink, LocalLambdaContext)
            summaries = {name: latency_summary(times) for name, times in samples.items()}
            base = summaries["champion only"]["median_us"]
            for summary in summaries.values():
                summary["ratio_to_champion_only"] = summary["median_us"] / base
            results[request_name] = summaries
    return {"model": model, "rounds": rounds, "requests": results}


def _interleaved(
    app: Any, services: dict[str, Any], event: Any, rounds: int, sink: io.StringIO, context: Any
) -> dict[str, list[float]]:
    handler = app.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(sink)
    stdout = sys.stdout
    samples: dict[str, list[float]] = {name: [] for name in services}
    try:
        sys.stdout = sink  # NOTE: EMF documents are printed; their cost stays in the timing
        names = list(services)
        for round_number in range(rounds + 1):
            # NOTE: the order rotates each round, so no configuration always runs first
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                app.service = services[name]
                started = time.perf_counter()
                response = app.lambda_handler(event, context())
                elapsed = time.perf_counter() - started
                if response.get("statusCode") != 200:
                    raise SystemExit(f"{name}: handler answered {response.get('statusCode')}")
                if round_number > 0:  # NOTE: round 0 loads the models
                    samples[name].append(elapsed)
                sink.seek(0)
                sink.truncate()
    finally:
        sys.stdout = stdout
        handler.setStream(previous)
    return samples


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Challenger cost: POST /score through the handler in-process",
        "",
        f"{result['rounds']} invocations per configuration, taking turns; model: "
        f"{result['model']} (the challenger is a copy of it). Python {platform.python_version()}.",
        "(xr) = median / champion-only median.",
        "",
        "| request | champion only, median ms | split 10% | shadow | shadow p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for request, summaries in result["requests"].items():
        cells = [f"{summaries['champion only']['median_us'] / 1000:.3f}"]
        for name in ("split 10%", "shadow"):
            summary = summaries[name]
            cells.append(
                f"{summary['median_us'] / 1000:.3f} (x{summary['ratio_to_champion_only']:.2f})"
            )
        cells.append(f"{summaries['shadow']['p99_us'] / 1000:.3f}")
        lines.append(f"| {request} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    result = measure(args.rounds)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "shadow.json").write_text(json.dumps(result, indent=2) + "\n")
    text = markdown(result)
    (RESULTS_DIR / "shadow.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
