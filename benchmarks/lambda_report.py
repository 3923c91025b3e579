"""The Lambda figures of a run as Markdown: the function under RIE and the Snowplow parse step."""

from __future__ import annotations

from typing import Any

from benchmarks.snowplow_parse import report_lines

LABELS = {
    "snowleap": "snowleap (this checkout)",
    "snowleap-baseline": "snowleap at the baseline commit",
    "onnxruntime": "ONNX Runtime function (same job)",
    "trivial": "trivial handler (the floor)",
}


def _ratio(value: float | None, base: float | None) -> str:
    if value is None or not base:
        return ""
    return f" (x{value / base:.2f})"


def rie_table(rie: dict[str, Any]) -> list[str]:
    if rie.get("status") != "ok":
        return [f"**Lambda under RIE**: not measured ({rie.get('reason', 'not run')})."]
    functions = rie["functions"]
    base = functions.get("snowleap-baseline", {})
    base_cold, base_warm = base.get("cold_ms"), base.get("warm_median_ms")
    lines = [
        "**The function under the Lambda Runtime Interface Emulator** (`make invoke-rie`'s "
        "layout: awslambdaric on Python 3.13; cold start = first invocation of a fresh "
        "environment, init "
        f"included, one {rie['events_in_session']}-event session; median of {rie['runs']} fresh "
        f"environments, round-robin; warm = the next {rie['warm_requests_per_environment']} "
        f"invocations of each; (xr) = ÷ the baseline commit {rie['baseline_commit']})",
        "",
        "| function | cold start ms | init ms (RIE) | warm median ms | warm p99 ms "
        "| import `app` ms | heaviest imports (self ms) | numpy imported | answers |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for name, label in LABELS.items():
        result = functions.get(name)
        if result is None:
            continue
        if result.get("status") not in ("ok", "error") or "cold_ms" not in result:
            lines.append(f"| {label} | not measured: {result.get('reason', '?')} | | | | | | | |")
            continue
        imports = result.get("import_breakdown", {})
        top = ", ".join(f"{k} {v:.0f}" for k, v in list(imports.get("top_ms", {}).items())[:4])
        agrees = result.get("probabilities_agree_with_snowleap")
        answer = f"HTTP {result.get('http_status')}" + (
            ", its own default bundle" if name == "snowleap-baseline"
            else "" if agrees is None else ", same probabilities" if agrees else ", DIFFERENT"
        )  # fmt: skip
        lines.append(
            f"| {label} | {result['cold_ms']:.0f}{_ratio(result['cold_ms'], base_cold)} "
            f"| {result.get('init_ms') or 0:.0f} "
            f"| {result['warm_median_ms']:.2f}{_ratio(result['warm_median_ms'], base_warm)} "
            f"| {result['warm_p99_ms']:.2f} | {imports.get('total_ms', 0):.0f} | {top} "
            f"| {'yes' if imports.get('numpy_imported') else 'no'} | {answer} |"
        )
    return lines


def lambda_lines(results: dict[str, Any]) -> list[str]:
    return [
        *rie_table(results.get("lambda_rie", {})),
        "",
        *report_lines(results.get("snowplow_parse", {})),
    ]
