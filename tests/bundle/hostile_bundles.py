"""The hostile-bundle corpus, generated (never committed): small zips built to cost a loader
seconds and gigabytes, or to load and then fail every request. Each starts from a real bundle
(the airbnb random forest of ``tests/fixtures``) with one part made hostile."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "airbnb_random_forest"
INDEXER = "root/StringIndexer_570a6fdc83ab.node/model.json"
ENCODER = "root/OneHotEncoder_59732c48d492.node/model.json"
ASSEMBLER = "root/VectorAssembler_4b45e0b1560e.node/model.json"
FOREST = "root/RandomForestRegressor_86e3859f4da0.node"
MIB = 1024 * 1024

Entries = dict[str, bytes]


def fixture_entries() -> Entries:
    with zipfile.ZipFile(FIXTURE / "bundle-json.zip") as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def zipped(entries: Entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def edited(path: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Entries], None]:
    def apply(entries: Entries) -> None:
        document = json.loads(entries[path])
        change(document)
        entries[path] = json.dumps(document).encode()

    return apply


def labels(count: int) -> Callable[[Entries], None]:
    def apply(entries: Entries) -> None:
        text = ",".join(f'"{n:x}"' for n in range(count))
        document = json.loads(entries[INDEXER])
        document["attributes"]["labels"]["string"] = ["_"]
        entries[INDEXER] = json.dumps(document).encode().replace(b'["_"]', f"[{text}]".encode())

    return apply


def tree_of(nodes: int) -> Callable[[Entries], None]:
    def apply(entries: Entries) -> None:
        internal = (
            b'{"type":"internal","split":{"type":"continuous","featureIndex":1,"threshold":0.5}}\n'
        )
        leaf = b'{"type":"leaf","values":[1.0]}\n'
        entries[f"{FOREST}/tree0/tree.json"] = internal * (nodes // 2) + leaf * (nodes - nodes // 2)

    return apply


def set_op(op: str) -> Callable[[Entries], None]:
    return edited(ENCODER, lambda doc: doc.update(op=op))


def declared_width(width: int) -> Callable[[Entries], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["attributes"]["category_sizes"]["int"] = [width]

    return edited(ENCODER, change)


def assembler_shape(shape: dict[str, Any]) -> Callable[[Entries], None]:
    def change(doc: dict[str, Any]) -> None:
        doc["attributes"]["input_shapes"]["data_shape"][0] = shape

    return edited(ASSEMBLER, change)


def wider_vector_input(doc: dict[str, Any]) -> None:
    """The first vector input of an assembler declared 5 wider than what feeds it."""
    for shape in doc["attributes"]["input_shapes"]["data_shape"]:
        if shape.get("base") == "tensor":
            dimension = shape["tensorShape"]["dimensions"][0]
            dimension["size"] += 5
            return
    raise AssertionError("the fixture's assembler has no vector input")


def raw(path: str, data: bytes) -> Callable[[Entries], None]:
    def apply(entries: Entries) -> None:
        entries[path] = data

    return apply


def long_digits(entries: Entries) -> None:
    document = json.loads(entries[ENCODER])
    document["attributes"]["drop_last"] = {"long": 7}
    entries[ENCODER] = (
        json.dumps(document).encode().replace(b'"long": 7', b'"long": ' + b"9" * 5000)
    )


HOSTILE: dict[str, Callable[[Entries], None]] = {
    "op name of 40 MiB": set_op("x" * (40 * MIB)),
    "op name of 1 MiB": set_op("x" * MIB),
    "bundle name of 1 MiB": edited("bundle.json", lambda doc: doc.update(name="n" * MIB)),
    "attribute name of 1 MiB": edited(
        ENCODER, lambda d: d["attributes"].update({"a" * MIB: {"int": 1}})
    ),
    "label of 1 MiB": edited(
        INDEXER, lambda d: d["attributes"]["labels"]["string"].append("l" * MIB)
    ),
    "string indexer of 4M labels": labels(4_000_000),
    "string indexer of 1.5M labels": labels(1_500_000),
    "tree of 2M nodes": tree_of(2_000_000),
    "tree of 100k nodes": tree_of(100_000),
    "long of 5000 digits": long_digits,
    "model.json nested 100,000 deep": raw(ENCODER, b"[" * 100_000 + b"]" * 100_000),
    "a file of 3M commas": raw(
        ENCODER, b'{"op": "one_hot_encoder", "attributes": {}, "x": [' + b"0," * 3_000_000 + b"0]}"
    ),
    "one-hot encoder declaring 2e9 categories": declared_width(2_000_000_000),
    "one-hot encoder declaring 20M categories": declared_width(20_000_000),
    "assembler declaring a vector of 2e9": assembler_shape(
        {
            "base": "tensor",
            "isNullable": False,
            "tensorShape": {"dimensions": [{"size": 2_000_000_000}]},
        }
    ),
    "tensor declaring 1e12 elements": edited(
        f"{FOREST}/tree0/model.json",
        lambda d: d["attributes"].update(
            w={"type": "tensor", "double": [1.0], "shape": {"dimensions": [{"size": 10**6}] * 2}}
        ),
    ),
    "zip bomb entry of 40 MiB": raw(f"{FOREST}/tree1/tree.json", b"\0" * (40 * MIB)),
    "entry escaping the bundle": raw("../../etc/evil", b"x"),
    "truncated model.json": raw(ENCODER, b'{"op": "one_hot_enc'),
}


SESSION_BUNDLE = Path(__file__).resolve().parents[2] / "bundles" / "snowleap-default.zip"


def session_entries() -> Entries:
    with zipfile.ZipFile(SESSION_BUNDLE) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def hostile_bundles() -> Iterator[tuple[str, bytes]]:
    """(name, zip bytes) of each hostile bundle, one at a time (some hold megabytes)."""
    for name, change in HOSTILE.items():
        entries = fixture_entries()
        change(entries)
        yield name, zipped(entries)
    # NOTE: the default session model, whose synthetic session (zeros, "unknown") every string
    # indexer accepts: its assembler declares one vector input 5 wider than what feeds it.
    entries = session_entries()
    assembler = next(n for n in entries if "VectorAssembler" in n and n.endswith("model.json"))
    edited(assembler, wider_vector_input)(entries)
    yield "session model: assembler declaring a width its input lacks", zipped(entries)
    yield "not a zip", b"PK\x03\x04" + b"\xff" * 1000
    yield "truncated zip", zipped(fixture_entries())[:5000]
