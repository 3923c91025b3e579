"""The built x86_64 layer, unpacked, is enough for the handler to score under Python 3.13.

Like Lambda, the function's code comes first on ``sys.path`` (``/var/task``), the layer's
``python/`` folder next (``/opt/python``), then what the python3.13 runtime itself provides
(``/var/runtime``: boto3, botocore and their dependencies, pure Python, linked here from this
environment), and nothing else but the standard library: the interpreter runs with ``-S``, so
its own site-packages cannot hide a missing dependency.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
import tree_walker
from build_layer import UNZIPPED_LIMIT, find_python313
from lambda_runtime import runtime_folder

from demo_bundle import demo_bundle

ROOT = Path(__file__).resolve().parents[2]
LAYER_ZIP = ROOT / "layers" / "build" / "layer-x86_64.zip"
NUMPY_LAYER_ZIP = ROOT / "layers" / "build" / "numpy-layer-x86_64.zip"
DEFAULT_BUNDLE = ROOT / "bundles" / "snowleap-default.zip"

RUNNER = """
import json, sys
task, layer, runtime, event_file = sys.argv[1:5]
# NOTE: the order the Lambda runtime uses: function code, the layer, the runtime's own packages.
sys.path[0:0] = [task, layer]
sys.path.append(runtime)
import app, numpy, aws_lambda_powertools, snowleap

class Context:
    function_name = "layer-test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:layer-test"
    aws_request_id = "layer-test"
    def get_remaining_time_in_millis(self):
        return 30000

response = app.lambda_handler(json.load(open(event_file)), Context())
from snowleap.ops.tree.compiled import compiled_walker
print("RESULT " + json.dumps({
    "response": response,
    "python": "%d.%d" % sys.version_info[:2],
    "origins": {m.__name__: m.__file__ for m in (app, numpy, aws_lambda_powertools, snowleap)},
    "tree_walker": getattr(compiled_walker(), "__file__", None),
}))
"""


@pytest.fixture(scope="module")
def python313() -> str:
    python = find_python313()
    assert python is not None, "no Python 3.13 found (pyenv install 3.13 or put one on PATH)"
    return python


def test_the_handler_scores_from_the_unpacked_layer(tmp_path: Path, python313: str) -> None:
    # GIVEN the x86_64 layers built by `make layer` (make test builds them first), the
    #   dependencies and the numpy layer (the template's default), unpacked into one /opt
    opt = tmp_path / "opt"
    for layer_zip in (LAYER_ZIP, NUMPY_LAYER_ZIP):
        assert layer_zip.is_file(), f"{layer_zip} is missing: run `make layer`"
        with zipfile.ZipFile(layer_zip) as archive:
            archive.extractall(opt)
    unzipped = sum(p.stat().st_size for p in opt.rglob("*") if p.is_file())
    assert unzipped < 50 * 1024 * 1024 < UNZIPPED_LIMIT
    # AND the function package exactly as `sam build` makes it (handler/Makefile)
    task = tmp_path / "task"
    subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "handler" / "Makefile"),
         "build-ScoreFunction", f"ARTIFACTS_DIR={task}"],
        check=True,
    )  # fmt: skip
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "POWERTOOLS_SERVICE_NAME": "snowleap",
        "POWERTOOLS_METRICS_NAMESPACE": "snowleap",
        "MODEL_CACHE_DIR": str(tmp_path / "model-cache"),
    }
    if not DEFAULT_BUNDLE.is_file():
        # NOTE: until `make train` commits the default bundle, the demo bundle stands in.
        standin = tmp_path / "standin.zip"
        standin.write_bytes(demo_bundle())
        env["MODEL_URI"] = str(standin)

    # WHEN Python 3.13 (-S: no site-packages) imports the handler and scores the ready event
    completed = subprocess.run(
        [python313, "-S", "-c", RUNNER, str(task), str(opt / "python"),
         str(runtime_folder(tmp_path / "runtime")), str(ROOT / "events" / "score.json")],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))

    # THEN both sessions are scored, by modules from the function package and the layer
    assert result["python"] == "3.13"
    response = result["response"]
    assert response["statusCode"] == 200, response["body"]
    body = json.loads(response["body"])
    assert len(body["sessions"]) == 2
    assert all(0.0 <= s["probability"] <= 1.0 for s in body["sessions"])
    origins = result["origins"]
    assert origins["app"].startswith(str(task))
    assert origins["snowleap"].startswith(str(task))
    assert origins["numpy"].startswith(str(opt / "python"))
    assert origins["aws_lambda_powertools"].startswith(str(opt / "python"))
    # AND the default bundle's forest was walked by the layer's compiled walker
    assert result["tree_walker"] is not None, "the layer's tree walker did not load"
    assert Path(result["tree_walker"]).name.startswith("snowleap_treewalk.cpython-313-x86_64")
    assert result["tree_walker"].startswith(str(opt / "python"))


def test_the_arm64_tree_walker_cross_compiles_for_lambda(tmp_path: Path, python313: str) -> None:
    # WHEN the layer's build compiles the walker for arm64 with zig (no Docker, no arm64 machine)
    library = tree_walker.build(tmp_path, "arm64", python313, "3.13")
    # THEN it is an AArch64 ELF shared object that exports the module's init function
    assert library.name == "snowleap_treewalk.cpython-313-aarch64-linux-gnu.so"
    assert "AArch64" in tree_walker.check(library, "arm64")
    with pytest.raises(tree_walker.WalkerBuildError, match="not a 64-bit X86-64"):
        tree_walker.check(library, "x86_64")


LAZY_CHECK = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
from lazy_packages import PACKAGES
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
cheap = "asyncio" not in sys.modules
jmespath_at_import = "jmespath" in sys.modules
from aws_lambda_powertools.logging.logger import jmespath_utils
envelope = jmespath_utils.query(envelope="requestContext.requestId",
                                data={"requestContext": {"requestId": "r-1"}})
missing = {}
for package in PACKAGES:
    module = importlib.import_module(package.replace("/", "."))
    missing[package] = [n for n in module.__all__ if getattr(module, n, None) is None]
print("RESULT " + json.dumps({"cheap": cheap, "missing": missing, "envelope": envelope,
                              "jmespath_at_import": jmespath_at_import,
                              "lazy": [hasattr(importlib.import_module(p.replace("/", ".")),
                                               "_LAZY") for p in PACKAGES]}))
"""


def test_the_layers_lazy_powertools_packages_still_export_every_name(
    tmp_path: Path, python313: str
) -> None:
    # GIVEN the dependencies layer, whose Powertools package __init__ files import lazily
    from lazy_init import LAZY_PACKAGES

    with zipfile.ZipFile(LAYER_ZIP) as archive:
        archive.extractall(tmp_path / "opt")
    (tmp_path / "lazy_packages.py").write_text(f"PACKAGES = {list(LAZY_PACKAGES)!r}\n")
    # WHEN Python 3.13 imports the resolver the handler uses, then every exported name
    completed = subprocess.run(
        [python313, "-S", "-c", LAZY_CHECK, str(tmp_path)],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "PYTHONPATH": str(tmp_path / "opt" / "python")},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    # THEN the packages are the lazy ones, the resolver came without AppSync's asyncio, the
    #   Logger without JMESPath, and every name the packages exported still resolves, the
    #   Logger's JMESPath helpers too (correlation_id_path)
    assert result["lazy"] == [True] * len(LAZY_PACKAGES)
    assert result["cheap"], "importing APIGatewayRestResolver imported asyncio"
    assert not result["jmespath_at_import"], "importing Logger imported JMESPath"
    assert result["missing"] == {p: [] for p in LAZY_PACKAGES}
    assert result["envelope"] == "r-1"


def test_a_lazy_module_import_the_source_no_longer_holds_fails_the_build() -> None:
    # GIVEN a Logger source whose JMESPath import was reworded (a new Powertools)
    from lazy_init import LazyImportError, lazy_module_import

    statement = "from aws_lambda_powertools.utilities import jmespath_utils"
    reworded = "import os\nfrom aws_lambda_powertools.utilities import jmespath_utils as jp\n"
    # WHEN the layer build makes it lazy, THEN it stops instead of leaving it eager unnoticed
    with pytest.raises(LazyImportError, match="jmespath_utils"):
        lazy_module_import(reworded, statement)
    # AND the statement as Powertools writes it becomes an object importing on first use
    lazy = lazy_module_import(f"import os\n{statement}\nx = 1\n", statement)
    assert statement not in lazy
    assert 'import_module("aws_lambda_powertools.utilities.jmespath_utils")' in lazy
    assert "jmespath_utils = _LazyModule()" in lazy
