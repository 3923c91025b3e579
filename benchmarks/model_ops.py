"""KMeans, Gaussian mixture, MLP and ALS: snowleap's runtime beside MLeap's JVM runtime, same
bundles.

Each model is built from seeded parameters (no Spark: the bundles are what snowleap's writer
writes for such a fitted stage, and what MLeap's runtime loads), written once as a bundle (JSON;
the ALS model of 100,000 users, 5,000 items and rank 10 as protobuf, its rows known pairs and,
one in 20, an unknown user: a cold start), and scored by both runtimes on the same rows:
``BENCH_ROWS`` distinct rows, checked value by value (MLeap's outputs against snowleap's, rel
1e-9) before any timing is used. Timed: one row (snowleap ``transform_row`` from a dict of
Python values; MLeap a ``RowTransformer`` inside the JVM, after a JIT warm-up) and a batch of
``--rows`` rows (snowleap ``transform`` on numpy columns; MLeap ``Transformer.transform`` on a
LeapFrame). snowleap's bundle load time and the container objects a load keeps are recorded
too. Results: ``benchmarks/results/model_ops.{json,md}``; run by ``make bench-runtime``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np

import snowleap
from benchmarks.contenders import mleap_jvm
from benchmarks.runtime_bench import machine, time_transform, time_transform_row
from benchmarks.runtime_cases import RESULTS_DIR
from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.bundle.writer import write_bundle
from snowleap.leapframe import write_leapframe
from snowleap.ops.classification import multi_layer_perceptron_classifier as mlp_op
from snowleap.ops.clustering import gaussian_mixture as gaussian_mixture_op
from snowleap.ops.clustering import k_means as k_means_op
from snowleap.ops.recommendation import als as als_op

BENCH_ROWS = 1000
FEATURES = 10
ALS_USERS, ALS_ITEMS, ALS_RANK = 100_000, 5_000, 10

Columns = dict[str, np.ndarray[Any, Any]]


@dataclass(frozen=True)
class ModelCase:
    name: str
    title: str
    model: Callable[[np.random.Generator], StoredModel]
    outputs: tuple[tuple[str, str], ...]
    #: the node around the model (default: ``features`` in, ``outputs`` out)
    node: Callable[[ModelCase, np.random.Generator], StoredNode] | None = None
    #: ``BENCH_ROWS`` input rows (default: ``features`` vectors)
    rows: Callable[[np.random.Generator], Columns] | None = None
    fmt: Literal["json", "protobuf"] = "json"

    def stored_node(self, rng: np.random.Generator) -> StoredNode:
        if self.node is not None:
            return self.node(self, rng)
        return predictor_node(self.name, "features", list(self.outputs), self.model(rng))

    def input_rows(self, rng: np.random.Generator) -> Columns:
        if self.rows is not None:
            return self.rows(rng)
        return {"features": rng.normal(0.0, 3.0, size=(BENCH_ROWS, FEATURES))}


def _k_means(rng: np.random.Generator) -> StoredModel:
    centers = rng.normal(0.0, 3.0, size=(8, FEATURES)).tolist()
    return k_means_op.stored_model(centers, FEATURES)


def _gaussian_mixture(rng: np.random.Generator) -> StoredModel:
    means, covariances = [], []
    for _ in range(4):
        means.append(rng.normal(0.0, 2.0, size=FEATURES).tolist())
        spread = rng.normal(0.0, 0.5, size=(FEATURES, FEATURES))
        covariances.append((spread @ spread.T + np.eye(FEATURES)).tolist())
    weights = rng.dirichlet(np.ones(4)).tolist()
    return gaussian_mixture_op.stored_model(means, covariances, weights)


def _mlp(rng: np.random.Generator) -> StoredModel:
    sizes = [FEATURES, 16, 8, 3]
    count = sum(a * b + b for a, b in pairwise(sizes))
    return mlp_op.stored_model(sizes, rng.normal(0.0, 0.4, size=count).tolist(), None)


def _als_node(case: ModelCase, rng: np.random.Generator) -> StoredNode:
    """100,000 users and 5,000 items, ids shuffled (Spark saves its tables unsorted)."""

    def table(count: int) -> tuple[list[int], list[list[float]]]:
        ids = rng.permutation(count).tolist()
        return ids, rng.normal(0.0, 0.5, size=(count, ALS_RANK)).astype(np.float32).tolist()

    columns = ("user", "item", "prediction")
    return als_op.stored(case.name, columns, ALS_RANK, table(ALS_USERS), table(ALS_ITEMS))


def _als_rows(rng: np.random.Generator) -> Columns:
    users = rng.integers(0, ALS_USERS, size=BENCH_ROWS)
    users[rng.random(BENCH_ROWS) < 0.05] += ALS_USERS  # a cold start: no factors
    users[0] %= ALS_USERS  # the timed single row is a known pair
    return {"user": users, "item": rng.integers(0, ALS_ITEMS, size=BENCH_ROWS)}


CASES = (
    ModelCase("k_means", "KMeans (8 clusters)", _k_means, (("prediction", "cluster"),)),
    ModelCase(
        "gaussian_mixture",
        "GaussianMixture (4 Gaussians, full covariances)",
        _gaussian_mixture,
        (("prediction", "cluster"), ("probability", "probability")),
    ),
    ModelCase(
        "multi_layer_perceptron_classifier",
        "MultilayerPerceptron (10-16-8-3)",
        _mlp,
        (("raw_prediction", "raw"), ("probability", "probability"), ("prediction", "prediction")),
    ),
    ModelCase(
        "als",
        f"ALS ({ALS_USERS:,} users, {ALS_ITEMS:,} items, rank {ALS_RANK})",
        lambda rng: StoredModel("als", {}),
        (("prediction", "prediction"),),
        node=_als_node,
        rows=_als_rows,
        fmt="protobuf",
    ),
)


def bench(case: ModelCase, folder: Path, rows: int) -> dict[str, Any]:
    rng = np.random.default_rng(20261202)
    bundle = write_bundle(case.stored_node(rng), folder / f"{case.name}.zip", case.fmt)
    inputs = case.input_rows(rng)
    frame = folder / f"{case.name}.frame.json"
    frame.write_text(json.dumps(write_leapframe(inputs, list(inputs))))

    gc.collect()
    objects_before = len(gc.get_objects())
    started = time.perf_counter()
    model = snowleap.load(bundle)
    load_ms = (time.perf_counter() - started) * 1000
    gc.collect()
    outputs = [column for _, column in case.outputs]
    scored = model.transform(dict(inputs))
    mine = {name: np.asarray(scored[name]).tolist() for name in outputs}
    batch = {name: np.resize(column, (rows, *column.shape[1:])) for name, column in inputs.items()}
    first_row = {name: column[0].tolist() for name, column in inputs.items()}
    result: dict[str, Any] = {
        "name": case.name,
        "title": case.title,
        "snowleap": {
            "load_ms": load_ms,
            "objects_kept_by_load": len(gc.get_objects()) - objects_before,
            "row": asdict(time_transform_row(model, first_row)),
            "batch": asdict(time_transform(model, batch, repeats=3)),
        },
    }
    result["mleap_jvm"] = mleap_jvm.refereed(bundle, frame, mine, rows)
    return result


def markdown(report: dict[str, Any]) -> str:
    info = report["machine"]
    lines = [
        "# Clustering, MLP and ALS: snowleap vs MLeap's JVM runtime (same bundles)",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, load {info['load_average_1_5_15']}; "
        f"Python {info['python']}, numpy {info['numpy']} ({info['commit']}).",
        f"Outputs checked row by row on {BENCH_ROWS} rows first (MLeap = snowleap, rel 1e-9). "
        f"Row: median of single calls (MLeap after a JIT warm-up). Batch: {report['rows']:,} "
        "rows, median of 3 runs (MLeap: repeats within 1 s, at least 3).",
        "",
        "| model | snowleap row µs | MLeap JVM row µs | row ratio (MLeap / snowleap) | "
        "snowleap batch rows/s | MLeap JVM batch rows/s | batch ratio (snowleap / MLeap) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case in report["models"]:
        mine = case["snowleap"]
        row_us, batch_rate = mine["row"]["median_us"], mine["batch"]["rows_per_s"]
        jvm = case["mleap_jvm"]
        if jvm["status"] != "ok":
            why = jvm.get("reason", jvm["status"])
            lines.append(f"| {case['title']} | {row_us:.2f} | {why} | | {batch_rate:,.0f} | | |")
            continue
        jvm_row = jvm["row"]["median_us"]
        jvm_batch = next(b["rows_per_s"] for b in jvm["batches"] if b["size"] == report["rows"])
        lines.append(
            f"| {case['title']} | {row_us:.2f} | {jvm_row:.2f} | {jvm_row / row_us:.2f} | "
            f"{batch_rate:,.0f} | {jvm_batch:,.0f} | {batch_rate / jvm_batch:.2f} |"
        )
    lines.append("")
    for case in report["models"]:
        mine, jvm = case["snowleap"], case["mleap_jvm"]
        theirs = f" (MLeap's JVM runtime: {jvm['load_ms']:,.0f} ms)" if "load_ms" in jvm else ""
        lines.append(
            f"- {case['title']}: snowleap loads the bundle in {mine['load_ms']:,.0f} ms{theirs} "
            f"and keeps {mine['objects_kept_by_load']:,} container objects (lists, dicts...)."
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows per batch")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    args = parser.parse_args(argv)
    folder = args.out / "work" / "model_ops"
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    for case in CASES:
        print(f"timing {case.name} ...", file=sys.stderr)
        results.append(bench(case, folder, args.rows))
    report = {"machine": machine(), "rows": args.rows, "models": results}
    (args.out / "model_ops.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "model_ops.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
