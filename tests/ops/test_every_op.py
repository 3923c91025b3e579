"""The op house rules, checked for every op in the registry (``snowleap.ops.registry.OPS``).

* every op has its own test module, ``tests/ops/test_<op_name>.py``;
* that module's ``IDENTITY_CASE`` (a ``tests.conftest.OpCase``) loads, in JSON and in protobuf,
  into a model that uses the op, and ``transform`` and ``transform_row`` agree on it row by row;
* every op Spark can fit has a parity case in ``tests/parity`` (Spark = snowleap = MLeap's JVM
  runtime), unless ``NOT_IN_PARITY`` says why not;
* every op has its row in the README's table of supported ops.

A new op that skips any of these fails here, naming the op and what is missing.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from snowleap.ops.base import Op
from snowleap.ops.pipeline import PipelineOp
from snowleap.ops.registry import OP_MODULES, OPS
from tests.conftest import OpCase, assert_paths_agree

OPS_TESTS = Path(__file__).resolve().parent
OPS_SOURCES = Path(importlib.import_module("snowleap.ops").__file__ or "").parent
PARITY_TESTS = OPS_TESTS.parent / "parity"
README = OPS_TESTS.parents[1] / "README.md"

# NOTE: ops without a parity case, and why. Keep reasons concrete: what stops Spark (or MLeap
# 0.16, the only MLeap this project can fetch) from producing the op.
NOT_IN_PARITY: dict[str, str] = {
    "map_entry_selector": (
        "MLeap 0.16 has no map_entry_selector and no Spark stage writes it: its format and math "
        "come from MLeap's source (tests/parity/test_text_extension_parity.py says so)"
    ),
}

MIN_ROWS = 2


def op_test_module(op_name: str) -> ModuleType:
    return importlib.import_module(f"tests.ops.test_{op_name}")


def ops_used(op: Op) -> set[str]:
    """Every op name in a loaded graph, pipelines included (``Model.ops`` lists leaves only)."""
    if isinstance(op, PipelineOp):
        return {op.op_name}.union(*(ops_used(child) for child in op.children))
    return {op.op_name}


def test_every_op_has_its_test_module() -> None:
    missing = [
        f"tests/ops/test_{op}.py"
        for op in sorted(OPS)
        if not (OPS_TESTS / f"test_{op}.py").is_file()
    ]
    assert missing == [], "each op's tests sit in one file named after it"


def test_every_registry_entry_names_its_op_class() -> None:
    # GIVEN the registry's table of op names and modules, every module imported
    wrong = {name: OPS[name].op_name for name in OP_MODULES if OPS[name].op_name != name}
    # THEN each entry's module defines the op class of that name, and no op module is left out
    assert wrong == {}, "the table maps these names to a module whose op has another name"
    defined = {
        f"{path.parent.name}.{path.stem}" if path.parent != OPS_SOURCES else path.stem
        for path in OPS_SOURCES.glob("**/*.py")
        if re.search(r"^    op_name = \"\w+\"", path.read_text(), re.MULTILINE)
    }
    assert sorted(defined - set(OP_MODULES.values()) - {"unsupported"}) == [], (
        "these modules define an op the registry's table lacks"
    )


def test_loading_a_bundle_imports_only_its_ops() -> None:
    # GIVEN the default bundle, loaded in a fresh interpreter
    import snowleap

    bundle = README.parent / "bundles" / "snowleap-default.zip"
    op_modules = {f"snowleap.ops.{module}" for module in OP_MODULES.values()}
    script = (
        "import json, sys, snowleap\n"
        f"snowleap.load({str(bundle)!r})\n"
        f"print(json.dumps(sorted(set(sys.modules) & set({sorted(op_modules)!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    # THEN the op modules imported are those of the ops the bundle names, not the others
    used = ops_used(snowleap.load(bundle).root)
    expected = sorted(f"snowleap.ops.{OP_MODULES[op]}" for op in used)
    assert json.loads(done.stdout) == expected
    assert len(expected) < len(OP_MODULES) / 4


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
@pytest.mark.parametrize("op_name", sorted(OPS))
def test_op_scores_the_same_on_both_paths(op_name: str, fmt: str, tmp_path: Path) -> None:
    case = getattr(op_test_module(op_name), "IDENTITY_CASE", None)
    assert isinstance(case, OpCase), f"tests/ops/test_{op_name}.py defines no IDENTITY_CASE"
    model = case.load(tmp_path, "protobuf" if fmt == "protobuf" else "json")
    assert op_name in ops_used(model.root), f"IDENTITY_CASE of {op_name} does not use the op"
    rows = len(next(iter(case.columns.values())))
    assert rows >= MIN_ROWS, f"IDENTITY_CASE of {op_name} should score at least {MIN_ROWS} rows"
    batch = assert_paths_agree(model, case.columns)
    first_output = next(iter(model.output_schema))
    assert len(batch[first_output]) > 0, f"IDENTITY_CASE of {op_name} keeps no row"


def parity_names() -> set[str]:
    """Test function names (without ``test_``) and string literals of the parity suite."""
    names: set[str] = set()
    for path in PARITY_TESTS.glob("test_*.py"):
        text = path.read_text()
        names.update(re.findall(r"^def test_(\w+)\(", text, re.MULTILINE))
        names.update(re.findall(r"\"(\w+)\"", text))
    return names


def test_every_op_spark_can_fit_has_a_parity_case() -> None:
    # GIVEN the parity suite's test names and the op names its tests parametrise or check
    covered = parity_names()
    # THEN every op appears there by its Bundle.ML name, or is listed with the reason it cannot
    missing = [op for op in sorted(OPS) if op not in covered and op not in NOT_IN_PARITY]
    assert missing == [], "add a parity case (tests/parity) or a reason to NOT_IN_PARITY"
    assert set(NOT_IN_PARITY) <= set(OPS), "NOT_IN_PARITY names an op the registry lacks"


def test_every_op_has_its_readme_row() -> None:
    text = README.read_text()
    start = text.index("### Supported ops")
    table = text[start : text.index("\n#", start + 1)]
    rows = set(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE))
    assert sorted(set(OPS) - rows) == [], "add the op to the README's table of supported ops"
    assert sorted(rows - set(OPS)) == [], "the README lists an op the registry lacks"


def mleap_section() -> str:
    """The README's section on MLeap 0.16's registry (up to the next heading)."""
    text = README.read_text()
    start = text.index("### MLeap 0.16's registry")
    end = text.index("\n#", start + 1)
    return text[start:end]


def test_readme_accounts_for_every_mleap_op() -> None:
    from tests.ops.mleap_ops import MLEAP_0_16_OPS

    section = mleap_section()
    heading = re.match(r"### MLeap 0.16's registry: (\d+)/(\d+) ops", section)
    assert heading, "the section's heading reads '### MLeap 0.16's registry: <k>/63 ops'"
    supported = MLEAP_0_16_OPS & set(OPS)
    listed = set(re.findall(r"^\| `([\w.]+)` \| ", section, re.MULTILINE))
    count = f"'{len(supported)}/{len(MLEAP_0_16_OPS)}' and '**{len(supported)}**'"
    problems = [
        f"`{op}` is supported now: delete its row; the count becomes {count}"
        for op in sorted(listed & supported)
    ]
    problems += [
        f"`{op}` is not supported and has no row saying why"
        for op in sorted(MLEAP_0_16_OPS - supported - listed)
    ]
    problems += [f"`{op}` is no MLeap 0.16 op" for op in sorted(listed - MLEAP_0_16_OPS)]
    if (int(heading[1]), int(heading[2])) != (len(supported), len(MLEAP_0_16_OPS)):
        problems.append(f"the heading's count should read {count}")
    if f"**{len(supported)}**" not in section:
        problems.append(f"the text's count should read {count}")
    assert problems == [], "README, section 'MLeap 0.16's registry':\n  " + "\n  ".join(problems)
