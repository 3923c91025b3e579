"""Reading a bundle's files: missing and malformed files, attributes of the wrong type, unknown
ops, pipelines nested too deep or pointing outside their folder. Every error names the file or
node and the problem; nothing in a bundle is ever executed or unpickled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import snowleap
from snowleap.bundle.reader import MAX_NESTING
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.bundle.small_bundles import (
    assert_scales,
    bundle_error,
    entries_of,
    scaler_bundle,
    unknown_ops_pipeline,
    zip_of,
)
from tests.conftest import write_bundle_json, write_node

# -- missing or malformed files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("bundle.json", r"no bundle\.json at the top of the archive"),
        ("root/model.json", r"missing root/model\.json"),
        ("root/node.json", r"missing root/node\.json"),
        ("root/scaler.node/model.json", r"missing root/scaler\.node/model\.json"),
        ("root/scaler.node/node.json", r"missing root/scaler\.node/node\.json"),
    ],
)
def test_missing_file_is_named(tmp_path: Path, missing: str, message: str) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    del entries[missing]
    with bundle_error(rf"^bundle bytes: {message}"):
        snowleap.load(zip_of(entries))


def test_folder_without_bundle_json_is_named(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    (folder / "bundle.json").unlink()
    with bundle_error(rf"^{re.escape(str(folder))}: no bundle\.json in this folder"):
        snowleap.load(folder)


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        ("bundle.json", b"{not json", r"bundle\.json: not valid JSON"),
        ("bundle.json", b"[1, 2]", r"bundle\.json: should hold a JSON object, found list"),
        ("bundle.json", b'{"format": 1}', r"bundle\.json: 'format' should be a string, got 1"),
        ("bundle.json", b'{"format": "mixed"}', r"bundle\.json: unknown format 'mixed'"),
        ("bundle.json", b"\xff\xfe{}", r"bundle\.json: not valid JSON"),
        ("root/model.json", b"", r"root/model\.json: not valid JSON"),
        ("root/model.json", b'{"attributes": {}}', r"root/model\.json: 'op' should be"),
        (
            "root/model.json",
            b'{"op": "pipeline", "attributes": []}',
            r"root/model\.json: 'attributes' should be",
        ),
        ("root/model.json", b"[" * 100_000, r"root/model\.json: JSON nested deeper than 64 levels"),
        ("root/node.json", b'{"name": "p"}', r"root/node\.json: 'shape' should be an object"),
        ("root/node.json", b'{"name": 3, "shape": {}}', r"root/node\.json: 'name' should be"),
        (
            "root/scaler.node/node.json",
            b'{"name": "s", "shape": {"inputs": [{"port": "input"}], "outputs": []}}',
            r"root/scaler\.node/node\.json: shape\.inputs\[0\] should be an object with string",
        ),
        (
            "root/scaler.node/model.json",
            b'{"op": "standard_scaler", "attributes": {"std": {"type": "matrix"}}}',
            r"root/scaler\.node/model\.json: attribute 'std': unknown value type 'matrix'",
        ),
    ],
)
def test_malformed_file_is_named_with_its_problem(
    tmp_path: Path, file: str, content: bytes, message: str
) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    entries[file] = content
    with bundle_error(rf"^bundle bytes: {message}"):
        snowleap.load(zip_of(entries))


def test_attribute_of_the_wrong_type_names_file_and_attribute(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b", {"std": {"string": "2.0"}})
    with bundle_error(
        r"root/scaler\.node/model\.json: attribute 'std' should be a tensor, found a scalar"
    ):
        snowleap.load(folder)


def test_attribute_of_the_wrong_type_in_a_protobuf_bundle(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b", {"std": {"string": "2.0"}})
    proto = to_protobuf_bundle(folder, tmp_path / "pb")
    with bundle_error(
        r"root/scaler\.node/model\.pb: attribute 'std' should be a tensor, found a scalar"
    ):
        snowleap.load(proto)


def test_unknown_op_in_a_protobuf_bundle(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    write_node(folder / "root" / "scaler.node", "scaler", "xgboost_regressor", {}, {}, {})
    with pytest.raises(snowleap.UnknownOpError, match=r"op 'xgboost_regressor' is not supported"):
        snowleap.load(to_protobuf_bundle(folder, tmp_path / "pb"))


def test_list_attribute_of_the_wrong_element_type(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    write_node(folder / "root", "pipeline", "pipeline", {"nodes": {"string": "scaler"}}, {}, {})
    with bundle_error(r"root/model\.json: attribute 'nodes' should be a list of string"):
        snowleap.load(folder)


def test_unknown_op_names_the_op_the_node_and_the_supported_ops(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    write_node(
        folder / "root" / "scaler.node", "scaler", "os.system", {}, {"input": "x"}, {"output": "y"}
    )
    with pytest.raises(snowleap.UnknownOpError) as caught:
        snowleap.load(folder)
    message = str(caught.value)
    assert "root/scaler.node (node 'scaler')" in message
    assert "op 'os.system' is not supported" in message
    assert re.search(r"supported ops: .*pipeline.*standard_scaler", message)
    assert isinstance(caught.value, snowleap.BundleError)


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
def test_every_unknown_op_of_a_bundle_is_named_at_once(tmp_path: Path, fmt: str) -> None:
    folder = unknown_ops_pipeline(tmp_path / "b")
    if fmt == "protobuf":
        folder = to_protobuf_bundle(folder, tmp_path / "pb")
    with pytest.raises(snowleap.UnknownOpError) as caught:
        snowleap.load(folder)
    message = str(caught.value)
    ext = "json" if fmt == "json" else "pb"
    assert message.startswith("3 nodes use ops snowleap does not support "), message
    assert "('lightgbm_classifier', 'xgboost_regressor')" in message
    for node, op in (
        ("boost", "xgboost_regressor"),
        ("forest", "lightgbm_classifier"),
        ("boost_again", "xgboost_regressor"),
    ):
        assert f"root/{node}.node (node '{node}'): op '{op}'" in message
    assert "standard_scaler" in message.split("supported ops: ")[1]
    assert f"model.{ext}" not in message


def test_an_unknown_classifier_inside_one_vs_rest_is_the_error_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ovr"
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "ovr",
        "one_vs_rest",
        {"num_classes": {"long": 1}, "num_features": {"long": 2}},
        {"features": "features"},
        {"prediction": "prediction"},
    )
    (folder / "root" / "model0").mkdir()
    (folder / "root" / "model0" / "model.json").write_text(
        '{"op": "xgboost_classifier", "attributes": {}}'
    )
    with pytest.raises(snowleap.UnknownOpError, match=r"op 'xgboost_classifier' is not supported"):
        snowleap.load(folder)


def test_excessive_pipeline_nesting_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    write_bundle_json(folder)
    node = folder / "root"
    for level in range(MAX_NESTING + 2):
        write_node(
            node, f"p{level}", "pipeline", {"nodes": {"type": "list", "string": ["p"]}}, {}, {}
        )
        node = node / "p.node"
    with bundle_error(rf"pipelines nest deeper than {MAX_NESTING} levels"):
        snowleap.load(folder)


@pytest.mark.parametrize("child", ["..", ".", "a/b", "a\\b", ""])
def test_pipeline_child_names_cannot_leave_the_folder(tmp_path: Path, child: str) -> None:
    folder = scaler_bundle(tmp_path / "b")
    write_node(
        folder / "root",
        "pipeline",
        "pipeline",
        {"nodes": {"type": "list", "string": [child]}},
        {},
        {},
    )
    with bundle_error(rf"root: invalid child name {re.escape(repr(child))}"):
        snowleap.load(folder)


def test_files_in_a_bundle_are_never_executed(tmp_path: Path) -> None:
    """A bundle carrying a pickle and a script still loads only what the JSON describes."""
    folder = scaler_bundle(tmp_path / "b")
    marker = tmp_path / "executed"
    script = f"open({str(marker)!r}, 'w').write('x')\n"
    (folder / "root" / "scaler.node" / "__init__.py").write_text(script)
    (folder / "root" / "scaler.node" / "model.pkl").write_bytes(
        b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    )
    assert_scales(snowleap.load(folder))
    assert not marker.exists()


def test_runtime_source_imports_nothing_that_executes_or_unpickles() -> None:
    source = Path(snowleap.__file__).parent
    forbidden = re.compile(
        r"^\s*(import|from)\s+(pickle|marshal|shelve|dill|cloudpickle|joblib|subprocess)\b"
        r"|\b(eval|exec)\(|import_module\(|__import__\(",
        re.MULTILINE,
    )
    # NOTE: the op registry imports an op's module on first use, by a name from its own constant
    # table (OP_MODULES), never from a bundle: a bundle's unknown op name is a KeyError there.
    lazy_registry = Path("ops") / "registry.py"
    registry_text = (source / lazy_registry).read_text()
    assert registry_text.count("import_module(") == 1
    assert 'import_module(f"snowleap.ops.{module}")' in registry_text
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if forbidden.search(path.read_text().replace('import_module(f"snowleap.ops.{module}")', ""))
    ]
    assert offenders == []
