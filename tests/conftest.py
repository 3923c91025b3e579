"""Shared fixtures: reference material, one-node bundle factories, and the two-path check."""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
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
        folder = tmp_path / f"bundle_{op}"
        write_bundle_json(folder)
        write_node(folder / "root", f"{op}_node", op, attributes, inputs, outputs)
        return snowleap.load(folder)

    return build


NodeSpec = tuple[str, str, Mapping[str, Any], Mapping[str, str], Mapping[str, str]]


@pytest.fixture
def pipeline_model(tmp_path: Path) -> Callable[[list[NodeSpec]], snowleap.Model]:
    """Factory: a model whose root pipeline runs nodes (name, op, attributes, inputs, outputs)."""

    def build(nodes: list[NodeSpec]) -> snowleap.Model:
        folder = tmp_path / "bundle_pipeline"
        write_bundle_json(folder)
        names = {"type": "list", "string": [node[0] for node in nodes]}
        write_node(folder / "root", "pipeline", "pipeline", {"nodes": names}, {}, {})
        for name, op, attributes, inputs, outputs in nodes:
            write_node(folder / "root" / f"{name}.node", name, op, attributes, inputs, outputs)
        return snowleap.load(folder)

    return build


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def rows_of(frame: Mapping[str, np.ndarray], names: list[str]) -> list[dict[str, Any]]:
    """The frame's columns ``names`` as row dicts of plain Python values."""
    length = len(frame[names[0]])
    rows = []
    for i in range(length):
        row: dict[str, Any] = {}
        for name in names:
            value = frame[name][i]
            row[name] = (
                value.tolist()
                if isinstance(value, np.ndarray)
                else (value.item() if isinstance(value, np.generic) else value)
            )
        rows.append(row)
    return rows


@pytest.fixture
def score_both() -> Callable[[snowleap.Model, Mapping[str, Any]], dict[str, Any]]:
    """Score columns with ``transform`` and each row with ``transform_row``; assert they agree.

    Returns the batch output, so the test can go on to check its values.
    """

    def run(model: snowleap.Model, columns: Mapping[str, Any]) -> dict[str, Any]:
        batch = model.transform(dict(columns))
        inputs = list(columns)
        input_rows = [
            {name: columns[name][i] for name in inputs} for i in range(len(columns[inputs[0]]))
        ]
        input_rows = [
            {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in row.items()}
            for row in input_rows
        ]
        scored = [model.transform_row(row) for row in input_rows]
        kept = [row for row in scored if row is not None]
        outputs = list(model.output_schema)
        assert len(kept) == len(batch[outputs[0]]), "both paths keep the same rows"
        for i, row in enumerate(kept):
            for name in outputs:
                value = batch[name][i]
                expected = (
                    value.tolist()
                    if isinstance(value, np.ndarray)
                    else (value.item() if isinstance(value, np.generic) else value)
                )
                got = row[name]
                if isinstance(expected, list):
                    assert len(got) == len(expected), f"row {i} {name}"
                    assert all(
                        _same(float(x), float(y)) for x, y in zip(got, expected, strict=True)
                    ), f"row {i} column {name}: transform_row {got} != transform {expected}"
                else:
                    assert _same(got, expected), (
                        f"row {i} column {name}: transform_row {got!r} != transform {expected!r}"
                    )
        return batch

    return run


def tree_leaf(*values: float) -> dict[str, Any]:
    """A leaf line of a Bundle.ML ``tree.json`` (class counts, or one prediction value)."""
    return {"type": "leaf", "values": list(values)}


def tree_split(feature: int, threshold: float) -> dict[str, Any]:
    """An internal node with a continuous split: left iff ``x[feature] <= threshold``."""
    return {
        "type": "internal",
        "split": {"type": "continuous", "featureIndex": feature, "threshold": threshold},
    }


def tree_category_split(
    feature: int, categories: list[float], is_left: bool, num_categories: int
) -> dict[str, Any]:
    """An internal node with a categorical split: left iff ``(x in categories) == is_left``."""
    return {
        "type": "internal",
        "split": {
            "type": "categorical",
            "featureIndex": feature,
            "categories": categories,
            "isLeft": is_left,
            "numCategories": num_categories,
        },
    }


def write_tree(folder: Path, nodes: list[dict[str, Any]]) -> None:
    """Write ``tree.json``: one node per line, in pre-order (MLeap's JSON tree format)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tree.json").write_text("".join(json.dumps(node) + "\n" for node in nodes))


TreeBundle = Callable[..., snowleap.Model]


@pytest.fixture
def tree_model(tmp_path: Path) -> TreeBundle:
    """Factory: a one-node model with a tree beside it (``tree``) and/or tree sub-models.

    ``sub_trees`` maps a sub-folder name to ``(op, attributes, nodes)`` of one tree model, as
    forests and boosted ensembles store their trees. ``protobuf=True`` loads the same bundle
    converted to the protobuf format (``model.pb``, ``node.pb``, ``tree.pb``).
    """
    built = [0]

    def build(
        op: str,
        attributes: Mapping[str, Any],
        inputs: Mapping[str, str],
        outputs: Mapping[str, str],
        tree: list[dict[str, Any]] | None = None,
        sub_trees: Mapping[str, tuple[str, Mapping[str, Any], list[dict[str, Any]]]] | None = None,
        protobuf: bool = False,
    ) -> snowleap.Model:
        built[0] += 1
        folder = tmp_path / f"bundle_{op}_{built[0]}"
        write_bundle_json(folder)
        write_node(folder / "root", f"{op}_node", op, attributes, inputs, outputs)
        if tree is not None:
            write_tree(folder / "root", tree)
        for name, (sub_op, sub_attributes, nodes) in (sub_trees or {}).items():
            write_tree(folder / "root" / name, nodes)
            (folder / "root" / name / "model.json").write_text(
                json.dumps({"op": sub_op, "attributes": dict(sub_attributes)})
            )
        if protobuf:
            return snowleap.load(to_protobuf_bundle(folder, folder.with_name(f"{folder.name}_pb")))
        return snowleap.load(folder)

    return build


def long_value(value: int) -> dict[str, Any]:
    """A Bundle.ML JSON ``long`` scalar attribute."""
    return {"long": value}


def double_list(values: list[float]) -> dict[str, Any]:
    """A Bundle.ML JSON list-of-doubles attribute."""
    return {"type": "list", "double": values}


def string_list(values: list[str]) -> dict[str, Any]:
    """A Bundle.ML JSON list-of-strings attribute."""
    return {"type": "list", "string": values}


def random_tree_nodes(
    rng: random.Random, num_features: int, leaf: Callable[[], list[float]], depth: int
) -> list[dict[str, Any]]:
    """Pre-order nodes of a seeded random tree: about half the splits categorical (either
    ``is_left``), thresholds often equal to feature values, leaves from ``leaf()``."""
    if depth == 0 or rng.random() < 0.12:
        return [tree_leaf(*leaf())]
    feature = rng.randrange(num_features)
    if rng.random() < 0.5:
        categories = sorted(float(c) for c in rng.sample(range(8), rng.randint(1, 4)))
        node = tree_category_split(feature, categories, rng.random() < 0.5, 8)
    else:
        node = tree_split(feature, rng.choice([0.0, 1.0, 2.5, round(rng.uniform(-5, 10), 2)]))
    left = random_tree_nodes(rng, num_features, leaf, depth - 1)
    right = random_tree_nodes(rng, num_features, leaf, depth - 1)
    return [node, *left, *right]


def reference_leaf_values(nodes: list[dict[str, Any]], x: list[float]) -> list[float]:
    """The leaf values ``x`` reaches: MLeap's recursive ``predictImpl`` over pre-order nodes,
    written independently of snowleap's flat arrays to check them."""

    def walk(position: int) -> tuple[list[float], int]:
        node = nodes[position]
        if node["type"] == "leaf":
            return node["values"], position + 1
        split = node["split"]
        value = x[split["featureIndex"]]
        if split["type"] == "continuous":
            go_left = value <= split["threshold"]
        else:
            go_left = (value in split["categories"]) == split["isLeft"]
        left, after_left = walk(position + 1)
        right, after_right = walk(after_left)
        return (left if go_left else right), after_right

    return walk(0)[0]


def random_feature_rows(rng: random.Random, num_features: int, count: int) -> list[list[float]]:
    """Rows mixing category values 0..7, unseen ones, fractions, signed zeros, inf and NaN."""
    pool = [0.0, 1.0, 2.0, 2.5, 3.0, 7.0, 9.0, -0.0, -1.0, math.nan, math.inf, -math.inf]

    def value() -> float:
        return rng.choice(pool) if rng.random() < 0.6 else rng.uniform(-6, 11)

    return [[value() for _ in range(num_features)] for _ in range(count)]
