"""What the numpy house rule saves: import + load + first row in a fresh process, with and
without numpy, measured in the same run.

``python -m benchmarks.numpy_rule [--runs N]`` alternates two kinds of fresh Python process per
bundle: ``rule`` does ``import snowleap``, ``snowleap.load``, ``transform_row`` as shipped
(numpy is never imported); ``numpy`` imports numpy first, as every load did before the rule.
Each child times itself from before its first import to after the row (interpreter start-up is
in the wall time only). Medians and their ratio go to ``benchmarks/results/numpy_rule.json`` and
``numpy_rule.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from typing import Any

from benchmarks.processes import run_measured
from benchmarks.settings import REPO_ROOT, RESULTS_DIR

CASES = {
    "room_type_logistic": (
        REPO_ROOT / "tests/fixtures/room_type_logistic/bundle-json.zip",
        REPO_ROOT / "tests/fixtures/room_type_logistic/expected.json",
    ),
    "airbnb.model.lr": (
        REPO_ROOT.parent / "shared/mleap-reference/airbnb.model.lr.zip",
        REPO_ROOT.parent / "shared/mleap-reference/airbnb.model.lr.expected.json",
    ),
}

CHILD = """
import time
started = time.perf_counter()
import json, sys
if sys.argv[1] == "numpy":
    import numpy
import snowleap
model = snowleap.load(sys.argv[2])
assert model.transform_row(json.loads(sys.argv[3])) is not None
done = time.perf_counter()
print(json.dumps({"ms": (done - started) * 1000, "numpy": "numpy" in sys.modules}))
"""


def first_row(expected: Any) -> dict[str, Any]:
    """The first input row of a reference file: ``inputs`` columns or a LeapFrame ``frame``."""
    if "inputs" in expected:
        return {name: values[0] for name, values in expected["inputs"].items()}
    frame = expected["frame"]
    names = [field["name"] for field in frame["schema"]["fields"]]
    return dict(zip(names, frame["rows"][0], strict=True))


def measure(runs: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    cases: dict[str, Any] = {}
    for name, (bundle, expected_file) in CASES.items():
        row = json.dumps(first_row(json.loads(expected_file.read_text())))
        times: dict[str, list[float]] = {"rule": [], "numpy": []}
        walls: dict[str, list[float]] = {"rule": [], "numpy": []}
        for _ in range(runs + 1):  # NOTE: the first pair warms the file cache; not counted
            for variant in ("rule", "numpy"):
                done = run_measured(
                    [sys.executable, "-c", CHILD, variant, str(bundle), row], env=env
                )
                if done.returncode != 0:
                    raise RuntimeError(f"{name} {variant}: {done.stderr.strip()}")
                result = json.loads(done.stdout)
                if result["numpy"] != (variant == "numpy"):
                    raise RuntimeError(f"{name} {variant}: numpy imported = {result['numpy']}")
                times[variant].append(result["ms"])
                walls[variant].append(done.wall_s * 1000)
        median = {v: statistics.median(times[v][1:]) for v in times}
        wall = {v: statistics.median(walls[v][1:]) for v in walls}
        cases[name] = {
            "import_load_row_ms": median,
            "process_wall_ms": wall,
            "ratio_numpy_over_rule": median["numpy"] / median["rule"],
            "wall_ratio_numpy_over_rule": wall["numpy"] / wall["rule"],
        }
    return {
        "runs": runs,
        "python": platform.python_version(),
        "load": os.getloadavg(),
        "cases": cases,
    }


def report(results: dict[str, Any]) -> str:
    lines = [
        "# numpy house rule: import + load + first row in a fresh process",
        "",
        f"{results['runs']} runs per variant, alternating, after one warm-up pair; Python "
        f"{results['python']}, load {', '.join(f'{x:.1f}' for x in results['load'])}. "
        "`rule`: as shipped (no numpy); `numpy`: numpy imported first, as before the rule. "
        "(xr) = figure / the rule's.",
        "",
        "| bundle | import+load+row ms, rule | with numpy | process wall ms, rule | with numpy |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, case in results["cases"].items():
        inner, wall = case["import_load_row_ms"], case["process_wall_ms"]
        lines.append(
            f"| {name} | {inner['rule']:.1f} | {inner['numpy']:.1f} "
            f"(x{case['ratio_numpy_over_rule']:.2f}) | {wall['rule']:.1f} | {wall['numpy']:.1f} "
            f"(x{case['wall_ratio_numpy_over_rule']:.2f}) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    results = measure(args.runs)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "numpy_rule.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS_DIR / "numpy_rule.md").write_text(report(results))
    print(report(results))


if __name__ == "__main__":
    main()
