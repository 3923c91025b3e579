"""MLeap's JVM runtime, timed inside the JVM by ``benchmarks/jvm`` (built with Maven on demand).

The Java program prints the outputs of every benchmark row (checked here against Spark's before
its timings are used), the single-row latency of a ``RowTransformer`` and the throughput of
``Transformer.transform`` on LeapFrames. Its peak memory is the JVM process's maximum RSS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks.checks import EXACT_TOL, compare, verdict
from benchmarks.processes import run_measured
from benchmarks.settings import BENCH_DIR, Settings
from benchmarks.workdir import CaseWork

NAME = "mleap_jvm"
PROJECT = BENCH_DIR / "jvm"
MAIN_CLASS = "dev.snowleap.bench.MleapBench"


@cache
def _build() -> str | None:
    """Compile the program (Maven resolves MLeap's runtime jars); None, or why it failed."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return f"`{tool}` not on PATH"
    done = subprocess.run(
        ["mvn", "-q", "-B", "-f", str(PROJECT / "pom.xml"), "package"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-8:]
        return "Maven could not build benchmarks/jvm (MLeap runtime jars): " + " | ".join(tail)
    return None


def available() -> str | None:
    return _build()


def classpath() -> str:
    jars = (PROJECT / "target" / "classpath.txt").read_text().strip()
    return f"{PROJECT / 'target' / 'classes'}{os.pathsep}{jars}"


def run(
    bundle: Path,
    frame: Path,
    outputs: Sequence[str],
    row_iterations: int,
    batch_sizes: Sequence[int],
    batch_seconds: float,
) -> dict[str, Any]:
    """The program's report on ``bundle`` (its ``outputs`` for the frame's rows, row and batch
    timings, load time, the JVM's peak RSS), or ``status: unavailable`` with the reason."""
    reason = available()
    if reason is not None:
        return {"status": "unavailable", "reason": reason}
    args = [
        str(bundle),
        str(frame),
        ",".join(outputs),
        str(row_iterations),
        ",".join(str(size) for size in batch_sizes),
        str(batch_seconds),
    ]
    finished = run_measured(["java", "-cp", classpath(), MAIN_CLASS, *args])
    if finished.returncode != 0:
        tail = " | ".join(finished.stderr.strip().splitlines()[-6:])
        return {
            "status": "unavailable",
            "reason": f"MLeap JVM run failed ({finished.returncode}): {tail}"[:800],
        }
    report: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    report["status"] = "ok"
    report["peak_rss_mib"] = finished.peak_rss_mib
    return report


def refereed(
    bundle: Path,
    frame: Path,
    expected: Mapping[str, Sequence[Any]],
    batch_rows: int,
    tolerance: float = EXACT_TOL,
) -> dict[str, Any]:
    """MLeap's report on ``bundle`` with its outputs checked against ``expected`` (column ->
    values of the frame's rows): its timings only when every row agrees, else ``wrong``."""
    report = run(bundle, frame, list(expected), 20_000, (1, batch_rows), 1.0)
    if report["status"] != "ok":
        return report
    check = compare(expected, report.pop("outputs"), tolerance)
    status = verdict(check)
    if status != "ok":
        return {"status": status, "check": check}
    return {**report, "check": check}


def measure(work: CaseWork, settings: Settings) -> dict[str, Any]:
    if work.bundle is None:
        return {"status": "unavailable", "reason": "no bundle was written for this case"}
    report = run(
        work.bundle,
        work.frame_path,
        work.outputs,
        settings.jvm_row_iterations,
        settings.batch_sizes,
        settings.batch_seconds,
    )
    if report["status"] != "ok":
        return report
    check = compare(work.reference, report.pop("outputs"), EXACT_TOL)
    result: dict[str, Any] = {"check": check, "status": verdict(check)}
    if result["status"] != "ok":
        return result
    result.update(
        {
            "row": report["row"],
            "batches": report["batches"],
            "load_ms": report["load_ms"],
            "java_version": report["java_version"],
            "peak_rss_mib": report["peak_rss_mib"],
        }
    )
    return result
