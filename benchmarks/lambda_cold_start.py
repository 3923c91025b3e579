"""Cold-start import time of the handler from the built layer, with and without precompiled .pyc.

Usage: ``python -m benchmarks.lambda_cold_start [layers/build/layer-x86_64.zip]`` after
``make layer``. Unpacks the layer twice (as built, and with every ``__pycache__`` removed), builds
the function package with ``handler/Makefile``, and times ``import app`` plus the first request
in fresh Python 3.13 processes (``-S``, ``PYTHONDONTWRITEBYTECODE=1``: /opt is read-only on
Lambda, so sources without a .pyc are compiled again at every cold start). Prints the median of
several runs; nothing here is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0:0] = [str(ROOT / "layers"), str(ROOT / "handler")]  # scripts, not packages

from build_layer import find_python313  # noqa: E402
from lambda_runtime import runtime_folder  # noqa: E402

from demo_bundle import demo_bundle  # noqa: E402

PROBE = """
import sys, time, json
task, layer, runtime, event_file = sys.argv[1:5]
sys.path[0:0] = [task, layer]
sys.path.append(runtime)
start = time.perf_counter()
import app
imported = time.perf_counter()
class Context:
    function_name = "bench"; function_version = "1"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self): return 30000
app.lambda_handler(json.load(open(event_file)), Context())
done = time.perf_counter()
print(json.dumps({"import_ms": (imported - start) * 1e3,
                  "first_request_ms": (done - imported) * 1e3}))
"""


def measure(
    python: str, task: Path, layer: Path, runtime: Path, env: dict[str, str], runs: int
) -> dict[str, float]:
    samples: dict[str, list[float]] = {"import_ms": [], "first_request_ms": []}
    for _ in range(runs):
        completed = subprocess.run(
            [python, "-S", "-c", PROBE, str(task), str(layer), str(runtime),
             str(ROOT / "events" / "health.json")],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        for key, values in samples.items():
            values.append(result[key])
    return {key: statistics.median(values) for key, values in samples.items()}


def main(layer_zip: Path, runs: int = 7) -> None:
    python = find_python313()
    if python is None:
        raise SystemExit("needs a Python 3.13")
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        compiled, plain = base / "compiled", base / "plain"
        for target in (compiled, plain):
            with zipfile.ZipFile(layer_zip) as archive:
                archive.extractall(target)
        for cache in (plain / "python").rglob("__pycache__"):
            shutil.rmtree(cache)
        task = base / "task"
        subprocess.run(
            ["make", "-s", "-f", str(ROOT / "handler" / "Makefile"), "build-ScoreFunction",
             f"ARTIFACTS_DIR={task}"],
            check=True,
        )  # fmt: skip
        # NOTE: the function's own code is compiled once here in both cases; only the layer differs.
        subprocess.run([python, "-m", "compileall", "-q", str(task)], check=True)
        runtime = runtime_folder(base / "runtime")
        bundle = base / "bundle.zip"
        bundle.write_bytes(demo_bundle())
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "POWERTOOLS_SERVICE_NAME": "snowleap",
            "POWERTOOLS_METRICS_NAMESPACE": "snowleap",
            "MODEL_URI": str(bundle),
            "MODEL_CACHE_DIR": "",
        }
        print(f"{layer_zip.name}, Python {python}, median of {runs} cold processes")
        for label, layer in (("precompiled .pyc", compiled), ("sources only", plain)):
            result = measure(python, task, layer / "python", runtime, env, runs)
            print(f"  {label:<17} import app {result['import_ms']:7.1f} ms   first request "
                  f"(model load + health) {result['first_request_ms']:6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "layers/build/layer-x86_64.zip")
