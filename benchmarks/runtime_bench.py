"""Timing snowleap's runtime: ``transform_row`` latency and ``transform`` throughput per bundle.

Run ``make bench`` (or ``python -m benchmarks.runtime_bench``). It times every reference bundle in
``../shared/mleap-reference`` and every bundle under ``tests/fixtures/`` that has an input frame,
and writes ``benchmarks/results/runtime.json`` and ``runtime.md``.

The functions are meant for reuse by other benchmarks (ONNX, PySpark, the MLeap JVM):
``time_transform_row`` and ``time_transform`` take a loaded model and return numbers;
``runtime_cases.find_cases`` lists the bundles with the frame each is scored on.

Method: ``time.perf_counter_ns`` around each single ``transform_row`` call (after a warm-up), so
the median and the 99th percentile are of individual calls, clock overhead included (it is
measured and reported, about 0.05 µs); the garbage collector stays on, as it is when serving.
``transform`` is timed on a batch of ``--rows`` rows (the frame's rows repeated) given as numpy
columns, several times, and the median gives rows per second.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

import snowleap
from benchmarks.runtime_cases import (
    RESULTS_DIR,
    ROOT,
    Case,
    Columns,
    default_bundle_cases,
    find_cases,
)

# Targets from the issue, for an airbnb-style row (indexers, encoders, assembler, scaler, forest).
ROW_TARGET_US = 10.0
BATCH_TARGET_ROWS_PER_S = 1_000_000


@dataclass(frozen=True)
class RowTiming:
    """Latency of single ``transform_row`` calls, in microseconds."""

    calls: int
    median_us: float
    p99_us: float
    mean_us: float
    min_us: float
    clock_overhead_us: float


@dataclass(frozen=True)
class BatchTiming:
    """Throughput of ``transform`` on one batch."""

    rows: int
    repeats: int
    median_s: float
    best_s: float
    rows_per_s: float


def clock_overhead_ns(samples: int = 10_000) -> float:
    """Median cost of one ``perf_counter_ns`` pair, the floor under every row timing."""
    clock = time.perf_counter_ns
    costs = []
    for _ in range(samples):
        start = clock()
        costs.append(clock() - start)
    return float(statistics.median(costs))


def time_transform_row(
    model: snowleap.Model, row: Mapping[str, Any], *, warmup: int = 2_000, calls: int = 20_000
) -> RowTiming:
    """Time ``calls`` single calls of ``model.transform_row(row)`` after ``warmup`` calls.

    Example
    -------
    >>> timing = time_transform_row(model, {"x": [1.0, 2.0]})   # doctest: +SKIP
    >>> timing.median_us                                        # doctest: +SKIP
    3.1
    """
    transform_row = model.transform_row
    for _ in range(warmup):
        transform_row(row)
    clock = time.perf_counter_ns
    samples = [0] * calls
    for i in range(calls):
        start = clock()
        transform_row(row)
        samples[i] = clock() - start
    in_us = np.asarray(samples, dtype=np.float64) / 1_000.0
    return RowTiming(
        calls=calls,
        median_us=float(np.median(in_us)),
        p99_us=float(np.percentile(in_us, 99)),
        mean_us=float(in_us.mean()),
        min_us=float(in_us.min()),
        clock_overhead_us=clock_overhead_ns() / 1_000.0,
    )


def time_transform(
    model: snowleap.Model, columns: Mapping[str, Any], *, repeats: int = 5
) -> BatchTiming:
    """Time ``model.transform(columns)`` ``repeats`` times (after one warm-up run)."""
    rows = len(next(iter(columns.values())))
    model.transform(dict(columns))
    durations = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        model.transform(dict(columns))
        durations.append((time.perf_counter_ns() - start) / 1e9)
    median = statistics.median(durations)
    return BatchTiming(
        rows=rows,
        repeats=repeats,
        median_s=median,
        best_s=min(durations),
        rows_per_s=rows / median,
    )


def frame_rows(columns: Columns) -> list[dict[str, Any]]:
    """The rows of input columns as ``transform_row`` takes them (vectors as lists)."""
    length = len(next(iter(columns.values()))) if columns else 0
    return [{name: _plain(column[i]) for name, column in columns.items()} for i in range(length)]


def batch_columns(columns: Columns, rows: int) -> dict[str, np.ndarray[Any, Any]]:
    """The columns' rows repeated to ``rows`` rows, as numpy columns (strings as objects)."""
    batch: dict[str, np.ndarray[Any, Any]] = {}
    for name, column in columns.items():
        array = column if isinstance(column, np.ndarray) else _array(list(column))
        reps = -(-rows // len(array))
        tiled = np.tile(array, (reps, 1) if array.ndim == 2 else reps)
        batch[name] = tiled[:rows]
    return batch


def _array(values: list[Any]) -> np.ndarray[Any, Any]:
    if any(isinstance(v, str) for v in values):
        return np.array(values, dtype=object)
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def bench_case(case: Case, *, rows: int, row_calls: int, repeats: int) -> dict[str, Any]:
    """Load one bundle and time both paths; a bundle that cannot load is reported, not fatal."""
    result: dict[str, Any] = {
        "name": case.name,
        "bundle": _relative(case.bundle),
        "inputs": _relative(case.source),
    }
    try:
        start = time.perf_counter()
        model = snowleap.load(case.bundle)
        result["load_ms"] = (time.perf_counter() - start) * 1_000
    except snowleap.BundleError as exc:
        result["skipped"] = str(exc)
        return result
    result["ops"] = model.ops
    row = frame_rows(case.columns)[0]
    try:
        result["transform_row"] = asdict(time_transform_row(model, row, calls=row_calls))
        result["transform"] = asdict(
            time_transform(model, batch_columns(case.columns, rows), repeats=repeats)
        )
    except snowleap.InputError as exc:
        # NOTE: a borrowed frame can hold values the bundle refuses (an unseen label under
        # handle_invalid 'error'): report it like a bundle that cannot load.
        result.pop("transform_row", None)
        result["skipped"] = f"cannot score its frame ({case.source.name}): {exc}"
    return result


def profile_row_path(case: Case, calls: int = 20_000, top: int = 25) -> str:
    """cProfile of ``calls`` ``transform_row`` calls on the case's first row, as text."""
    model = snowleap.load(case.bundle)
    row = frame_rows(case.columns)[0]
    for _ in range(1_000):
        model.transform_row(row)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        model.transform_row(row)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def machine() -> dict[str, Any]:
    """CPU, cores, load and versions: timings mean little without them."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "snowleap": snowleap.__version__,
        "commit": _git_commit(),
    }


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def _relative(path: Path) -> str:
    try:
        return os.path.relpath(path, ROOT)
    except ValueError:
        return str(path)


def markdown(report: Mapping[str, Any]) -> str:
    """The report as a Markdown table, with the machine and the targets."""
    info = report["machine"]
    settings = report["settings"]
    lines = [
        "# snowleap runtime benchmark",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_1_5_15']}; "
        f"Python {info['python']}, numpy {info['numpy']}, snowleap {info['snowleap']} "
        f"({info['commit']}).",
        f"transform_row: {settings['row_calls']} single calls after a warm-up (from a dict of "
        f"plain Python values); transform: {settings['rows']} rows as numpy columns, median "
        f"of {settings['repeats']} runs (and the best run: on a shared machine the median moves "
        "with the load).",
        f"Targets: airbnb-style row under {ROW_TARGET_US:g} µs; batch over "
        f"{BATCH_TARGET_ROWS_PER_S:,} rows/s.",
        "",
        "| bundle | ops | row median µs | row p99 µs | batch rows/s | best batch rows/s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for case in report["bundles"]:
        if "skipped" in case:
            lines.append(f"| {case['name']} | not loadable: {case['skipped']} | | | | |")
            continue
        row, batch = case["transform_row"], case["transform"]
        lines.append(
            f"| {case['name']} | {len(case['ops'])}: {', '.join(case['ops'])} | "
            f"{row['median_us']:.2f} | {row['p99_us']:.2f} | {batch['rows_per_s']:,.0f} | "
            f"{batch['rows'] / batch['best_s']:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per transform batch")
    parser.add_argument("--row-calls", type=int, default=20_000, help="timed transform_row calls")
    parser.add_argument("--repeats", type=int, default=5, help="timed transform runs")
    parser.add_argument("--only", help="time only the bundles whose name contains this")
    parser.add_argument("--profile", metavar="NAME", help="print a cProfile of NAME's row path")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    args = parser.parse_args(argv)

    cases = [
        c
        for c in [*find_cases(), *default_bundle_cases()]
        if args.only is None or args.only in c.name
    ]
    if args.profile is not None:
        matching = [c for c in cases if args.profile in c.name]
        if not matching:
            parser.error(f"no bundle named like {args.profile!r}")
        print(profile_row_path(matching[0]))
        return 0

    results = []
    for case in cases:
        print(f"timing {case.name} ...", file=sys.stderr)
        results.append(
            bench_case(case, rows=args.rows, row_calls=args.row_calls, repeats=args.repeats)
        )
    report = {
        "machine": machine(),
        "settings": {"rows": args.rows, "row_calls": args.row_calls, "repeats": args.repeats},
        "bundles": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "runtime.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "runtime.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
