"""Cold start and warm requests of the Lambda function under the Runtime Interface Emulator.

Each function runs as Lambda runs it (``handler/rie.py``: RIE + awslambdaric on Python 3.13, the
function package in a ``/var/task``-like folder, its layer unpacked, the runtime's boto3 apart,
``PYTHONDONTWRITEBYTECODE`` because ``/var/task`` and ``/opt`` are read-only on Lambda). Four
functions, measured round-robin in one run so that the machine's load falls on all alike:

* ``snowleap``: this checkout's function and layer;
* ``snowleap-baseline``: the same function at ``BASELINE_COMMIT`` (before the cold-start work),
  its package and layer built by that commit's own Makefile and ``build_layer.py``;
* ``onnxruntime``: ``functions/onnx_app.py``, the same job scored by ONNX Runtime on the pipeline
  converted to ONNX by the Spark phase;
* ``trivial``: a handler that does nothing, the floor of the runtime itself.

A cold start is the first invocation of a fresh emulator (the runtime's init runs inside it:
interpreter start, imports, the handler's module) on one 30-event session, the model loaded on
first use; the median of ``cold_start_runs`` fresh environments. Warm requests are the following
invocations of the same event. ``import_breakdown`` is ``-X importtime`` of the handler module in
the same layout, self time summed per top-level package.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.serving import session_event
from benchmarks.settings import REPO_ROOT, Settings
from benchmarks.timing import percentile

sys.path[0:0] = [str(REPO_ROOT / "handler"), str(REPO_ROOT / "layers")]  # scripts, not packages

from build_layer import precompile  # noqa: E402

import rie  # noqa: E402

# NOTE: the commit issue 11 measured ("today"): the function before the cold-start work.
BASELINE_COMMIT = "767caee"
FUNCTIONS_DIR = Path(__file__).resolve().parent / "functions"
WARM_REQUESTS = 40
ONNX_LAYER_PACKAGES = ("numpy==2.4.6", "flatbuffers", "packaging", "protobuf")


def _run(command: list[str], **kwargs: Any) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=900, **kwargs)


def baseline_layout(commit: str = BASELINE_COMMIT) -> rie.FunctionLayout:
    """The function package and x86_64 layer of ``commit``, built by that commit's own files."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short=12", commit], cwd=REPO_ROOT, check=True,
        capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    root = rie.BUILD / f"baseline-{sha}"
    source, layer_zip = root / "source", root / "layer-x86_64.zip"
    if not layer_zip.is_file():
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha], cwd=REPO_ROOT, check=True, capture_output=True
        ).stdout
        with tempfile.TemporaryFile() as stream:
            stream.write(archive)
            stream.seek(0)
            with tarfile.open(fileobj=stream) as tar:
                tar.extractall(source, filter="data")
        _run([sys.executable, str(source / "layers" / "build_layer.py"), "--arch", "x86_64",
              "--out", str(root / "layer"), "--zip", str(layer_zip)])  # fmt: skip
    task = root / "var" / "task"
    _run(["make", "-s", "-f", str(source / "handler" / "Makefile"), "build-ScoreFunction",
          f"ARTIFACTS_DIR={task}"])  # fmt: skip
    return rie.FunctionLayout(task=task, layers=(rie.unpack_layer(layer_zip, root / "opt"),))


def onnx_layout(model: Path) -> rie.FunctionLayout:
    """``onnx_app`` with the Snowplow layer alone and the model, over a layer of ONNX Runtime."""
    root = rie.BUILD / "onnxruntime"
    version = _version("onnxruntime") or "1.32.0"
    layer = root / "opt" / "python"
    stamp = layer / f".onnxruntime-{version}"
    if not stamp.is_file():
        _run(["rm", "-rf", str(layer)])
        _run([rie.python313(), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
              "--root-user-action=ignore", "--only-binary=:all:", "--no-deps", "--target",
              str(layer), f"onnxruntime=={version}", *ONNX_LAYER_PACKAGES])  # fmt: skip
        precompile(layer, rie.python313())
        stamp.write_text(version)
    task = root / "var" / "task"
    _run(["rm", "-rf", str(task)])
    (task / "snowleap").mkdir(parents=True)
    (task / "snowleap" / "__init__.py").write_text('"""Only the Snowplow layer is shipped."""\n')
    src = REPO_ROOT / "src" / "snowleap"
    # NOTE: what snowleap.snowplow imports from the rest of the package (standard library only).
    for module in ("errors.py", "bounded_json.py"):
        (task / "snowleap" / module).write_bytes((src / module).read_bytes())
    _run(["cp", "-r", str(src / "snowplow"), str(task / "snowleap" / "snowplow")])
    _run(["cp", str(FUNCTIONS_DIR / "onnx_app.py"), str(task / "app.py")])
    _run(["cp", str(model), str(task / "model.onnx")])
    calibration = model.with_suffix(".calibration.json")
    if calibration.is_file():
        _run(["cp", str(calibration), str(task / "model.calibration.json")])
    precompile(task, rie.python313())
    return rie.FunctionLayout(task=task, layers=(layer,))


def trivial_layout() -> rie.FunctionLayout:
    task = rie.BUILD / "trivial" / "var" / "task"
    task.mkdir(parents=True, exist_ok=True)
    _run(["cp", str(FUNCTIONS_DIR / "trivial_app.py"), str(task / "app.py")])
    precompile(task, rie.python313())
    return rie.FunctionLayout(task=task, layers=())


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def import_breakdown(
    layout: rie.FunctionLayout, env: dict[str, str], runs: int = 3
) -> dict[str, Any]:
    """``-X importtime`` of ``import app`` in the layout: median self ms per top-level package."""
    per_run: list[dict[str, float]] = []
    for _ in range(runs):
        completed = subprocess.run(
            [rie.python313(), "-S", "-X", "importtime", "-c", "import app"],
            cwd=layout.task, capture_output=True, text=True, timeout=120, check=False,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": layout.python_path,
                 "PYTHONDONTWRITEBYTECODE": "1", **rie.FUNCTION_ENV, **env},
        )  # fmt: skip
        totals: dict[str, float] = defaultdict(float)
        for line in completed.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line.removeprefix("import time:").split("|")
            totals[name.strip().split(".")[0]] += int(self_us) / 1e3
        per_run.append(totals)
    names = {name for totals in per_run for name in totals}
    medians = {name: statistics.median(t.get(name, 0.0) for t in per_run) for name in names}
    top = dict(sorted(medians.items(), key=lambda item: -item[1])[:8])
    return {"total_ms": statistics.median(sum(t.values()) for t in per_run), "top_ms": top,
            "numpy_imported": "numpy" in names}  # fmt: skip


def _probabilities(response: Any) -> list[float] | None:
    try:
        body = json.loads(response["body"])
        return [s["probability"] for s in body["sessions"]]
    except (KeyError, TypeError, ValueError):
        return None


def measure(settings: Settings, onnx_model: Path | None) -> dict[str, Any]:
    """Every function's cold starts (round-robin over fresh environments) and warm requests."""
    event = session_event()
    env = {"SESSION_SALT": "bench", "MODEL_CACHE_DIR": ""}
    builders: dict[str, Callable[[], rie.FunctionLayout]] = {
        "snowleap": lambda: rie.score_function(rie.BUILD / "bench"),
        "snowleap-baseline": baseline_layout,
        "trivial": trivial_layout,
    }
    if onnx_model is not None:
        builders["onnxruntime"] = lambda: onnx_layout(onnx_model)
    layouts: dict[str, rie.FunctionLayout] = {}
    results: dict[str, Any] = {}
    for name, build in builders.items():
        try:
            layouts[name] = build()
        except (subprocess.CalledProcessError, OSError, SystemExit) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            results[name] = {"status": "unavailable", "reason": f"{exc} {detail[-400:]!r}"[:600]}
    if onnx_model is None:
        results["onnxruntime"] = {"status": "unavailable", "reason": "no ONNX model (Spark phase)"}
    cold: dict[str, list[float]] = defaultdict(list)
    init: dict[str, list[float]] = defaultdict(list)
    warm: dict[str, list[float]] = defaultdict(list)
    answers: dict[str, Any] = {}
    # NOTE: one untimed environment each first, so every function starts from a warm disk cache.
    for run in range(settings.cold_start_runs + 1):
        for name, layout in list(layouts.items()):
            with rie.Emulator(layout, env=env) as emulator:
                try:
                    first = emulator.invoke(event)
                    warm_count = WARM_REQUESTS if run else 0
                    requests = [emulator.invoke(event) for _ in range(warm_count)]
                except OSError as exc:
                    # NOTE: one function failing (a 502 from the emulator) is reported, not fatal.
                    log = emulator.log().strip().splitlines()
                    errors = [line for line in log if "ERROR" in line][:1] or log[-1:]
                    results[name] = {"status": "unavailable", "reason": f"{exc}: {errors}"[:600]}
                    del layouts[name]
                    continue
                init_ms = emulator.init_ms()
            answers[name] = first.response
            if run == 0:
                continue
            cold[name].append(first.wall_ms)
            if init_ms is not None:
                init[name].append(init_ms)
            warm[name].extend(r.wall_ms for r in requests)
    reference = _probabilities(answers.get("snowleap"))
    for name, layout in layouts.items():
        status = answers[name].get("statusCode") if isinstance(answers[name], dict) else None
        probabilities = _probabilities(answers[name])
        # NOTE: the baseline serves its own default bundle (the model was retrained since), so
        # its probabilities are not compared.
        agrees = (
            None if name in ("trivial", "snowleap-baseline") or reference is None
            or probabilities is None
            else len(reference) == len(probabilities)
            and all(abs(a - b) <= 1e-4 for a, b in zip(reference, probabilities, strict=True))
        )  # fmt: skip
        results[name] = {
            "status": "ok" if status == 200 else "error",
            "http_status": status,
            "probabilities_agree_with_snowleap": agrees,
            "cold_ms": statistics.median(cold[name]),
            "cold_all_ms": cold[name],
            "init_ms": statistics.median(init[name]) if init[name] else None,
            "warm_median_ms": statistics.median(warm[name]),
            "warm_p99_ms": percentile(warm[name], 0.99),
            "import_breakdown": import_breakdown(layout, env),
        }
    return {
        "status": "ok",
        "baseline_commit": BASELINE_COMMIT,
        "runs": settings.cold_start_runs,
        "warm_requests_per_environment": WARM_REQUESTS,
        "events_in_session": len(json.loads(event["body"])["data"]),
        "functions": results,
    }


def main() -> None:
    from benchmarks.settings import FULL

    model = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    print(json.dumps(measure(FULL, model), indent=2))


if __name__ == "__main__":
    main()
