"""House rule: loading a bundle and scoring a row never import numpy (``snowleap.numeric``).

Each case runs in a fresh interpreter: ``import snowleap``, ``snowleap.load(bundle)``,
``model.transform_row(row)``, then numpy must be absent from ``sys.modules``. If it is not, the
failure shows the stack that imported it. Cases: real bundles and every op's ``IDENTITY_CASE``
(JSON and protobuf). Ops that still need numpy to load are listed, with the reason, in
``NUMPY_ON_LOAD``; for them the test checks the opposite, so an op that comes to obey the rule
fails until its entry goes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from snowleap.leapframe import read_leapframe
from snowleap.ops.registry import OPS
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.conftest import SHARED, plain, write_bundle
from tests.ops.test_every_op import op_test_module

ROOT = Path(__file__).resolve().parent.parent

# NOTE: the one list of known exceptions to the rule (none today: tree models came to obey it
# with their compact layout, ops/tree/layout.py).
NUMPY_ON_LOAD: dict[str, str] = {}

CHILD = """
import json, sys, traceback

class NumpySpy:
    stack = None

    def find_spec(self, name, path=None, target=None):
        if name == "numpy" and NumpySpy.stack is None:
            NumpySpy.stack = "".join(traceback.format_stack()[:-1])
        return None

sys.meta_path.insert(0, NumpySpy())
import snowleap

model = snowleap.load(sys.argv[1])
scored = model.transform_row(json.loads(sys.argv[2]))
print(json.dumps({"numpy": "numpy" in sys.modules, "stack": NumpySpy.stack,
                  "scored": scored is not None}))
"""


def load_and_score_in_a_fresh_process(bundle: Path, row: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(bundle), json.dumps(row)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def assert_no_numpy(bundle: Path, row: dict[str, Any]) -> None:
    result = load_and_score_in_a_fresh_process(bundle, row)
    assert result["scored"], "the row was skipped; pick one the model scores"
    assert not result["numpy"], f"numpy was imported by:\n{result['stack']}"


def first_row(columns: dict[str, Any]) -> dict[str, Any]:
    return {name: plain(values[0]) for name, values in columns.items()}


REAL_BUNDLES = [
    ("tests/fixtures/room_type_logistic/bundle-json.zip", "room_type_logistic"),
    ("tests/fixtures/room_type_logistic/bundle-protobuf.zip", "room_type_logistic"),
    ("../shared/mleap-reference/airbnb.model.lr.zip", "airbnb.model.lr"),
    ("../shared/mleap-reference/airbnb.model.rf.zip", "airbnb.model.rf"),
]


def expected_inputs(name: str) -> dict[str, Any]:
    if name == "room_type_logistic":
        doc = json.loads((ROOT / "tests/fixtures/room_type_logistic/expected.json").read_text())
        inputs: dict[str, Any] = doc["inputs"]
        return inputs
    doc = json.loads((SHARED / "mleap-reference" / f"{name}.expected.json").read_text())
    return read_leapframe(doc["frame"])


@pytest.mark.parametrize(("bundle", "inputs"), REAL_BUNDLES)
def test_real_bundles_load_and_score_a_row_without_numpy(bundle: str, inputs: str) -> None:
    assert_no_numpy((ROOT / bundle).resolve(), first_row(expected_inputs(inputs)))


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
@pytest.mark.parametrize("op_name", sorted(OPS))
def test_every_op_loads_and_scores_a_row_without_numpy(
    op_name: str, fmt: str, tmp_path: Path
) -> None:
    case = op_test_module(op_name).IDENTITY_CASE
    bundle = write_bundle(tmp_path / "bundle", case.nodes)
    if fmt == "protobuf":
        bundle = to_protobuf_bundle(bundle, tmp_path / "bundle_pb")
    row = first_row(dict(case.columns))
    if op_name not in NUMPY_ON_LOAD:
        assert_no_numpy(bundle, row)
        return
    result = load_and_score_in_a_fresh_process(bundle, row)
    assert result["numpy"], f"{op_name} obeys the rule now: remove it from NUMPY_ON_LOAD"


def test_known_exceptions_are_registry_ops() -> None:
    assert set(NUMPY_ON_LOAD) <= set(OPS)


def test_the_readme_says_which_ops_load_without_numpy() -> None:
    text = (ROOT / "README.md").read_text()
    start = text.index("### Supported ops")
    table = text[start : text.index("\n## ", start)]
    needs_numpy = {
        op
        for op, column in re.findall(r"^\| `(\w+)` \|.*\| (yes|no)[^|]*\|$", table, re.MULTILINE)
        if column == "no"
    }
    assert needs_numpy == set(NUMPY_ON_LOAD)
