"""snowleap: ``transform_row`` from a dict, ``transform`` on numpy columns (runtime_bench loops)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from benchmarks.checks import EXACT_TOL, compare, verdict
from benchmarks.settings import Settings, batch_repeats
from benchmarks.workdir import CaseWork

NAME = "snowleap"


def available() -> str | None:
    try:
        import snowleap  # noqa: F401
    except ImportError as exc:
        return f"snowleap not importable: {exc}"
    return None


def scored_columns(model: Any, work: CaseWork) -> dict[str, dict[str, list[Any]]]:
    """The outputs of both paths on every benchmark row, as plain Python values."""
    from snowleap.spark.compare import python_value

    by_row: dict[str, list[Any]] = {name: [] for name in work.outputs}
    for row in work.rows:
        out = model.transform_row(row)
        for name in work.outputs:
            by_row[name].append(None if out is None else python_value(out.get(name)))
    frame = model.transform(work.batch_columns(len(work.rows)))
    batch = {name: [python_value(v) for v in frame[name]] for name in work.outputs}
    return {"transform_row": by_row, "transform": batch}


def measure(work: CaseWork, settings: Settings) -> dict[str, Any]:
    import snowleap
    from benchmarks import runtime_bench

    if work.bundle is None:
        return {"status": "unavailable", "reason": "no bundle was written for this case"}
    try:
        model = snowleap.load(work.bundle)
        paths = scored_columns(model, work)
    except (snowleap.BundleError, snowleap.InputError) as exc:
        return {"status": "unavailable", "reason": f"{type(exc).__name__}: {exc}"[:600]}
    checks = {path: compare(work.reference, out, EXACT_TOL) for path, out in paths.items()}
    worst = max(checks.values(), key=lambda c: c["mismatched_rows"])
    result: dict[str, Any] = {"check": worst, "checks": checks, "status": verdict(worst)}
    if result["status"] != "ok":
        return result
    row = asdict(
        runtime_bench.time_transform_row(model, work.rows[0], calls=settings.row_iterations)
    )
    result["row"] = row
    result["batches"] = []
    for size in settings.batch_sizes:
        columns = work.batch_columns(size)
        timing = asdict(runtime_bench.time_transform(model, columns, repeats=batch_repeats(size)))
        timing["size"] = timing.pop("rows")
        result["batches"].append(timing)
    return result
