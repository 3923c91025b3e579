"""Everything that needs Spark, in one process with one Spark session (then the JVM is gone).

For each case: obtain the fitted pipeline and its MLeap bundle, pick the benchmark rows, record
Spark's own outputs on them (the reference every contender is checked against), time PySpark
(one-row DataFrame + collect; batches written to Spark's ``noop`` sink, which computes every
column without collecting), and convert the pipeline to ONNX. Files go to
``benchmarks/results/work/<case>/``; run as ``python -m benchmarks.spark_phase {full|quick}``.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.cases import CASES, Case
from benchmarks.contenders import pyspark_local
from benchmarks.settings import FULL, QUICK, WORK_DIR, Settings


def input_types(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Column -> ``string`` or ``double``, from the first row (benchmark rows have no nulls)."""
    return {name: "string" if isinstance(v, str) else "double" for name, v in rows[0].items()}


def leapframe(rows: list[dict[str, Any]], types: dict[str, str]) -> dict[str, Any]:
    """The rows as an MLeap LeapFrame JSON document (what the JVM program reads)."""
    names = list(types)
    return {
        "schema": {"fields": [{"name": n, "type": types[n]} for n in names]},
        "rows": [[row[n] for n in names] for row in rows],
    }


def _columns(collected: list[Any], outputs: tuple[str, ...]) -> dict[str, list[Any]]:
    from snowleap.spark.compare import python_value

    return {name: [python_value(row[name]) for row in collected] for name in outputs}


def run_case(spark: Any, case: Case, settings: Settings, work: Path) -> dict[str, Any]:
    """The Spark work for one case; failures are recorded in the returned dict, not raised."""
    work.mkdir(parents=True, exist_ok=True)
    info: dict[str, Any] = {"name": case.name, "title": case.title, "outputs": list(case.outputs)}
    bundle = work / "bundle.zip"
    started = time.perf_counter()
    try:
        model, refusal = case.spark_model(spark, bundle)
    except Exception as exc:
        info["error"] = f"pipeline unavailable: {type(exc).__name__}: {exc}"[:1500]
        return info
    info["spark_model_s"] = time.perf_counter() - started
    info["export_refused_by_snowleap_check"] = refusal
    info["bundle"] = str(bundle) if bundle.is_file() else None
    rows = case.bench_rows(spark, model, settings.bench_rows)
    types = input_types(rows)
    frame = spark.createDataFrame(rows, pyspark_local.spark_schema(types))
    reference = _columns(model.transform(frame).select(*case.outputs).collect(), case.outputs)
    (work / "rows.json").write_text(json.dumps(rows))
    (work / "reference.json").write_text(json.dumps(reference))
    (work / "frame.json").write_text(json.dumps(leapframe(rows, types)))
    info["rows"] = len(rows)
    info["input_types"] = types
    try:
        info["pyspark"] = pyspark_local.measure(
            spark, model, case.outputs, rows, settings, reference
        )
    except Exception as exc:
        info["pyspark"] = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:800]}
    info["onnx_conversion"] = convert_to_onnx(spark, model, types, work)
    return info


def convert_to_onnx(spark: Any, model: Any, types: dict[str, str], work: Path) -> dict[str, Any]:
    try:
        from benchmarks.onnx_conversion import convert_pipeline
    except ImportError as exc:
        return {"error": f"onnxmltools not importable: {exc}"}
    started = time.perf_counter()
    conversion = convert_pipeline(model, spark, types)
    files = {}
    blobs = (
        ("converted", conversion.converted),
        ("cast_only", conversion.cast_only),
        ("corrected", conversion.corrected),
    )
    for label, blob in blobs:
        if blob is not None:
            path = work / f"{label}.onnx"
            path.write_bytes(blob)
            files[label] = str(path)
    return {
        "seconds": time.perf_counter() - started,
        "files": files,
        "notes": conversion.notes,
        "categorical_splits": conversion.categorical_splits,
        "error": conversion.error,
    }


def main(argv: list[str]) -> int:
    """``spark_phase {full|quick} [CASE ...]``: all cases unless some are named."""
    settings = QUICK if argv[:1] == ["quick"] else FULL
    chosen = [case for case in CASES if not argv[1:] or case.name in argv[1:]]
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"cases": {}}
    why = pyspark_local.available()
    if why:
        report["error"] = why
        (WORK_DIR / "spark.json").write_text(json.dumps(report, indent=2))
        return 0
    try:
        from snowleap.spark import spark_session

        spark = spark_session("snowleap-bench", master="local[*]")
    except Exception as exc:
        report["error"] = f"no Spark session with MLeap: {type(exc).__name__}: {exc}"[:1500]
        (WORK_DIR / "spark.json").write_text(json.dumps(report, indent=2))
        return 0
    report["spark_version"] = spark.version
    try:
        for case in chosen:
            print(f"[spark] {case.name}", file=sys.stderr, flush=True)
            try:
                report["cases"][case.name] = run_case(spark, case, settings, WORK_DIR / case.name)
            except Exception:
                report["cases"][case.name] = {"error": traceback.format_exc()[-1500:]}
    finally:
        spark.stop()
    (WORK_DIR / "spark.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
