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
from functools import cache
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


def measure(work: CaseWork, settings: Settings) -> dict[str, Any]:
    if work.bundle is None:
        return {"status": "unavailable", "reason": "no bundle was written for this case"}
    args = [
        str(work.bundle),
        str(work.frame_path),
        ",".join(work.outputs),
        str(settings.jvm_row_iterations),
        ",".join(str(s) for s in settings.batch_sizes),
        str(settings.batch_seconds),
    ]
    run = run_measured(["java", "-cp", classpath(), MAIN_CLASS, *args])
    if run.returncode != 0:
        tail = " | ".join(run.stderr.strip().splitlines()[-6:])
        return {
            "status": "unavailable",
            "reason": f"MLeap JVM run failed ({run.returncode}): {tail}"[:800],
        }
    report = json.loads(run.stdout.strip().splitlines()[-1])
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
            "peak_rss_mib": run.peak_rss_mib,
        }
    )
    return result
