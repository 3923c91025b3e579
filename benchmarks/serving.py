"""The serving figures: the layer's size, the handler in-process, and ``make serve`` under load.

All three use the lambda side of the project as it is built by its own Makefile targets
(``make layer``, ``make serve``); each reports why it could not run instead of failing the run.
"""

from __future__ import annotations

import copy
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.processes import run_measured
from benchmarks.settings import REPO_ROOT, Settings
from benchmarks.timing import latency_summary

SCORE_EVENT = REPO_ROOT / "events" / "score.json"
SESSION_EVENTS = 30
LAYER_ZIP = REPO_ROOT / "layers" / "build" / "layer-x86_64.zip"


def _make_targets() -> set[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    return {line.split(":", 1)[0] for line in makefile.splitlines() if ":" in line}


# --- layer ------------------------------------------------------------------------------------


def layer_size() -> dict[str, Any]:
    """Build the layer with ``make layer`` and read its zip: zipped and unzipped bytes."""
    if "layer" not in _make_targets():
        return {"status": "unavailable", "reason": "no `make layer` target on this checkout"}
    built = subprocess.run(
        ["make", "-s", "layer"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )
    if built.returncode != 0 or not LAYER_ZIP.is_file():
        tail = " | ".join((built.stdout + built.stderr).strip().splitlines()[-5:])
        return {"status": "unavailable", "reason": f"`make layer` failed: {tail}"[:600]}
    with zipfile.ZipFile(LAYER_ZIP) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    return {
        "status": "ok",
        "zip": str(LAYER_ZIP.relative_to(REPO_ROOT)),
        "zipped_mib": LAYER_ZIP.stat().st_size / 2**20,
        "unzipped_mib": unzipped / 2**20,
        "alternatives_installed_mib": {
            "onnxruntime": _installed_mib("onnxruntime"),
            "pyspark": _installed_mib("pyspark"),
        },
    }


def _installed_mib(distribution: str) -> float | None:
    """On-disk size of a distribution and its requirements (what a layer for it would hold)."""
    seen: set[str] = set()
    pending = [distribution]
    total = 0
    while pending:
        name = pending.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if name == distribution:
                return None
            continue
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        for requirement in dist.requires or ():
            if "extra ==" in requirement:
                continue
            name_match = re.match(r"[A-Za-z0-9_.\-]+", requirement)
            if name_match:
                pending.append(name_match.group(0))
    return total / 2**20


# --- the handler in-process -------------------------------------------------------------------


def session_event(events: int = SESSION_EVENTS) -> dict[str, Any]:
    """An API Gateway REST event whose body is one session of ``events`` tracker events.

    Built from ``events/score.json`` (the project's own example request): its first event is
    the template; the session alternates page views of product pages and page pings.
    """
    template_event = json.loads(SCORE_EVENT.read_text())
    body = json.loads(template_event["body"])
    first = body["data"][0]
    start = int(first["dtm"])
    data = []
    for index in range(events):
        event = dict(first)
        stamp = start + index * 10_000
        event["dtm"], event["stm"] = str(stamp), str(stamp + 500)
        event["eid"] = f"00000000-0000-4000-8000-{index:012d}"
        if index % 3 == 2:
            event["e"] = "pp"
        else:
            event["url"] = f"https://shop.example.com/p/{1000 + index}"
            event["page"] = f"Product {1000 + index}"
        data.append(event)
    body["data"] = data
    event_copy = copy.deepcopy(template_event)
    event_copy["body"] = json.dumps(body)
    return event_copy


DEFAULT_BUNDLE = REPO_ROOT / "bundles" / "snowleap-default.zip"
DEMO_BUNDLE_WRITER = REPO_ROOT / "handler" / "demo_bundle.py"


def serving_model(folder: Path) -> tuple[str, str]:
    """The bundle the handler serves here, and what it is.

    The trained default bundle; while a checkout has none yet, the handler's own hand-set demo
    bundle (``handler/demo_bundle.py``) stands in, and the results say so.
    """
    if DEFAULT_BUNDLE.is_file():
        return str(DEFAULT_BUNDLE), "default bundle (bundles/snowleap-default.zip)"
    stand_in = folder / "demo-bundle.zip"
    subprocess.run(
        [sys.executable, str(DEMO_BUNDLE_WRITER), str(stand_in)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(stand_in), "STAND-IN: handler/demo_bundle.py (default bundle missing)"


def _handler_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        POWERTOOLS_SERVICE_NAME="snowleap",
        POWERTOOLS_METRICS_NAMESPACE="snowleap",
        AWS_DEFAULT_REGION="us-east-1",
        SESSION_SALT="bench",
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT / "handler"), str(REPO_ROOT)]),
    )
    env.update(extra or {})
    return env


def handler_latency(settings: Settings) -> dict[str, Any]:
    if not (REPO_ROOT / "handler" / "app.py").is_file() or not SCORE_EVENT.is_file():
        return {"status": "unavailable", "reason": "handler/app.py or events/score.json missing"}
    with tempfile.TemporaryDirectory() as work:
        event_path = Path(work) / "event.json"
        out_path = Path(work) / "out.json"
        event_path.write_text(json.dumps(session_event()))
        model_uri, model = serving_model(Path(work))
        run = run_measured(
            [
                sys.executable,
                "-m",
                "benchmarks.handler_child",
                str(event_path),
                str(settings.handler_repeats),
                str(out_path),
            ],
            timeout=300,
            env=_handler_env({"MODEL_CACHE_DIR": work, "MODEL_URI": model_uri}),
        )
        if run.returncode != 0:
            tail = " | ".join(run.stderr.strip().splitlines()[-5:])
            return {"status": "unavailable", "reason": f"handler run failed: {tail}"[:700]}
        report: dict[str, Any] = json.loads(out_path.read_text())
    report["status"] = "ok"
    report["model"] = model
    report["events_in_session"] = SESSION_EVENTS
    report["peak_rss_mib"] = run.peak_rss_mib
    return report


# --- make serve under a bounded load ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def _load(port: int, path: str, body: bytes, requests: int, concurrency: int) -> dict[str, Any]:
    """``requests`` POSTs from ``concurrency`` client threads; latencies and requests/s."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client() -> None:
        headers = {"Content-Type": "application/json"}
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            start = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                status = response.status
            except OSError as exc:
                status, reason = 0, str(exc)
            elapsed = time.perf_counter() - start
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                elif len(failures) < 5:
                    failures.append(reason if status == 0 else f"HTTP {status}")

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": requests,
        "concurrency": concurrency,
        "ok": len(latencies),
        "failures": failures,
        "requests_per_s": len(latencies) / wall,
        "latency": latency_summary(latencies) if latencies else None,
    }


def serve_load(settings: Settings) -> dict[str, Any]:
    """Start ``make serve`` on a free loopback port, load it, then stop exactly that process."""
    if "serve" not in _make_targets():
        return {"status": "unavailable", "reason": "no `make serve` target on this checkout"}
    port = _free_port()
    with tempfile.TemporaryDirectory() as work:
        model_uri, model = serving_model(Path(work))
        process = subprocess.Popen(
            ["make", "-s", "serve", f"PORT={port}"],
            cwd=REPO_ROOT,
            env=_handler_env({"MODEL_CACHE_DIR": work, "MODEL_URI": model_uri}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            if not _wait_for_port(port, process, timeout=120):
                err = process.stderr.read().decode()[-600:] if process.poll() is not None else ""
                return {"status": "unavailable", "reason": f"`make serve` did not listen: {err}"}
            event = session_event()
            body = event["body"].encode()
            _load(port, event["path"], body, min(20, settings.serve_requests), 1)  # warm-up
            report = _load(
                port, event["path"], body, settings.serve_requests, settings.serve_concurrency
            )
        finally:
            # NOTE: the group holds make and the server it started; both are ours.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    report["status"] = "ok" if report["ok"] == report["requests"] else "errors"
    report["model"] = model
    report["events_in_session"] = SESSION_EVENTS
    return report
