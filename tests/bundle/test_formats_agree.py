"""JSON and protobuf bundles of the same model score identically: hand-made, the reference
bundles converted, bundles MLeap itself wrote in protobuf, and Spark pipelines MLeap exported
in both formats (``tests/fixtures``).
"""

from __future__ import annotations

import io
import json
import math
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.leapframe import read_leapframe
from tests.bundle.proto_cases import JSON, PROTO, WHERE, as_data
from tests.bundle.protobuf_bundles import ProtobufWriter, to_protobuf_bundle
from tests.bundle.small_bundles import scaler_bundle
from tests.conftest import double_tensor
from tests.fixtures.mleap_protobuf.make_fixtures import forest_bundle, random_tree
from tests.tree_nodes import tree_category_split, tree_leaf, tree_split


def test_bundle_json_declares_protobuf(tmp_path: Path) -> None:
    bundle = scaler_bundle(tmp_path / "json", SCALER_3)
    proto = to_protobuf_bundle(bundle, tmp_path / "proto")
    info = json.loads((proto / "bundle.json").read_text())
    assert info["format"] == "protobuf"
    assert sorted(p.name for p in (proto / "root").rglob("*") if p.is_file()) == [
        "model.pb",
        "model.pb",
        "node.pb",
        "node.pb",
    ]
    assert snowleap.load(proto).info.format == "protobuf"


# -- the same model in both formats ------------------------------------------------------------


# NOTE: three features, the last with a zero std
SCALER_3 = {"mean": double_tensor([1.0, 10.0, -2.0]), "std": double_tensor([2.0, 4.0, 0.0])}


def test_json_and_protobuf_bundles_score_identically(tmp_path: Path, score_both) -> None:
    json_model = snowleap.load(scaler_bundle(tmp_path / "json", SCALER_3))
    proto_dir = to_protobuf_bundle(tmp_path / "json", tmp_path / "proto")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in proto_dir.rglob("*"):
            archive.write(path, path.relative_to(proto_dir).as_posix())
    proto_model = snowleap.load(zipped.getvalue())

    described_json, described_proto = json_model.describe(), proto_model.describe()
    assert described_json.pop("format") == "json"
    assert described_proto.pop("format") == "protobuf"
    assert described_proto == described_json

    columns = {"x": np.array([[3.0, 2.0, 5.0], [1.0, 10.0, math.nan]])}
    from_json = score_both(json_model, columns)
    from_proto = score_both(proto_model, columns)
    # (3-1)/2 = 1, (2-10)/4 = -2, zero std gives 0
    assert from_proto["y"].tolist() == [[1.0, -2.0, 0.0], [0.0, 0.0, 0.0]]
    assert from_proto["y"].tolist() == from_json["y"].tolist()


REFERENCE_BUNDLES = [
    "airbnb.model.lr.zip",
    "demo.zip",
    "min_max_scaler_tf.zip",
    "one_hot_encoder_pipeline.zip",
]


@pytest.mark.parametrize("bundle", REFERENCE_BUNDLES)
def test_reference_bundles_parse_alike_in_both_formats(
    reference_dir: Path, tmp_path: Path, bundle: str
) -> None:
    proto_dir = to_protobuf_bundle(reference_dir / bundle, tmp_path)
    with zipfile.ZipFile(reference_dir / bundle) as archive:
        names = [n for n in archive.namelist() if n.endswith(("model.json", "node.json"))]
        assert names
        for name in names:
            pb_file = proto_dir / (name[: -len(".json")] + ".pb")
            data = archive.read(name)
            if name.endswith("model.json"):
                expected = as_data(JSON.parse_model(data, name))
                assert as_data(PROTO.parse_model(pb_file.read_bytes(), str(pb_file))) == expected
            else:
                expected_node = JSON.parse_node(data, name)
                assert PROTO.parse_node(pb_file.read_bytes(), str(pb_file)) == expected_node


# -- real ops on both formats ------------------------------------------------------------------


def _same_frames(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert list(a) == list(b)
    for name in a:
        left, right = np.asarray(a[name]), np.asarray(b[name])
        if left.dtype.kind == "f":
            assert np.array_equal(left, right, equal_nan=True), name
        else:
            assert left.tolist() == right.tolist(), name


@pytest.mark.parametrize("bundle", REFERENCE_BUNDLES)
def test_reference_bundles_score_identically_in_both_formats(
    reference_dir: Path, tmp_path: Path, bundle: str
) -> None:
    stem = bundle[: -len(".zip")]
    frame = json.loads((reference_dir / f"{stem}.expected.json").read_text())["frame"]
    from_json = snowleap.load(reference_dir / bundle)
    from_proto = snowleap.load(to_protobuf_bundle(reference_dir / bundle, tmp_path))
    assert from_proto.info.format == "protobuf"
    columns = read_leapframe(frame)
    _same_frames(from_json.transform(dict(columns)), from_proto.transform(dict(columns)))
    for i in range(len(frame["rows"])):
        row = {n: c[i].tolist() if isinstance(c, np.ndarray) else c[i] for n, c in columns.items()}
        assert _equal_or_both_nan(from_proto.transform_row(row), from_json.transform_row(row))


def _equal_or_both_nan(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return list(a) == list(b) and all(_equal_or_both_nan(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal_or_both_nan(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def test_forest_with_both_split_kinds_scores_identically_in_both_formats(
    tmp_path: Path, score_both
) -> None:
    # tree0: x0 <= 1 ? 1 : 2;  tree1: left (10) iff x1 is NOT in {0}, else 20
    trees = {
        "tree0": [tree_split(0, 1.0), tree_leaf(1.0), tree_leaf(2.0)],
        "tree1": [tree_category_split(1, [0.0], False, 2), tree_leaf(10.0), tree_leaf(20.0)],
    }
    rng = random.Random(11)
    trees.update({f"tree{i}": random_tree(rng, 5, 3) for i in range(2, 8)})
    json_dir = forest_bundle(tmp_path / "json", trees, 3)
    proto_dir = to_protobuf_bundle(json_dir, tmp_path / "proto")
    assert (proto_dir / "root" / "tree1" / "tree.pb").is_file()
    from_json, from_proto = snowleap.load(json_dir), snowleap.load(proto_dir)

    rows = np.array([[rng.choice([0.0, 1.0, 2.0, 3.0, 0.5]) for _ in range(3)] for _ in range(200)])
    rows[::17, 1] = math.nan
    json_out = score_both(from_json, {"features": rows})
    proto_out = score_both(from_proto, {"features": rows})
    assert np.array_equal(json_out["prediction"], proto_out["prediction"], equal_nan=True)

    only_two = forest_bundle(tmp_path / "two", {k: trees[k] for k in ("tree0", "tree1")}, 3)
    two = snowleap.load(to_protobuf_bundle(only_two, tmp_path / "two_pb"))
    out = score_both(two, {"features": np.array([[0.0, 0.0, 0.0], [2.0, 3.0, 0.0]])})
    # (1 + 20) / 2 = 10.5 and (2 + 10) / 2 = 6
    assert out["prediction"].tolist() == [10.5, 6.0]


# -- bundles MLeap itself wrote in protobuf ------------------------------------------------------

MLEAP_WRITTEN = Path(__file__).resolve().parent.parent / "fixtures" / "mleap_protobuf"
MLEAP_CASES = sorted(p.name[: -len(".pb.zip")] for p in MLEAP_WRITTEN.glob("*.pb.zip"))


def test_mleap_written_fixtures_are_present_and_protobuf() -> None:
    assert MLEAP_CASES == ["forest", "listings"]
    for case in MLEAP_CASES:
        with zipfile.ZipFile(MLEAP_WRITTEN / f"{case}.pb.zip") as archive:
            info = json.loads(archive.read("bundle.json"))
            assert (info["format"], info["version"]) == ("protobuf", "0.16.0")
            assert "root/model.pb" in archive.namelist()
    with zipfile.ZipFile(MLEAP_WRITTEN / "forest.pb.zip") as archive:
        # MLeap's runtime before 0.23 saved trees as nodes.pb (the legacy name snowleap reads)
        assert "root/tree0/nodes.pb" in archive.namelist()


@pytest.mark.parametrize("case", MLEAP_CASES)
def test_mleap_written_protobuf_scores_like_its_json_source(case: str) -> None:
    frame = json.loads((MLEAP_WRITTEN / f"{case}.frame.json").read_text())
    from_json = snowleap.load(MLEAP_WRITTEN / f"{case}.json.zip")
    from_proto = snowleap.load(MLEAP_WRITTEN / f"{case}.pb.zip")
    assert from_proto.input_schema == from_json.input_schema
    assert from_proto.output_schema == from_json.output_schema
    columns = read_leapframe(frame)
    _same_frames(from_json.transform(dict(columns)), from_proto.transform(dict(columns)))
    for i in range(len(frame["rows"])):
        row = {n: c[i].tolist() if isinstance(c, np.ndarray) else c[i] for n, c in columns.items()}
        assert _equal_or_both_nan(from_proto.transform_row(row), from_json.transform_row(row))


def test_mleap_written_listings_price_worked_by_hand() -> None:
    model = snowleap.load(MLEAP_WRITTEN / "listings.pb.zip")
    row = model.transform_row({"state": "NY", "bathrooms": 1.0})
    assert row is not None
    # NY -> index 0 -> one-hot [1, 0, 0] (legacy size 3 = width 3); features [1, 1, 0, 0]
    assert row["features"] == [1.0, 1.0, 0.0, 0.0]
    # scaled: (1-1.5)/0.5 = -1, (1-0.4)/0.25 = 2.4, (0-0.3)/0.5 = -0.6, zero std -> 0
    assert row["scaled"] == pytest.approx([-1.0, 2.4, -0.6, 0.0], rel=1e-12)
    # 100 + 12.5*-1 - 3.25*2.4 + 7*-0.6 + 2*0 = 75.5
    assert row["price"] == pytest.approx(75.5, rel=1e-12)


# -- Spark pipelines exported by MLeap in both formats (tests/fixtures/<case>/bundle-*.zip) ------

FIXTURES = MLEAP_WRITTEN.parent
GOLDEN = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if (p / "bundle-json.zip").is_file() and (p / "bundle-protobuf.zip").is_file()
)


def test_golden_spark_exports_are_present() -> None:
    assert {"airbnb_random_forest", "room_type_logistic"} <= set(GOLDEN)


@pytest.mark.parametrize("case", GOLDEN)
def test_every_file_of_an_mleap_export_parses_alike_in_both_formats(case: str) -> None:
    with (
        zipfile.ZipFile(FIXTURES / case / "bundle-json.zip") as json_zip,
        zipfile.ZipFile(FIXTURES / case / "bundle-protobuf.zip") as proto_zip,
    ):
        json_files = sorted(n for n in json_zip.namelist() if n.endswith(".json"))
        proto_files = sorted(n for n in proto_zip.namelist() if n.endswith(".pb"))
        assert [n[: -len(".json")] for n in json_files if n != "bundle.json"] == [
            n[: -len(".pb")] for n in proto_files
        ]
        trees = 0
        for name in json_files:
            if name == "bundle.json":
                continue
            pb_name = name[: -len(".json")] + ".pb"
            data, pb_data = json_zip.read(name), proto_zip.read(pb_name)
            if name.endswith("model.json"):
                assert as_data(PROTO.parse_model(pb_data, pb_name)) == as_data(
                    JSON.parse_model(data, name)
                ), name
            elif name.endswith("node.json"):
                assert PROTO.parse_node(pb_data, pb_name) == JSON.parse_node(data, name), name
            else:
                trees += 1
                assert PROTO.parse_tree(pb_data, pb_name) == JSON.parse_tree(data, name), name
        assert json.loads(proto_zip.read("bundle.json"))["format"] == "protobuf"
    if case == "airbnb_random_forest":
        assert trees == 20, "every tree file of the 20-tree forest was compared"


def test_infinities_and_nan_survive_protobuf_exactly() -> None:
    # NOTE: MLeap's JSON writes these as null; protobuf keeps the IEEE bits (bucketizer splits).
    writer = ProtobufWriter()
    message = writer.new("ml.bundle.Model")
    message.op = "bucketizer"
    splits = message.attributes.list["splits"]
    splits.t.base = 7
    splits.t.shape.dimensions.add(size=4)
    splits.t.value = struct.pack(">4d", -math.inf, 0.0, 10.0, math.inf)
    message.attributes.list["missing"].s.d = math.nan
    model = PROTO.parse_model(message.SerializeToString(), WHERE)
    assert model.attributes.get_double_vector("splits") == [-math.inf, 0.0, 10.0, math.inf]
    assert math.isnan(model.attributes.get_double("missing"))
