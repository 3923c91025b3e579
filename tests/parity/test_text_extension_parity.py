"""MLeap's text extension ops, which no Spark stage writes: golden bundles built here in MLeap's
format (from MLeap's Scala source), the expected values from MLeap's JVM runtime."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import snowleap
from snowleap.spark.compare import row_differences
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.conftest import Node, write_bundle
from tests.parity.mleap_runtime import MleapRuntime
from tests.parity.test_extension_parity import zipped

ROW_ID = "row_id"


def golden_rows_parity(
    runtime: MleapRuntime, node: Node, rows: list[dict[str, Any]], tmp: Path
) -> None:
    """snowleap (both paths) = MLeap's runtime on every row, the bundle in JSON and protobuf."""
    folder = write_bundle(tmp / "golden", [node])
    bundles = {
        "json": zipped(folder, tmp / "golden-json.zip"),
        "protobuf": zipped(to_protobuf_bundle(folder, tmp / "golden-pb"), tmp / "golden-pb.zip"),
    }
    problems = []
    for fmt, path in bundles.items():
        model = snowleap.load(path)
        mleap = runtime.transform(runtime.load(path), rows, ROW_ID)
        outputs = list(model.output_schema)
        inputs = {name: [row[name] for row in rows] for name in model.input_schema}
        frame = model.transform(inputs)
        batch = [{ROW_ID: i, **{c: frame[c][i] for c in outputs}} for i in range(len(rows))]
        single = [{ROW_ID: i, **(model.transform_row(dict(r)) or {})} for i, r in enumerate(rows)]
        found = row_differences(mleap, batch, [ROW_ID, *outputs], ("mleap", "snowleap"))
        found += row_differences(
            mleap, single, [ROW_ID, *outputs], ("mleap", "snowleap transform_row")
        )
        problems += [f"[{fmt}] {p}" for p in found]
    assert not problems, "parity failures:\n  " + "\n  ".join(problems)


def word_rows() -> list[dict[str, Any]]:
    words = [
        "word",
        "abc",
        "abcd",
        "naïve",
        "a1bc",
        "",
        "日本語です",
        "ΟΔΟΣ",
        "😀😀😀😀",
        "\U0001d400\U0001d401\U0001d402\U0001d403",
        "e-mail",
        "Straße",
        "ǅemal",
    ]
    rows = [{"tokens": words[i % len(words) : i % len(words) + 4]} for i in range(60)]
    return [{"tokens": []}, *rows]


def test_word_filter(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    node = Node("word_filter", {"length": {"int": 3}}, {"input": "tokens"}, {"output": "kept"})
    golden_rows_parity(mleap_runtime, node, word_rows(), tmp_path)


def test_map_entry_selector(tmp_path: Path) -> None:
    # NOTE: MLeap 0.16 has no map_entry_selector, so no JVM runtime here can referee it: the
    # format and the math are MLeap's source's (MapEntrySelectorOp, MapEntrySelectorModel on
    # master): m.getOrElse(key, defaultValue). The expected values below follow that rule.
    node = Node(
        "map_entry_selector",
        {
            "key_type": {"basic_type": "string"},
            "value_type": {"basic_type": "double"},
            "default_value": {"double": 0.5},
        },
        {"input": "scores", "key": "which"},
        {"output": "picked"},
    )
    folder = write_bundle(tmp_path / "golden", [node])
    rows = {"scores": [{"a": 1.0, "ü": 2.0}, {}, {"a": 3.0}], "which": ["ü", "a", "b"]}
    for path in (folder, to_protobuf_bundle(folder, tmp_path / "golden-pb")):
        model = snowleap.load(path)
        assert model.transform(rows)["picked"].tolist() == [2.0, 0.5, 0.5]
        assert [
            model.transform_row({"scores": m, "which": k})["picked"]
            for m, k in zip(rows["scores"], rows["which"], strict=True)
        ] == [2.0, 0.5, 0.5]
