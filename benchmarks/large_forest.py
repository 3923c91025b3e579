"""The 1M-node forest: 500 full trees of depth 10 (1,023,500 nodes), the size real forests reach.

Generated (seeded) and written by snowleap's writer as JSON and protobuf bundles of a
``random_forest_classifier`` (two classes, continuous splits over ``FEATURES`` features), never
committed. Measured in fresh processes, one per figure:

* snowleap: ``snowleap.load`` time, RSS after the load and the process's peak RSS (``VmHWM``),
  and a row's latency; with the compiled walker and, for the load, the pure-Python path too;
* MLeap's JVM runtime (``benchmarks/jvm``'s ``MleapLoad``): the first load in a fresh JVM, the
  best of the warm reloads, the heap the loaded model holds (after GC) and the JVM's peak RSS;
* a model swap (``SWAP_CHILD``): what the function's cache does when a new version of the model
  arrives: the new model is loaded while the old one still serves, then the old one is dropped;
  the peak RSS of that process against the template's default ``MemorySize``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.contenders import mleap_jvm
from benchmarks.processes import run_measured
from snowleap.bundle.definitions import TreeNodeDef
from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.bundle.writer import write_bundle
from snowleap.ops.tree.storing import CLASSIFICATION_TREE, decision_tree_model, ensemble_model

TREES = 500
DEPTH = 10
FEATURES = 50
NODES = TREES * (2 ** (DEPTH + 1) - 1)
OUTPUTS = (("raw_prediction", "raw"), ("probability", "probability"), ("prediction", "prediction"))

LOAD_CHILD = """
import json, sys, time
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
start = time.perf_counter()
import snowleap
from snowleap.ops.tree.compiled import compiled_walker
imported = time.perf_counter()
base = status("VmRSS:")
model = snowleap.load(sys.argv[1])
loaded = time.perf_counter()
row = {"features": [float(i % 7) for i in range(int(sys.argv[2]))]}
times = []
for _ in range(50):
    t = time.perf_counter(); model.transform_row(row); times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({"import_s": imported - start, "load_s": loaded - imported,
                  "rss_before_load_mib": base, "rss_after_load_mib": status("VmRSS:"),
                  "peak_rss_mib": status("VmHWM:"), "row_us": times[len(times) // 2] * 1e6,
                  "compiled": compiled_walker() is not None}))
"""

SWAP_CHILD = """
import gc, json, sys
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
import snowleap
serving = snowleap.load(sys.argv[1])
alone = status("VmHWM:")
# NOTE: as the cache refreshes: the new version loads while the old one still serves.
incoming = snowleap.load(sys.argv[2])
serving, incoming = incoming, None
gc.collect()
print(json.dumps({"one_model_peak_mib": alone, "swap_peak_mib": status("VmHWM:"),
                  "after_swap_rss_mib": status("VmRSS:")}))
"""


def full_tree(rng: random.Random) -> list[TreeNodeDef]:
    """A full tree of depth ``DEPTH`` in pre-order: continuous splits, leaves of class counts."""
    nodes: list[TreeNodeDef] = []
    pending = [DEPTH]
    while pending:
        levels = pending.pop()
        if levels == 0:
            counts = (float(rng.randrange(0, 50)), float(rng.randrange(0, 50)))
            nodes.append(TreeNodeDef("leaf", values=counts))
            continue
        nodes.append(
            TreeNodeDef(
                "continuous",
                feature_index=rng.randrange(FEATURES),
                threshold=round(rng.uniform(0.0, 6.0), 3),
            )
        )
        pending += [levels - 1, levels - 1]
    return nodes


def forest_node(seed: int) -> StoredNode:
    rng = random.Random(seed)
    trees = [
        decision_tree_model(CLASSIFICATION_TREE, full_tree(rng), FEATURES, 2) for _ in range(TREES)
    ]
    model = ensemble_model(
        "random_forest_classifier", trees, [1.0] * TREES, FEATURES, 2, thresholds=None
    )
    return predictor_node("forest", "features", OUTPUTS, model)


def write_forests(folder: Path) -> dict[str, Path]:
    """The forest of seed 1 as JSON and protobuf, and a second forest (seed 2) for the swap."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": folder / "forest-json.zip",
        "protobuf": folder / "forest-protobuf.zip",
        "next_protobuf": folder / "forest-next-protobuf.zip",
    }
    marker = folder / f"forest-{TREES}x{DEPTH}.done"
    if not marker.is_file():
        first = forest_node(1)
        write_bundle(first, paths["json"], "json")
        write_bundle(first, paths["protobuf"], "protobuf")
        write_bundle(forest_node(2), paths["next_protobuf"], "protobuf")
        marker.write_text("written by benchmarks/large_forest.py\n")
    return paths


def snowleap_load(bundle: Path, pure_python: bool = False) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("SNOWLEAP_PURE_PYTHON_TREES", None)
    if pure_python:
        env["SNOWLEAP_PURE_PYTHON_TREES"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", LOAD_CHILD, str(bundle), str(FEATURES)],
        capture_output=True, text=True, timeout=900, env=env, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def mleap_load(bundle: Path, loads: int = 3) -> dict[str, Any]:
    reason = mleap_jvm.available()
    if reason is not None:
        return {"status": "unavailable", "reason": reason}
    command = ["java", "-cp", mleap_jvm.classpath(), "dev.snowleap.bench.MleapLoad"]
    run = run_measured([*command, str(bundle), str(loads)], timeout=900)
    if run.returncode != 0:
        tail = " | ".join(run.stderr.strip().splitlines()[-6:])
        return {"status": "unavailable", "reason": f"MleapLoad failed: {tail}"[:800]}
    report: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    report.update({"status": "ok", "peak_rss_mib": run.peak_rss_mib})
    return report


def model_swap(serving: Path, incoming: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SWAP_CHILD, str(serving), str(incoming)],
        capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def template_memory_mb(template: Path) -> int:
    """The template's default ``MemorySize`` parameter."""
    lines = template.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "MemorySize:")
    for line in lines[start + 1 : start + 6]:
        if line.strip().startswith("Default:"):
            return int(line.split(":", 1)[1])
    raise ValueError("template.yaml: MemorySize has no Default")


def measure(folder: Path, template: Path) -> dict[str, Any]:
    paths = write_forests(folder)
    result: dict[str, Any] = {"trees": TREES, "depth": DEPTH, "nodes": NODES}
    for fmt in ("protobuf", "json"):
        result[fmt] = {
            "snowleap": snowleap_load(paths[fmt]),
            "snowleap_pure_python": snowleap_load(paths[fmt], pure_python=True),
            "mleap_jvm": mleap_load(paths[fmt]),
        }
    result["swap"] = model_swap(paths["protobuf"], paths["next_protobuf"])
    result["swap"]["template_memory_mb"] = template_memory_mb(template)
    return result
