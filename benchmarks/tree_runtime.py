"""Tree ensembles at the JVM's speed: snowleap's compiled walker beside MLeap's JVM runtime and
ONNX Runtime, on the same bundles in the same run (``make bench-runtime``).

1. One row from a dict (``transform_row``), the session model (default bundle, on the feature
   rows of ``events/sessions.json``) and MLeap's airbnb random forest (its reference frame):
   snowleap compiled and pure-Python against MLeap's ``RowTransformer`` looped inside the JVM
   (``benchmarks/jvm``'s ``MleapBench``, after a JIT warm-up), whose outputs on the frame are
   checked against snowleap's first (rel 1e-9).
2. A batch of ``--rows`` rows through each model's forest (the op alone, on the features its
   pipeline computes for the frame's rows repeated): snowleap's op ``transform`` on one thread
   and on two, against ONNX Runtime on the same trees (``onnx_trees``) single-threaded and with
   its default threads, timed in turns (median of 7 rounds, each round every contender once);
   ONNX's outputs are checked against snowleap's first (float32: 1e-4). The session model also
   runs on the varied rows of ``runtime_cases.generated_session_case`` (``events/sessions.json``
   has only 2 distinct rows, which a branch predictor learns by heart).
3. The 1M-node forest (``large_forest``): load time and memory from protobuf and JSON against
   MLeap's JVM loader, and a model swap's peak memory against the template's default memory.

Writes ``benchmarks/results/trees.json`` and ``trees.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

import snowleap
from benchmarks import large_forest
from benchmarks.contenders import mleap_jvm
from benchmarks.onnx_trees import onnx_forest
from benchmarks.runtime_bench import batch_columns, machine, time_transform_row
from benchmarks.runtime_cases import (
    RESULTS_DIR,
    ROOT,
    Case,
    default_bundle_cases,
    find_cases,
    generated_session_case,
)
from snowleap.leapframe import write_leapframe
from snowleap.ops.tree.batch import BATCH_THREADS
from snowleap.ops.tree.compiled import pure_python_trees

ONNX_TOL = 1e-4


def cases() -> list[tuple[str, Case, list[str]]]:
    """(title, case, output columns to check) for the session model and the airbnb forest."""
    found: list[tuple[str, Case, list[str]]] = []
    for case in default_bundle_cases():
        found.append(("Snowplow session model (default bundle)", case, ["probability"]))
    for case in find_cases():
        if case.name == "airbnb.model.rf":
            found.append(("MLeap's airbnb random forest (20 trees)", case, ["price_prediction"]))
    return found


def forest_op(model: snowleap.Model) -> Any:
    (op,) = [o for o in model.root.leaves() if hasattr(getattr(o, "model", None), "scorer")]
    return op


def row_section(title: str, case: Case, outputs: list[str], folder: Path) -> dict[str, Any]:
    model = snowleap.load(case.bundle)
    columns = case.columns
    row = {name: _plain(values[0]) for name, values in columns.items()}
    result: dict[str, Any] = {"title": title, "bundle": str(case.bundle.relative_to(ROOT.parent))}
    result["snowleap"] = asdict(time_transform_row(model, row))
    with pure_python_trees():
        pure = snowleap.load(case.bundle)
    result["snowleap_pure_python"] = asdict(time_transform_row(pure, row, calls=5000))
    frame = folder / f"{case.bundle.stem}.frame.json"
    names = list(model.input_schema)
    frame.write_text(json.dumps(write_leapframe(columns, names, model.input_schema)))
    scored = model.transform(dict(columns))
    mine = {name: np.asarray(scored[name]).tolist() for name in outputs}
    result["mleap_jvm"] = mleap_jvm.refereed(case.bundle, frame, mine, 1)
    return result


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def batch_section(title: str, case: Case, rows: int) -> dict[str, Any]:
    model = snowleap.load(case.bundle)
    op = forest_op(model)
    features_col = op.features_col
    frame = model.transform(batch_columns(case.columns, rows))
    features = np.ascontiguousarray(frame[features_col], dtype=np.float64)
    scorer = op.model.scorer
    result: dict[str, Any] = {"title": title, "rows": rows, "trees": scorer.layout.num_trees}

    def on_threads(count: str) -> Any:
        def run() -> None:
            with _threads(count):
                op.transform({features_col: features})

        return run

    runs = {"snowleap_1_thread": on_threads("1"), "snowleap_2_threads": on_threads("2")}
    onnx, onnx_runs = onnx_side(op, features)
    runs.update(onnx_runs)
    rates = _rates(runs, rows)
    result["snowleap_1_thread"] = rates.pop("snowleap_1_thread")
    result["snowleap_2_threads"] = rates.pop("snowleap_2_threads")
    onnx.update(rates)
    result["onnxruntime"] = onnx
    return result


@contextmanager
def _threads(count: str) -> Iterator[None]:
    """``SNOWLEAP_TREE_THREADS`` set for a block (the compiled batch's thread count)."""
    before = os.environ.get(BATCH_THREADS)
    os.environ[BATCH_THREADS] = count
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BATCH_THREADS, None)
        else:
            os.environ[BATCH_THREADS] = before


def _rates(runs: dict[str, Any], rows: int, repeats: int = 7) -> dict[str, dict[str, float]]:
    """Rows per second of each run, median of ``repeats`` rounds: each round times every run
    once, one after the other, so a shared machine's load swings fall on all of them alike."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {
        name: {
            "median_s": statistics.median(spent),
            "best_s": min(spent),
            "rows_per_s": rows / statistics.median(spent),
        }
        for name, spent in times.items()
    }


def onnx_side(op: Any, features: np.ndarray[Any, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """ONNX Runtime on the op's trees: its status (outputs checked against snowleap's) and its
    runs to time (``1_thread``, ``default_threads``; none if it is missing or wrong)."""
    try:
        import onnxruntime
    except ImportError as exc:
        return {"status": "unavailable", "reason": f"onnxruntime not installed: {exc}"}, {}
    layout = op.model.scorer.layout
    classifier = hasattr(op, "probability_col")
    model = onnx_forest(layout, "classifier" if classifier else "regressor", mean=True)
    inputs = features.astype(np.float32)
    expected_frame = op.transform({op.features_col: features})
    if classifier:
        expected = np.asarray(expected_frame[op.probability_col])[:, 1]
    else:
        expected = np.asarray(expected_frame[op.prediction_col])
    result: dict[str, Any] = {"status": "ok", "mismatched_rows": 0}
    runs: dict[str, Any] = {}
    for label, threads in (("1_thread", 1), ("default_threads", 0)):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = threads
        session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        got = session.run(None, {"X": inputs})
        values = got[1][:, 1] if classifier else got[0][:, 0]
        off = np.abs(values - expected) > ONNX_TOL * np.maximum(1.0, np.abs(expected))
        result["mismatched_rows"] = max(result["mismatched_rows"], int(off.sum()))
        runs[label] = lambda s=session: s.run(None, {"X": inputs})
    if result["mismatched_rows"]:
        result["status"] = "wrong"
        return result, {}
    return result, runs


def markdown(report: dict[str, Any]) -> str:
    from benchmarks.tree_report import render

    return render(report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per batch")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    parser.add_argument("--skip-large", action="store_true", help="no 1M-node forest")
    args = parser.parse_args(argv)
    folder = args.out / "work" / "trees"
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"machine": machine(), "rows": args.rows}
    found = cases()
    print("rows ...", file=sys.stderr)
    report["rows_vs_jvm"] = [row_section(t, c, o, folder) for t, c, o in found]
    print("batches ...", file=sys.stderr)
    report["batches_vs_onnx"] = [batch_section(t, c, args.rows) for t, c, _ in found]
    varied = generated_session_case()
    if varied is not None:
        count = len(next(iter(varied.inputs.values())))
        title = f"Snowplow session model, {count:,} varied rows (generated sessions, cut)"
        report["batches_vs_onnx"].append(batch_section(title, varied, args.rows))
    if not args.skip_large:
        print("1M-node forest ...", file=sys.stderr)
        report["large_forest"] = large_forest.measure(folder, ROOT / "template.yaml")
    (args.out / "trees.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "trees.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
