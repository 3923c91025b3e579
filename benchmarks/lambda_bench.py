"""``make bench-lambda``: the function as Lambda runs it, and what the default deploy uploads.

One run (``make bench`` runs it first and reads its results back):

* the cold start under the Runtime Interface Emulator (first invocation of a fresh environment,
  init included; median of ``FULL.cold_start_runs``) and the warm request, for this checkout, the
  baseline commit, an ONNX Runtime function doing the same job and the trivial floor
  (``benchmarks/lambda_rie.py``, round-robin in the same run);
* the default deploy's size: the function package and every layer ``template.yaml`` attaches
  with its defaults, unzipped and zipped, x86_64 and arm64 (``benchmarks/deploy_size.py``);
* what the numpy-free default costs the row routes (``benchmarks/row_fallback.py``).

Writes ``benchmarks/results/lambda.{json,md}`` and the README's block between the
``lambda:start`` / ``lambda:end`` markers. ``python -m benchmarks.lambda_bench``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import deploy_size, lambda_rie, row_fallback
from benchmarks.cases.snowplow_session import SPARK_PIPELINE
from benchmarks.lambda_report import rie_table
from benchmarks.settings import FULL, REPO_ROOT, RESULTS_DIR, WORK_DIR

README = REPO_ROOT / "README.md"
START = "<!-- lambda:start (written by `make bench-lambda` from benchmarks/results/lambda.json) -->"
END = "<!-- lambda:end -->"
ONNX_MODEL = WORK_DIR / "lambda" / "session.onnx"


def _log(message: str) -> None:
    print(f"[bench-lambda {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _newest_mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def onnx_model() -> tuple[Path | None, str | None]:
    """The session model as ONNX (converted again only when the saved pipeline changed)."""
    if not SPARK_PIPELINE.is_dir():
        return None, f"{SPARK_PIPELINE.relative_to(REPO_ROOT)} missing: run make train"
    if ONNX_MODEL.is_file() and ONNX_MODEL.stat().st_mtime >= _newest_mtime(SPARK_PIPELINE):
        return ONNX_MODEL, None
    _log("converting the session model to ONNX (Spark, onnxmltools)")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.lambda_onnx", str(ONNX_MODEL)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not ONNX_MODEL.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"ONNX conversion failed: {last[-400:]}"
    return ONNX_MODEL, None


def _guarded(step: Any, *args: Any) -> dict[str, Any]:
    try:
        result: dict[str, Any] = step(*args)
        return result
    except Exception as exc:
        _log(f"{getattr(step, '__qualname__', step)} failed: {exc}")
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:600]}


def markdown(results: dict[str, Any]) -> str:
    loads = results.get("load_average", {})
    lines = [
        f"Run of {results['generated']} at commit {results.get('commit', '?')}, "
        f"{results['duration_s']:.0f} s, load average {loads.get('start', '?')} at the start and "
        f"{loads.get('end', '?')} at the end (2 shared cores).",
        "",
        *rie_table(results["lambda_rie"]),
        "",
        *deploy_size.report_lines(results["deploy_size"]),
        "",
        *row_fallback.report_lines(results.get("row_fallback", {})),
        "",
        *goal_lines(results),
    ]
    return "\n".join(lines) + "\n"


def goal_lines(results: dict[str, Any]) -> list[str]:
    """Issue 11's goals for the function under the emulator, met or not, from this run."""
    functions = results["lambda_rie"].get("functions", {})
    ours, base = functions.get("snowleap", {}), functions.get("snowleap-baseline", {})
    onnx = functions.get("onnxruntime", {})
    if "cold_ms" not in ours or "cold_ms" not in base:
        return ["Goals: not evaluated (the function or the baseline was not measured)."]

    def verdict(met: bool) -> str:
        return "met" if met else "**NOT MET**"

    cold_ratio = ours["cold_ms"] / base["cold_ms"]
    warm_ratio = ours["warm_median_ms"] / base["warm_median_ms"]
    lines = [
        "Goals (issue 11, this run):",
        "",
        f"- cold start at most x0.40 of the baseline's: {verdict(cold_ratio <= 0.4)} "
        f"({ours['cold_ms']:.0f} against {base['cold_ms']:.0f} ms, x{cold_ratio:.2f})",
    ]
    if "cold_ms" in onnx:
        lines.append(
            f"- cold start at most the ONNX Runtime function's: "
            f"{verdict(ours['cold_ms'] <= onnx['cold_ms'])} ({ours['cold_ms']:.0f} against "
            f"{onnx['cold_ms']:.0f} ms, x{ours['cold_ms'] / onnx['cold_ms']:.2f})"
        )
    lines.append(
        f"- warm request not slower than the baseline's: {verdict(warm_ratio <= 1.0)} "
        f"({ours['warm_median_ms']:.2f} against {base['warm_median_ms']:.2f} ms, "
        f"x{warm_ratio:.2f})"
    )
    size = results.get("deploy_size", {})
    for arch, figures in size.get("arches", {}).items():
        total = figures["layers_total"]
        lines.append(
            f"- {arch} layers below 40 MB unzipped and 14 MB zipped: "
            f"{verdict(figures['layers_goal_met'])} ({total['unzipped_bytes'] / 1e6:.1f} / "
            f"{total['zipped_bytes'] / 1e6:.1f} MB)"
        )
    return lines


def update_readme(block: str, readme: Path = README) -> None:
    """Put ``block`` between the markers (they are in the README's Benchmarks section)."""
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{readme.name} has no {START} ... {END} block")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n\n{block.rstrip()}\n\n{END}{after}")


def stored() -> dict[str, Any]:
    """What ``make bench-lambda`` wrote (``make bench`` runs it first)."""
    path = RESULTS_DIR / "lambda.json"
    if not path.is_file():
        return {"status": "unavailable", "reason": "run make bench-lambda"}
    result: dict[str, Any] = json.loads(path.read_text())["lambda_rie"]
    return result


def main() -> int:
    started = time.perf_counter()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
        check=False,
    ).stdout.strip()  # fmt: skip
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "load_average": {"start": f"{os.getloadavg()[0]:.1f}"},
    }
    model, why = onnx_model()
    if why:
        _log(why)
    _log("cold starts and warm requests under the emulator")
    results["lambda_rie"] = _guarded(lambda_rie.measure, FULL, model)
    if why and isinstance(results["lambda_rie"].get("functions"), dict):
        results["lambda_rie"]["functions"]["onnxruntime"] = {"status": "unavailable", "reason": why}
    _log("default deploy size")
    results["deploy_size"] = _guarded(deploy_size.measure)
    _log("row routes: numpy batch vs the row path")
    results["row_fallback"] = _guarded(row_fallback.measure)
    results["load_average"]["end"] = f"{os.getloadavg()[0]:.1f}"
    results["duration_s"] = time.perf_counter() - started
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "lambda.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    block = markdown(results)
    (RESULTS_DIR / "lambda.md").write_text("# The function under the emulator\n\n" + block)
    update_readme(block)
    print(block)
    _log(f"done in {results['duration_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
