"""Cold start as a whole fresh process, for snowleap and ONNX Runtime, median of N runs.

A moto S3 server on 127.0.0.1 holds each case's model (the bundle zip, the ONNX file); each run
is a new Python process (``cold_start_child``) that imports its engine and boto3, fetches the
model, loads it and scores one row. The wall time is measured from spawning the process to its
exit, so interpreter start-up and teardown count; the peak RSS of the process is its memory.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import statistics
import sys
from typing import Any

from benchmarks.processes import run_measured
from benchmarks.settings import REPO_ROOT, Settings
from benchmarks.workdir import CaseWork

BUCKET = "snowleap-bench"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def available() -> str | None:
    try:
        import boto3  # noqa: F401
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError as exc:
        return f"moto[server]/boto3 not installed: {exc}"
    return None


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
    )
    env.pop("AWS_PROFILE", None)
    return env


def measure(works: list[CaseWork], settings: Settings) -> dict[str, Any]:
    """Per case and engine: median wall time, phase medians and peak RSS of fresh processes."""
    import boto3
    from moto.server import ThreadedMotoServer

    # NOTE: moto's server logs every request through werkzeug; the results say what matters.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    env = _environment()
    results: dict[str, Any] = {}
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        s3.create_bucket(Bucket=BUCKET)
        for work in works:
            models = {}
            if work.bundle is not None:
                models["snowleap"] = work.bundle
            onnx_file = work.onnx_files.get("corrected") or work.onnx_files.get("converted")
            if onnx_file:
                models["onnxruntime"] = onnx_file
            per_engine: dict[str, Any] = {}
            for engine, path in models.items():
                key = f"{work.name}/{engine}/{os.path.basename(str(path))}"
                s3.upload_file(str(path), BUCKET, key)
                per_engine[engine] = _runs(engine, endpoint, key, work, settings, env)
            results[work.name] = per_engine
    finally:
        server.stop()
    return results


def _runs(
    engine: str, endpoint: str, key: str, work: CaseWork, settings: Settings, env: dict[str, str]
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.cold_start_child",
        engine,
        endpoint,
        BUCKET,
        key,
        json.dumps(work.rows[0]),
    ]
    walls, rss, phases = [], [], []
    # NOTE: one untimed run first, so both engines start from compiled bytecode and a warm disk
    # cache, as a Lambda layer does (it ships .pyc files); what is timed is a fresh process.
    run_measured(command, timeout=120, env=env | {"PYTHONPATH": str(REPO_ROOT)})
    for _ in range(settings.cold_start_runs):
        run = run_measured(command, timeout=120, env=env | {"PYTHONPATH": str(REPO_ROOT)})
        if run.returncode != 0:
            tail = " | ".join(run.stderr.strip().splitlines()[-4:])
            return {"status": "error", "reason": tail[:600]}
        walls.append(run.wall_s * 1e3)
        phase = json.loads(run.stdout.strip().splitlines()[-1])
        # NOTE: the child's own VmHWM at exit is exact; the parent's sampling is the fallback.
        rss.append(phase.pop("peak_rss_mib", None) or run.peak_rss_mib)
        phases.append(phase)
    return {
        "status": "ok",
        "runs": len(walls),
        "median_ms": statistics.median(walls),
        "all_ms": walls,
        "phases_median_ms": {
            name: statistics.median(p[name] for p in phases) for name in phases[0]
        },
        "peak_rss_mib": statistics.median(rss),
    }
