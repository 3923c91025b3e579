"""Shared fixtures: reference material, test-bundle factories, and the two-path check.

An op's tests build small JSON bundles (``Node``, ``OpCase``, or the ``one_node_model`` /
``pipeline_model`` / ``tree_model`` fixtures, all written by ``write_bundle``) and score them
with ``score_both``, which asserts that ``transform`` and ``transform_row`` agree row by row.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest

import snowleap
from snowleap.ops.sparse import SparseVector
from tests.bundle.protobuf_bundles import to_protobuf_bundle

# NOTE: MLflow reports usage to its makers unless told not to; no test may reach the internet.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# NOTE: how close snowleap's numbers must be to MLeap's expected values (../shared's README)
RELATIVE = 1e-9


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """``../shared/mleap-reference``: real MLeap bundles with expected outputs."""
    path = SHARED / "mleap-reference"
    assert path.is_dir(), f"reference bundles not found at {path}"
    return path


@pytest.fixture(scope="session")
def snowplow_dir() -> Path:
    """``../shared/snowplow``: real Snowplow events and tracker payloads."""
    path = SHARED / "snowplow"
    assert path.is_dir(), f"snowplow fixtures not found at {path}"
    return path


def expected_value(raw: Any) -> Any:
    """A vector as its list of values; scalars as they are."""
    return raw["values"] if isinstance(raw, dict) else raw


def assert_close(got: Any, want: Any, where: str) -> None:
    if isinstance(want, str) or want is None:
        assert got == want, where
        return
    got_values = np.atleast_1d(np.asarray(got, dtype=np.float64))
    want_values = np.atleast_1d(np.asarray(want, dtype=np.float64))
    assert got_values.shape == want_values.shape, f"{where}: {got_values} vs {want_values}"
    assert np.allclose(got_values, want_values, rtol=RELATIVE, atol=0.0, equal_nan=True), (
        f"{where}: got {got_values.tolist()}, expected {want_values.tolist()}"
    )


@pytest.fixture
def tracking(tmp_path: Path) -> Iterator[Path]:
    """An MLflow tracking store and artifact folder of this test only (SQLite under ``tmp_path``);
    skips without the ``mlflow`` extra."""
    mlflow = pytest.importorskip("mlflow", reason="the mlflow extra is not installed")
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment("snowleap", artifact_location=(tmp_path / "a").as_uri())
    mlflow.set_experiment(experiment_id=experiment)
    yield tmp_path
    mlflow.set_tracking_uri(previous)


def double_tensor(values: list[float], dims: list[int] | None = None) -> dict[str, Any]:
    """A Bundle.ML JSON tensor attribute of doubles."""
    shape = dims if dims is not None else [len(values)]
    return {
        "type": "tensor",
        "double": values,
        "shape": {"dimensions": [{"size": d, "name": ""} for d in shape]},
    }


def write_node(
    folder: Path,
    name: str,
    op: str,
    attributes: Mapping[str, Any],
    inputs: Mapping[str, str],
    outputs: Mapping[str, str],
) -> None:
    """Write ``model.json`` and ``node.json`` for one node into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.json").write_text(json.dumps({"op": op, "attributes": dict(attributes)}))
    (folder / "node.json").write_text(
        json.dumps(
            {
                "name": name,
                "shape": {
                    "inputs": [{"port": p, "name": n} for p, n in inputs.items()],
                    "outputs": [{"port": p, "name": n} for p, n in outputs.items()],
                },
            }
        )
    )


def write_bundle_json(folder: Path, name: str = "test_bundle", fmt: str = "json") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bundle.json").write_text(
        json.dumps(
            {
                "uid": "00000000-0000-0000-0000-000000000000",
                "name": name,
                "format": fmt,
                "version": "0.25.3",
                "timestamp": "2026-11-26T00:00:00",
            }
        )
    )


SubTrees = Mapping[str, tuple[str, Mapping[str, Any], list[dict[str, Any]]]]


@dataclass(frozen=True)
class Node:
    """One node of a test bundle; a tree model's ``tree`` (nodes of ``tree.json``) and
    ``sub_trees`` (sub-folder -> ``(op, attributes, tree nodes)``, as forests store them)."""

    op: str
    attributes: Mapping[str, Any]
    inputs: Mapping[str, str]
    outputs: Mapping[str, str]
    tree: list[dict[str, Any]] | None = None
    sub_trees: SubTrees | None = None
    #: model files in sub-folders (sub-folder -> ``(op, attributes)``): a drilldown's models
    sub_models: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None


def write_bundle(folder: Path, nodes: Sequence[Node]) -> Path:
    """A JSON bundle folder: one node as the root (named ``<op>_node``), or several run in order
    by a root pipeline (nodes named ``<op>_<i>``)."""
    write_bundle_json(folder)
    if len(nodes) == 1:
        _write_node_files(folder / "root", f"{nodes[0].op}_node", nodes[0])
        return folder
    names = [f"{node.op}_{i}" for i, node in enumerate(nodes)]
    write_node(folder / "root", "pipeline", "pipeline", {"nodes": string_list(names)}, {}, {})
    for name, node in zip(names, nodes, strict=True):
        _write_node_files(folder / "root" / f"{name}.node", name, node)
    return folder


def _write_node_files(folder: Path, name: str, node: Node) -> None:
    write_node(folder, name, node.op, node.attributes, node.inputs, node.outputs)
    if node.tree is not None:
        write_tree(folder, node.tree)
    for sub_folder, (sub_op, sub_attributes, tree) in (node.sub_trees or {}).items():
        write_tree(folder / sub_folder, tree)
        (folder / sub_folder / "model.json").write_text(
            json.dumps({"op": sub_op, "attributes": dict(sub_attributes)})
        )
    for sub_folder, (sub_op, sub_attributes) in (node.sub_models or {}).items():
        (folder / sub_folder).mkdir(parents=True, exist_ok=True)
        (folder / sub_folder / "model.json").write_text(
            json.dumps({"op": sub_op, "attributes": dict(sub_attributes)})
        )


def load_bundle(folder: Path, fmt: Literal["json", "protobuf"] = "json") -> snowleap.Model:
    """Load a JSON test bundle folder, or its protobuf form (as MLeap would write it)."""
    if fmt == "protobuf":
        return snowleap.load(to_protobuf_bundle(folder, folder.with_name(f"{folder.name}_pb")))
    return snowleap.load(folder)


@dataclass(frozen=True)
class OpCase:
    """A small bundle and input columns that exercise an op on both scoring paths.

    Every ``tests/ops/test_<op_name>.py`` defines one as ``IDENTITY_CASE``; the registry-driven
    ``tests/ops/test_every_op.py`` loads it (JSON and protobuf) and checks that ``transform`` and
    ``transform_row`` agree on every row and output. Pick rows that reach the op's branches.
    """

    nodes: tuple[Node, ...]
    columns: Mapping[str, Any]

    def load(self, folder: Path, fmt: Literal["json", "protobuf"] = "json") -> snowleap.Model:
        return load_bundle(write_bundle(folder, self.nodes), fmt)


OneNodeBundle = Callable[..., snowleap.Model]


@pytest.fixture
def one_node_model(tmp_path: Path) -> OneNodeBundle:
    """Factory: a model whose root is a single node with the given op, attributes and ports."""

    def build(
        op: str,
        attributes: Mapping[str, Any],
        inputs: Mapping[str, str],
        outputs: Mapping[str, str],
    ) -> snowleap.Model:
        node = Node(op, attributes, inputs, outputs)
        return load_bundle(write_bundle(tmp_path / f"bundle_{op}", [node]))

    return build


NodeSpec = tuple[str, str, Mapping[str, Any], Mapping[str, str], Mapping[str, str]]


@pytest.fixture
def pipeline_model(tmp_path: Path) -> Callable[[list[NodeSpec]], snowleap.Model]:
    """Factory: a model whose root pipeline runs nodes (name, op, attributes, inputs, outputs)."""

    def build(nodes: list[NodeSpec]) -> snowleap.Model:
        folder = tmp_path / "bundle_pipeline"
        write_bundle_json(folder)
        names = string_list([node[0] for node in nodes])
        write_node(folder / "root", "pipeline", "pipeline", {"nodes": names}, {}, {})
        for name, op, attributes, inputs, outputs in nodes:
            write_node(folder / "root" / f"{name}.node", name, op, attributes, inputs, outputs)
        return snowleap.load(folder)

    return build


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def same_value(a: Any, b: Any) -> bool:
    """Equal to the last bit, NaN equal to NaN, through lists, maps and sparse vectors (whose
    stored slots must be the same too)."""
    if isinstance(a, SparseVector) or isinstance(b, SparseVector):
        return (
            isinstance(a, SparseVector)
            and isinstance(b, SparseVector)
            and (a.size, a.indices) == (b.size, b.indices)
            and same_value(a.values, b.values)
        )
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return False
    return _same(a, b)


def plain(value: Any) -> Any:
    """A frame cell as a plain Python value (a list for a vector, a float for a numpy float)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value.item() if isinstance(value, np.generic) else value


def assert_paths_agree(model: snowleap.Model, columns: Mapping[str, Any]) -> dict[str, Any]:
    """Score columns with ``transform`` and each row with ``transform_row``; assert they agree
    on every kept row and output, bit for bit (NaN equals NaN). Returns the batch output."""
    batch = model.transform(dict(columns))
    inputs = list(columns)
    input_rows = [
        {name: plain(columns[name][i]) for name in inputs} for i in range(len(columns[inputs[0]]))
    ]
    scored = [model.transform_row(row) for row in input_rows]
    kept = [row for row in scored if row is not None]
    outputs = list(model.output_schema)
    assert len(kept) == len(batch[outputs[0]]), "both paths keep the same rows"
    for i, row in enumerate(kept):
        for name in outputs:
            expected = plain(batch[name][i])
            got = row[name]
            if isinstance(expected, SparseVector) or model.output_schema[name].shape != "vector":
                assert same_value(got, expected), (
                    f"row {i} column {name}: transform_row {got!r} != transform {expected!r}"
                )
            elif isinstance(expected, list):
                assert len(got) == len(expected), f"row {i} {name}"
                assert all(_same(float(x), float(y)) for x, y in zip(got, expected, strict=True)), (
                    f"row {i} column {name}: transform_row {got} != transform {expected}"
                )
            else:
                assert _same(got, expected), (
                    f"row {i} column {name}: transform_row {got!r} != transform {expected!r}"
                )
    return batch


@pytest.fixture
def score_both() -> Callable[[snowleap.Model, Mapping[str, Any]], dict[str, Any]]:
    """``assert_paths_agree``: both paths must agree; returns the batch output, so the test can
    go on to check its values."""
    return assert_paths_agree


def write_tree(folder: Path, nodes: list[dict[str, Any]]) -> None:
    """Write ``tree.json``: one node per line, in pre-order (MLeap's JSON tree format)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tree.json").write_text("".join(json.dumps(node) + "\n" for node in nodes))


class TreeBundles:
    """Factory of one-node models with a tree beside the node (``tree``) and/or tree sub-models
    (``sub_trees``), as the ``tree_model`` fixture: call it with a node's parts, or ``load`` a
    ``Node``. ``protobuf=True`` loads the same bundle converted to the protobuf format."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built = 0

    def __call__(
        self,
        op: str,
        attributes: Mapping[str, Any],
        inputs: Mapping[str, str],
        outputs: Mapping[str, str],
        tree: list[dict[str, Any]] | None = None,
        sub_trees: SubTrees | None = None,
        protobuf: bool = False,
    ) -> snowleap.Model:
        return self.load(Node(op, attributes, inputs, outputs, tree, sub_trees), protobuf)

    def load(self, node: Node, protobuf: bool = False) -> snowleap.Model:
        self.built += 1
        folder = write_bundle(self.folder / f"bundle_{node.op}_{self.built}", [node])
        return load_bundle(folder, "protobuf" if protobuf else "json")


@pytest.fixture
def tree_model(tmp_path: Path) -> TreeBundles:
    """``TreeBundles`` writing into the test's temporary folder."""
    return TreeBundles(tmp_path)


def sub_tree_models(op: str, attributes: Mapping[str, Any], trees: Mapping[str, Any]) -> SubTrees:
    """An ensemble's ``sub_trees``: one ``op`` model with ``attributes`` per named tree."""
    return {name: (op, attributes, nodes) for name, nodes in trees.items()}


def long_value(value: int) -> dict[str, Any]:
    """A Bundle.ML JSON ``long`` scalar attribute."""
    return {"long": value}


def double_list(values: list[float]) -> dict[str, Any]:
    """A Bundle.ML JSON list-of-doubles attribute."""
    return {"type": "list", "double": values}


def tensor_list(tensors: list[list[float]] | list[tuple[list[float], list[int]]]) -> dict[str, Any]:
    """A Bundle.ML JSON list of double tensors: vectors, or ``(values, dims)`` pairs."""
    items = []
    for tensor in tensors:
        values, dims = tensor if isinstance(tensor, tuple) else (tensor, [len(tensor)])
        item = double_tensor(list(values), list(dims))
        del item["type"]
        items.append(item)
    return {"type": "list", "tensor": items}


def string_list(values: list[str]) -> dict[str, Any]:
    """A Bundle.ML JSON list-of-strings attribute."""
    return {"type": "list", "string": values}
