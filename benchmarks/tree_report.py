"""``benchmarks/results/trees.md`` from ``trees.json`` (``benchmarks/tree_runtime.py``)."""

from __future__ import annotations

from typing import Any


def render(report: dict[str, Any]) -> str:
    info = report["machine"]
    lines = [
        "# Tree ensembles: snowleap vs MLeap's JVM runtime and ONNX Runtime (same bundles)",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_1_5_15']}; "
        f"Python {info['python']}, numpy {info['numpy']} ({info['commit']}).",
        "",
        *rows_table(report["rows_vs_jvm"]),
        "",
        *batch_table(report["batches_vs_onnx"], report["rows"]),
    ]
    if "large_forest" in report:
        lines += ["", *large_forest_table(report["large_forest"])]
    return "\n".join(lines) + "\n"


def rows_table(sections: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## One row from a dict (median of single calls)",
        "",
        "| model | snowleap µs (compiled) | snowleap µs (pure Python) | MLeap JVM µs "
        "(in-JVM RowTransformer) | snowleap speed ÷ MLeap's |",
        "|---|---:|---:|---:|---:|",
    ]
    for section in sections:
        mine = section["snowleap"]["median_us"]
        pure = section["snowleap_pure_python"]["median_us"]
        jvm = section["mleap_jvm"]
        if jvm["status"] != "ok":
            lines.append(f"| {section['title']} | {mine:.2f} | {pure:.2f} | {jvm['status']} | |")
            continue
        theirs = jvm["row"]["median_us"]
        lines.append(
            f"| {section['title']} | {mine:.2f} | {pure:.2f} | {theirs:.2f} | "
            f"x{theirs / mine:.2f} |"
        )
    return lines


def batch_table(sections: list[dict[str, Any]], rows: int) -> list[str]:
    lines = [
        f"## The forest alone on a batch of {rows:,} rows "
        "(rows/s, median of 7 rounds, every contender once a round)",
        "",
        "| forest | snowleap 1 thread | snowleap 2 threads | ONNX Runtime 1 thread | "
        "ONNX Runtime default threads | snowleap 1 thread ÷ ONNX 1 thread | "
        "snowleap 2 threads ÷ ONNX default |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for section in sections:
        one = section["snowleap_1_thread"]["rows_per_s"]
        two = section["snowleap_2_threads"]["rows_per_s"]
        onnx = section["onnxruntime"]
        title = f"{section['title']}, {section['trees']} trees"
        if onnx["status"] != "ok":
            why = onnx.get("reason", f"{onnx.get('mismatched_rows')} rows differ")
            lines.append(f"| {title} | {one:,.0f} | {two:,.0f} | {why} | | | |")
            continue
        onnx_one = onnx["1_thread"]["rows_per_s"]
        onnx_default = onnx["default_threads"]["rows_per_s"]
        lines.append(
            f"| {title} | {one:,.0f} | {two:,.0f} | {onnx_one:,.0f} | {onnx_default:,.0f} | "
            f"x{one / onnx_one:.2f} | x{two / onnx_default:.2f} |"
        )
    return lines


def large_forest_table(result: dict[str, Any]) -> list[str]:
    lines = [
        f"## The {result['nodes']:,}-node forest ({result['trees']} trees of depth "
        f"{result['depth']}): load in a fresh process",
        "",
        "| format | snowleap load s | snowleap RSS after load MiB (peak) | snowleap row µs | "
        "snowleap pure-Python load s (peak MiB) | MLeap JVM first load s (warm) | "
        "MLeap model heap MiB (JVM peak RSS) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt in ("protobuf", "json"):
        figures = result[fmt]
        mine, pure, jvm = figures["snowleap"], figures["snowleap_pure_python"], figures["mleap_jvm"]
        if jvm["status"] == "ok":
            loads = jvm["load_ms"]
            jvm_load = f"{loads[0] / 1000:.2f} ({min(loads[1:] or loads) / 1000:.2f})"
            jvm_mem = f"{jvm['model_heap_mb']:.0f} ({jvm['peak_rss_mib']:.0f})"
        else:
            jvm_load, jvm_mem = jvm["status"], ""
        lines.append(
            f"| {fmt} | {mine['load_s']:.2f} | {mine['rss_after_load_mib']:.0f} "
            f"({mine['peak_rss_mib']:.0f}) | {mine['row_us']:.1f} | {pure['load_s']:.2f} "
            f"({pure['peak_rss_mib']:.0f}) | {jvm_load} | {jvm_mem} |"
        )
    swap = result["swap"]
    lines += [
        "",
        f"Model swap (protobuf, new forest loaded while the old one serves): peak RSS "
        f"{swap['swap_peak_mib']:.0f} MiB (one model alone: {swap['one_model_peak_mib']:.0f} MiB; "
        f"after the swap {swap['after_swap_rss_mib']:.0f} MiB) against the template's default "
        f"MemorySize of {swap['template_memory_mb']} MB.",
    ]
    return lines
