"""The function as Lambda runs it, under the AWS Lambda Runtime Interface Emulator: no Docker.

``python handler/rie.py invoke events/score.json`` is ``sam local invoke`` without a container;
``python handler/rie.py serve --port 3000`` is ``sam local start-api``: HTTP on 127.0.0.1, each
request an API Gateway event sent through the emulator. ``make invoke-rie`` / ``make serve-rie``
install the emulator (Go) and the runtime's packages (pip) first, and build what is run:

* ``var/task``: the function package as ``sam build`` makes it (``handler/Makefile``);
* ``opt/python``: the x86_64 layers from ``make layer``, unzipped (dependencies; numpy with
  ``NUMPY_LAYER=true``; the X-Ray SDK with ``TRACE_SUBSEGMENTS=true``, as the template does);
* ``var/runtime``: ``awslambdaric`` (and ``snapshot_restore_py``), ``var/sdk``: boto3 and botocore,
  as the python3.13 runtime keeps them (``layers/lambda_runtime.py``).

The runtime process is ``python3.13 -S -m awslambdaric app.lambda_handler`` in ``var/task``, with
that ``sys.path`` order; ``-S`` keeps this machine's site-packages out, as Lambda's image has none
of them. Like Lambda, the emulator starts the runtime (its init) on the first invocation.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"
RIE = TOOLS / "aws-lambda-rie"
LAMBDA_RUNTIME = TOOLS / "lambda-python3.13"
LAYER_ZIP = ROOT / "layers" / "build" / "layer-x86_64.zip"
NUMPY_LAYER_ZIP = ROOT / "layers" / "build" / "numpy-layer-x86_64.zip"
TRACING_LAYER_ZIP = ROOT / "layers" / "build" / "tracing-layer-x86_64.zip"
BUILD = ROOT / "build" / "rie"
INVOCATIONS = "/2015-03-31/functions/function/invocations"
# NOTE: what template.yaml's Globals and the function's Environment set, with the defaults of its
# parameters; a run adds or overrides with its own (MODEL_URI ...).
FUNCTION_ENV = {
    "POWERTOOLS_SERVICE_NAME": "snowleap",
    "POWERTOOLS_METRICS_NAMESPACE": "snowleap",
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "POWERTOOLS_LOGGER_LOG_EVENT": "false",
    "MODEL_URI": "",
    "MODEL_REFRESH_SECONDS": "60",
    "SCORE_THRESHOLD": "0.5",
    "MAX_BODY_BYTES": "1048576",
    "SESSION_SALT": "",
    "CHALLENGER_URI": "",
    "CHALLENGER_PERCENT": "0",
    "CHALLENGER_MODE": "split",
}
_INIT_REPORT = re.compile(r"INIT REPORT\(durationMs: ([0-9.]+)\)")


@dataclass(frozen=True)
class FunctionLayout:
    """Where a function's code, its layers and the runtime's packages are, as Lambda mounts them."""

    task: Path
    layers: tuple[Path, ...]
    runtime: Path = LAMBDA_RUNTIME / "runtime"
    sdk: Path = LAMBDA_RUNTIME / "sdk"
    handler: str = "app.lambda_handler"

    @property
    def python_path(self) -> str:
        """Lambda's order: function code, layers, the runtime's SDK, the runtime itself."""
        return os.pathsep.join(str(p) for p in (self.task, *self.layers, self.sdk, self.runtime))


def python313() -> str:
    sys.path.insert(0, str(ROOT / "layers"))
    from build_layer import find_python313

    python = find_python313()
    if python is None:
        raise SystemExit("needs a Python 3.13 (pyenv install 3.13, or one on PATH)")
    return python


def build_function(target: Path) -> Path:
    """The function package exactly as ``sam build`` makes it (``handler/Makefile``)."""
    subprocess.run(
        ["make", "--no-print-directory", "-s", "-f", str(ROOT / "handler" / "Makefile"),
         "build-ScoreFunction", f"ARTIFACTS_DIR={target}"],
        check=True, stdout=sys.stderr,
    )  # fmt: skip
    return target


def unpack_layer(layer_zip: Path, target: Path) -> Path:
    """The layer zip unpacked into ``target`` (``target/python`` is what Lambda puts on the path);
    unpacked again only when the zip changed."""
    return unpack_layers((layer_zip,), target)


def unpack_layers(layer_zips: tuple[Path, ...], target: Path) -> Path:
    """The layer zips unpacked into one ``target``, in order, as Lambda extracts a function's
    layers into ``/opt``; unpacked again only when one of them changed."""
    stamp = target / ".unpacked-from"
    signature = "\n".join(
        f"{z.resolve()} {z.stat().st_mtime_ns} {z.stat().st_size}" for z in layer_zips
    )
    if not (stamp.is_file() and stamp.read_text() == signature):
        if target.exists():
            subprocess.run(["rm", "-rf", str(target)], check=True)
        for layer_zip in layer_zips:
            with zipfile.ZipFile(layer_zip) as archive:
                archive.extractall(target)
        stamp.write_text(signature)
    return target / "python"


def score_function(
    root: Path = BUILD, layer_zip: Path = LAYER_ZIP, *, numpy: bool = False, tracing: bool = False
) -> FunctionLayout:
    """This checkout's function and x86_64 layers, laid out under ``root``.

    As the template attaches them: the dependencies layer always, the numpy layer only with
    ``NumpyLayer=true`` (``numpy``), the X-Ray SDK's only with ``TraceSubsegments=true``
    (``tracing``), extracted into one ``opt`` as Lambda does.
    """
    if not LAMBDA_RUNTIME.is_dir() or not RIE.is_file():
        raise SystemExit("the emulator or the runtime is missing: run `make invoke-rie` once")
    zips = (layer_zip, *([NUMPY_LAYER_ZIP] if numpy else []),
            *([TRACING_LAYER_ZIP] if tracing else []))  # fmt: skip
    for archive in zips:
        if not archive.is_file():
            raise SystemExit(f"{archive} is missing: run `make layer`")
    task = build_function(root / "var" / "task")
    return FunctionLayout(task=task, layers=(unpack_layers(zips, root / "opt"),))


def _free_port() -> int:
    """A port free on 127.0.0.1, below the kernel's ephemeral range when it can be.

    NOTE: a port is free when asked, not when the emulator binds it a moment later; one from
    the ephemeral range (what binding port 0 gives) can be handed to any other process's
    socket in between (the test suites run side by side), and the emulator then panics with
    "address already in use". Below that range only a process naming the port could take it.
    """
    low = _ephemeral_low()
    candidates = range(_FIXED_PORTS_FROM, low)
    # NOTE: not the global generator: a test that seeds it would give parallel suites one list.
    for port in random.SystemRandom().sample(candidates, min(64, len(candidates))):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: the lowest port ``_free_port`` picks (above the well-known and most registered servers')
_FIXED_PORTS_FROM = 20_000


def _ephemeral_low() -> int:
    """The first port of the kernel's ephemeral range (32768 when it cannot be read)."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768
    return max(low, _FIXED_PORTS_FROM + 1)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the emulator starts the runtime in a process group of its
    own, so stopping the emulator's group alone would leave the runtime running)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


@dataclass
class Invocation:
    """One invocation's answer and its time as the caller saw it."""

    response: Any
    wall_ms: float


@dataclass
class Emulator:
    """One fresh execution environment: the emulator on 127.0.0.1, the runtime started by it.

    Example
    -------
    >>> with Emulator(score_function(), env={"SESSION_SALT": "x"}) as emulator:  # doctest: +SKIP
    ...     emulator.invoke(json.loads(Path("events/health.json").read_text())).response
    """

    layout: FunctionLayout
    env: Mapping[str, str] = field(default_factory=dict)
    python: str = field(default_factory=python313)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _log: BinaryIO | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Emulator:
        self.port, runtime_api = _free_port(), _free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "30",
            "LAMBDA_TASK_ROOT": str(self.layout.task),
            "LAMBDA_RUNTIME_DIR": str(self.layout.runtime),
            "PYTHONPATH": self.layout.python_path,
            **FUNCTION_ENV,
            **self.env,
        }
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [str(RIE), "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{runtime_api}", "--log-level", "info",
             self.python, "-S", "-m", "awslambdaric", self.layout.handler],
            cwd=self.layout.task, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the emulator exited at start:\n{self.log()[-2000:]}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.02)
        self.__exit__(None, None, None)
        raise RuntimeError("the emulator did not listen within 30 s")

    def invoke(self, event: Any) -> Invocation:
        """Send one event; the first one starts the runtime (the environment's init)."""
        data = json.dumps(event).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{INVOCATIONS}", data=data, method="POST"
        )
        # NOTE: an execution environment runs one invocation at a time.
        with self._lock:
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as answer:
                body = answer.read()
            wall_ms = (time.perf_counter() - started) * 1e3
        return Invocation(json.loads(body), wall_ms)

    def log(self) -> str:
        """What the emulator and the function wrote so far (Lambda's log stream)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def init_ms(self) -> float | None:
        """The runtime's init as the emulator reports it (``INIT REPORT``)."""
        match = _INIT_REPORT.search(self.log())
        return float(match.group(1)) if match else None

    def __exit__(self, *_: object) -> None:
        process = self.process
        if process is None:
            return
        below = _descendants(process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in below:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process = None


def _settings_env(model_uri: str | None) -> dict[str, str]:
    env = {"MODEL_CACHE_DIR": str(BUILD / "tmp" / "snowleap-models")}
    if model_uri:
        env["MODEL_URI"] = str(Path(model_uri).resolve()) if "://" not in model_uri else model_uri
    for name in ("SESSION_SALT", "SCORE_THRESHOLD", "MODEL_REFRESH_SECONDS", "AWS_ENDPOINT_URL"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


@contextlib.contextmanager
def running(model_uri: str | None) -> Iterator[Emulator]:
    tracing = os.environ.get("TRACE_SUBSEGMENTS", "").strip().lower() == "true"
    numpy = os.environ.get("NUMPY_LAYER", "false").strip().lower() == "true"
    env = _settings_env(model_uri) | ({"TRACE_SUBSEGMENTS": "true"} if tracing else {})
    with Emulator(score_function(numpy=numpy, tracing=tracing), env=env) as emulator:
        yield emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    invoke_cmd = commands.add_parser("invoke", help="invoke the function once with an event file")
    invoke_cmd.add_argument("event", type=Path)
    serve_cmd = commands.add_parser("serve", help="serve the API over HTTP through the emulator")
    serve_cmd.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    model_uri = os.environ.get("MODEL_URI")
    if args.command == "invoke":
        with running(model_uri) as emulator:
            result = emulator.invoke(json.loads(args.event.read_text()))
            log = emulator.log()
        print(log, file=sys.stderr)
        response = result.response
        if isinstance(response, dict) and isinstance(response.get("body"), str):
            with contextlib.suppress(json.JSONDecodeError):
                response["body"] = json.loads(response["body"])
        print(json.dumps(response, indent=2))
        print(f"first invocation (init included): {result.wall_ms:.1f} ms", file=sys.stderr)
        return 0
    from local import ApiGatewayBridge, serve

    with running(model_uri) as emulator:

        def through_emulator(event: dict[str, Any]) -> dict[str, Any]:
            answer: dict[str, Any] = emulator.invoke(event).response
            return answer

        class EmulatorBridge(ApiGatewayBridge):
            invoke_event = staticmethod(through_emulator)

        serve("127.0.0.1", args.port, EmulatorBridge)
    return 0


if __name__ == "__main__":
    sys.exit(main())
