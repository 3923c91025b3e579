"""``make bench``: snowleap against PySpark, ONNX Runtime and MLeap's JVM runtime, in one run.

Steps: the Spark phase (its own process: fit/export, Spark's reference outputs, PySpark timings,
ONNX conversion), then each contender checked against Spark and timed, cold starts and memory,
the serving figures, a profile of snowleap's row path, the goals. Writes
``benchmarks/results/results.json``, ``results.md``, ``results.png`` and the README table.
Whatever cannot run is reported with the reason; the run still writes its results.

``python -m benchmarks.run [--quick] [--reuse-spark]``
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import platform
import pstats
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from benchmarks import cold_start, goals, lambda_bench, report, serving, snowplow_parse
from benchmarks.contenders import IN_PROCESS
from benchmarks.settings import FULL, QUICK, REPO_ROOT, RESULTS_DIR, WORK_DIR, Settings
from benchmarks.workdir import CaseWork

PROFILED_CASE = "airbnb_rf"


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _guarded(what: str, step: Any, *args: Any) -> dict[str, Any]:
    """Run one step; an unexpected failure becomes a reported result, not a crashed run."""
    try:
        result: dict[str, Any] = step(*args)
        return result
    except Exception as exc:
        _log(f"{what} failed: {exc}")
        return {
            "status": "error",
            "reason": f"{type(exc).__name__}: {exc}"[:600],
            "traceback": traceback.format_exc()[-1200:],
        }


def versions(spark_version: str | None) -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("snowleap", "numpy", "onnxruntime", "onnxmltools", "onnx", "pyspark"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    found["spark"] = spark_version
    found["mleap_jvm"] = "0.16.0 (mleap-runtime_2.12)"
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
        found["java"] = (java.stderr.splitlines() or ["?"])[0]
    except OSError:
        found["java"] = None
    return found


def machine() -> dict[str, Any]:
    from benchmarks import runtime_bench

    info: dict[str, Any] = runtime_bench.machine()
    return info


def run_spark_phase(settings: Settings) -> None:
    _log("Spark phase (fit/export, reference outputs, PySpark, ONNX conversion)")
    subprocess.run(
        [sys.executable, "-m", "benchmarks.spark_phase", settings.name],
        cwd=REPO_ROOT,
        check=False,
        timeout=900,
    )


def measure_pipelines(
    spark: dict[str, Any], settings: Settings
) -> tuple[dict[str, Any], list[CaseWork]]:
    pipelines: dict[str, Any] = {}
    works: list[CaseWork] = []
    for name, info in spark.get("cases", {}).items():
        pipeline: dict[str, Any] = {"title": info.get("title", name), "contenders": {}}
        pipelines[name] = pipeline
        if "error" in info:
            pipeline["error"] = info["error"]
            continue
        work = CaseWork.load(info, WORK_DIR / name)
        works.append(work)
        conversion = info.get("onnx_conversion", {})
        pipeline.update(
            rows=info["rows"],
            export_refused_by_snowleap_check=info.get("export_refused_by_snowleap_check"),
            onnx_conversion=conversion,
            onnx_notes=[*conversion.get("notes", []), *filter(None, [conversion.get("error")])],
        )
        for contender in IN_PROCESS:
            _log(f"{name}: {contender.NAME}")
            why = _guarded(
                f"{contender.NAME} available", lambda c=contender: {"why": c.available()}
            )
            if why.get("why") or why.get("status") == "error":
                reason = why.get("why") or why.get("reason")
                pipeline["contenders"][contender.NAME] = {"status": "unavailable", "reason": reason}
                continue
            pipeline["contenders"][contender.NAME] = _guarded(
                contender.NAME, contender.measure, work, settings
            )
        pipeline["contenders"]["pyspark"] = info.get(
            "pyspark", {"status": "unavailable", "reason": "not measured in the Spark phase"}
        )
        goals.add_ratios(pipeline)
    return pipelines, works


def profile(works: list[CaseWork]) -> dict[str, Any] | None:
    """Where snowleap's time goes on the profiled case: the row path (runtime_bench's profiler)
    and one ``transform`` of 10,000 rows, both by cProfile, heaviest functions first."""
    import snowleap
    from benchmarks import runtime_bench, runtime_cases

    for work in works:
        if work.name == PROFILED_CASE and work.bundle is not None:
            frame = json.loads(work.frame_path.read_text())
            case = runtime_cases.Case(work.name, work.bundle, frame, work.frame_path)
            row_text = runtime_bench.profile_row_path(case, top=20)
            model = snowleap.load(work.bundle)
            columns = work.batch_columns(10_000)
            model.transform(columns)
            profiler = cProfile.Profile()
            profiler.enable()
            model.transform(columns)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            return {
                "pipeline": work.name,
                "text": "transform_row, 20,000 calls:\n"
                + row_text
                + "\ntransform, one batch of 10,000 rows:\n"
                + out.getvalue(),
            }
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions (development)")
    parser.add_argument(
        "--reuse-spark",
        action="store_true",
        help="reuse the last Spark phase's files instead of running Spark again",
    )
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": settings.name,
        "machine": _guarded("machine", machine),
    }
    if not args.reuse_spark or not (WORK_DIR / "spark.json").is_file():
        run_spark_phase(settings)
    spark = json.loads((WORK_DIR / "spark.json").read_text())
    results["spark_error"] = spark.get("error")
    results["versions"] = versions(spark.get("spark_version"))
    results["pipelines"], works = measure_pipelines(spark, settings)

    _log("cold starts")
    why = cold_start.available()
    results["cold_start"] = (
        {"status": "unavailable", "reason": why}
        if why
        else _guarded("cold start", cold_start.measure, works, settings)
    )
    goals.add_cold_start_ratios(results["cold_start"])
    _log("layer")
    results["layer"] = _guarded("layer", serving.layer_size)
    _log("handler in-process")
    results["handler"] = _guarded("handler", serving.handler_latency, settings)
    # NOTE: measured by make bench-lambda (which make bench runs first), read back here.
    results["lambda_rie"] = lambda_bench.stored()
    # NOTE: measured by make bench-snowplow-parse (which make bench runs first), read back here.
    results["snowplow_parse"] = snowplow_parse.stored()
    _log("make serve under load")
    results["serve"] = _guarded("serve", serving.serve_load, settings)
    _log("profile")
    results["profile"] = _guarded("profile", profile, works) if works else None
    results["goals"] = goals.evaluate(results)
    results["duration_s"] = time.perf_counter() - started
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(report.render(results))
    _log(f"done in {results['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
