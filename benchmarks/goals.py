"""Ratios to snowleap for every figure, and the goals snowleap is measured against.

Goals (from the benchmark issue; measured, never asserted in tests): single-row latency at least
2x better than ONNX Runtime's and at or below MLeap JVM's; batch throughput at least ONNX
Runtime's; cold start under half of ONNX Runtime's; over 1,000x faster than PySpark for one row.
"""

from __future__ import annotations

from typing import Any

SNOWLEAP = "snowleap"


def _row_median(contender: dict[str, Any]) -> float | None:
    row = contender.get("row")
    return float(row["median_us"]) if row else None


def _row_p99(contender: dict[str, Any]) -> float | None:
    row = contender.get("row")
    return float(row["p99_us"]) if row else None


def _throughputs(contender: dict[str, Any]) -> dict[int, float]:
    return {int(b["size"]): float(b["rows_per_s"]) for b in contender.get("batches") or ()}


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or base is None or base == 0:
        return None
    return value / base


def add_ratios(pipeline: dict[str, Any]) -> None:
    """Give every contender of a pipeline ``ratios``: its figure divided by snowleap's."""
    contenders = pipeline["contenders"]
    base = contenders.get(SNOWLEAP, {})
    base_batches = _throughputs(base)
    for contender in contenders.values():
        ratios: dict[str, float | None] = {
            "row_median": _ratio(_row_median(contender), _row_median(base)),
            "row_p99": _ratio(_row_p99(contender), _row_p99(base)),
        }
        for size, rate in _throughputs(contender).items():
            ratios[f"batch_{size}"] = _ratio(rate, base_batches.get(size))
        contender["ratios"] = ratios


def add_cold_start_ratios(cold: dict[str, Any]) -> None:
    if isinstance(cold.get("status"), str):
        return
    for engines in cold.values():
        base = engines.get(SNOWLEAP, {})
        for engine in engines.values():
            engine["ratios"] = {
                "median_ms": _ratio(engine.get("median_ms"), base.get("median_ms")),
                "peak_rss_mib": _ratio(engine.get("peak_rss_mib"), base.get("peak_rss_mib")),
            }


def _goal(name: str, case: str, met: bool | None, detail: str) -> dict[str, Any]:
    return {"goal": name, "pipeline": case, "met": met, "detail": detail}


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal per pipeline: met (True/False) or not measurable (None), with the numbers."""
    goals = []
    for case, pipeline in results.get("pipelines", {}).items():
        if pipeline.get("error"):
            goals.append(
                _goal("every goal", case, None, f"pipeline not measured: {pipeline['error']}"[:300])
            )
            continue
        contenders = pipeline.get("contenders", {})
        ours = contenders.get(SNOWLEAP, {})
        onnx = contenders.get("onnxruntime", {})
        jvm = contenders.get("mleap_jvm", {})
        spark = contenders.get("pyspark", {})
        mine = _row_median(ours)
        goals.append(
            _compare(
                "row latency at least 2x better than ONNX Runtime",
                case,
                mine,
                _row_median(onnx),
                lambda s, o: s * 2 <= o,
                "µs",
                onnx,
            )
        )
        goals.append(
            _compare(
                "row latency at or below MLeap JVM",
                case,
                mine,
                _row_median(jvm),
                lambda s, o: s <= o,
                "µs",
                jvm,
            )
        )
        goals.append(
            _compare(
                "over 1,000x faster than PySpark for one row",
                case,
                mine,
                _row_median(spark),
                lambda s, o: o / s > 1000,
                "µs",
                spark,
            )
        )
        goals.append(_batch_goal(case, ours, onnx))
    cold = results.get("cold_start", {})
    for case, engines in ({} if isinstance(cold.get("status"), str) else cold).items():
        ours, onnx = engines.get(SNOWLEAP, {}), engines.get("onnxruntime", {})
        goals.append(
            _compare(
                "cold start under half of ONNX Runtime's",
                case,
                ours.get("median_ms"),
                onnx.get("median_ms"),
                lambda s, o: s * 2 < o,
                "ms",
                onnx,
            )
        )
    return goals


def _compare(
    name: str,
    case: str,
    mine: float | None,
    theirs: float | None,
    test: Any,
    unit: str,
    other: dict[str, Any],
) -> dict[str, Any]:
    if mine is None or theirs is None:
        missing = "snowleap" if mine is None else "the other contender"
        why = other.get("reason") or other.get("status") or "not measured"
        return _goal(name, case, None, f"no figure for {missing} ({why})"[:300])
    met = bool(test(mine, theirs))
    return _goal(
        name,
        case,
        met,
        f"snowleap {mine:,.1f} {unit} vs {theirs:,.1f} {unit} (ratio {theirs / mine:,.2f}x)",
    )


def _batch_goal(case: str, ours: dict[str, Any], onnx: dict[str, Any]) -> dict[str, Any]:
    name = "batch throughput at least ONNX Runtime's"
    mine, theirs = _throughputs(ours), _throughputs(onnx)
    sizes = sorted(set(mine) & set(theirs))
    if not sizes:
        return _goal(name, case, None, "throughput missing for a contender")
    short = [s for s in sizes if mine[s] < theirs[s]]
    detail = "; ".join(f"{s:,} rows: {mine[s]:,.0f} vs {theirs[s]:,.0f} rows/s" for s in sizes)
    if short:
        detail += f" (short at {', '.join(f'{s:,}' for s in short)} rows)"
    return _goal(name, case, not short, detail)
