"""Reading bundles safely: every source form, and every kind of bad or hostile bundle.

Each bad bundle must raise ``snowleap.BundleError`` whose message names the file or node and
the problem; nothing in a bundle is ever executed or unpickled.
"""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.bundle import archive as archive_module
from snowleap.bundle.reader import MAX_NESTING
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.conftest import double_tensor, write_bundle_json, write_node

SCALER = {"mean": double_tensor([1.0, 10.0]), "std": double_tensor([2.0, 4.0])}


def scaler_bundle(folder: Path, attributes: dict[str, object] | None = None) -> Path:
    """A two-node bundle: a pipeline whose one child scales ``x`` into ``y``."""
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "pipeline",
        "pipeline",
        {"nodes": {"type": "list", "string": ["scaler"]}},
        {},
        {},
    )
    write_node(
        folder / "root" / "scaler.node",
        "scaler",
        "standard_scaler",
        SCALER if attributes is None else attributes,
        {"input": "x"},
        {"output": "y"},
    )
    return folder


def zip_bytes(folder: Path, wrap: str = "") -> bytes:
    """The folder zipped the way MLeap does (``bundle.json`` at the top), or inside ``wrap/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, wrap + path.relative_to(folder).as_posix())
    return out.getvalue()


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def entries_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def assert_scales(model: snowleap.Model) -> None:
    # (3 - 1) / 2 = 1, (2 - 10) / 4 = -2
    assert model.transform({"x": np.array([[3.0, 2.0]])})["y"].tolist() == [[1.0, -2.0]]
    assert model.transform_row({"x": [3.0, 2.0]}) == {"x": [3.0, 2.0], "y": [1.0, -2.0]}


def bundle_error(match: str) -> Any:
    return pytest.raises(snowleap.BundleError, match=match)


# -- every source form -------------------------------------------------------------------------


def test_loads_from_a_zip_path_str_and_pathlike(tmp_path: Path) -> None:
    zipped = tmp_path / "scaler.zip"
    zipped.write_bytes(zip_bytes(scaler_bundle(tmp_path / "b")))
    assert_scales(snowleap.load(zipped))
    assert_scales(snowleap.load(str(zipped)))


def test_loads_from_an_unzipped_folder(tmp_path: Path) -> None:
    assert_scales(snowleap.load(scaler_bundle(tmp_path / "b")))


def test_loads_from_bytes_bytearray_and_memoryview(tmp_path: Path) -> None:
    data = zip_bytes(scaler_bundle(tmp_path / "b"))
    for source in (data, bytearray(data), memoryview(data)):
        assert_scales(snowleap.load(source))


def test_loads_from_a_binary_file_object(tmp_path: Path) -> None:
    zipped = tmp_path / "scaler.zip"
    zipped.write_bytes(zip_bytes(scaler_bundle(tmp_path / "b")))
    with zipped.open("rb") as handle:
        assert_scales(snowleap.load(handle))
    assert_scales(snowleap.load(io.BytesIO(zipped.read_bytes())))


def test_loads_a_zip_that_wraps_the_bundle_in_one_folder(tmp_path: Path) -> None:
    assert_scales(snowleap.load(zip_bytes(scaler_bundle(tmp_path / "b"), wrap="scaler/")))


def test_text_file_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bundle.txt"
    path.write_text("not a zip")
    with path.open() as handle, bundle_error("binary mode"):
        snowleap.load(handle)  # type: ignore[arg-type]


def test_unsupported_source_type_is_refused() -> None:
    with bundle_error(r"cannot read a bundle from int"):
        snowleap.load(42)  # type: ignore[arg-type]


def test_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.zip"
    with bundle_error(rf"^{re.escape(str(missing))}: no such bundle file or folder"):
        snowleap.load(missing)


# -- broken zips -------------------------------------------------------------------------------


def test_truncated_zip_is_not_a_valid_zip(tmp_path: Path) -> None:
    zipped = tmp_path / "cut.zip"
    zipped.write_bytes(zip_bytes(scaler_bundle(tmp_path / "b"))[:-200])
    with bundle_error(rf"^{re.escape(str(zipped))}: not a valid zip archive"):
        snowleap.load(zipped)


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    with bundle_error(r"^bundle bytes: not a valid zip archive"):
        snowleap.load(b"PK\x03\x04 but nothing else")


def test_corrupt_entry_data_names_the_entry(tmp_path: Path) -> None:
    data = bytearray(zip_bytes(scaler_bundle(tmp_path / "b")))
    # flip bytes inside the compressed data of the first entry (after its 30-byte header + name)
    name_length = struct.unpack_from("<H", data, 26)[0]
    start = 30 + name_length
    for i in range(start, start + 8):
        data[i] ^= 0xFF
    with bundle_error(r"^bundle bytes: entry 'bundle\.json' is corrupt"):
        snowleap.load(bytes(data))


def _set_header(
    data: bytearray,
    name: bytes,
    local_offset: int,
    central_offset: int,
    value: int,
    fmt: str = "<I",
) -> None:
    """Overwrite one field in both the local and the central header of entry ``name``."""
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 1)
    struct.pack_into(fmt, data, local + local_offset, value)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into(fmt, data, central + central_offset, value)


def test_entry_with_an_unknown_compression_method_is_refused() -> None:
    data = bytearray(zip_of({"bundle.json": b"{}"}))
    _set_header(data, b"bundle.json", 8, 10, 99, "<H")  # method 99: AES encryption
    with bundle_error(r"^bundle bytes: entry 'bundle\.json' uses compression method 99"):
        snowleap.load(bytes(data))


def test_random_damage_to_a_zip_only_ever_raises_bundle_errors(tmp_path: Path) -> None:
    data = zip_bytes(scaler_bundle(tmp_path / "b"))
    rng = random.Random(33)
    refused = 0
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.3:
            damaged = damaged[: rng.randrange(len(damaged))]
        try:
            snowleap.load(bytes(damaged))
        except snowleap.BundleError:
            refused += 1
    assert refused > 0


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
        ("root/model.json", b"[" * 100_000, r"root/model\.json: JSON nests too deeply"),
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


# -- hostile archives ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("../evil.json", r"entry '\.\./evil\.json' escapes the bundle folder"),
        ("root/../../evil.json", r"entry 'root/\.\./\.\./evil\.json' escapes the bundle folder"),
        ("..\\evil.json", r"entry '\.\.\\\\evil\.json' escapes the bundle folder"),
        ("/etc/evil.json", r"entry '/etc/evil\.json' has an absolute path"),
        ("C:/evil.json", r"entry 'C:/evil\.json' has an absolute path"),
    ],
)
def test_zip_entry_escaping_its_folder_is_refused(tmp_path: Path, entry: str, message: str) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    entries[entry] = b"{}"
    with bundle_error(rf"^bundle bytes: {message}"):
        snowleap.load(zip_of(entries))


def test_zip_entry_without_a_name_is_refused(tmp_path: Path) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    entries["@"] = b"{}"
    data = bytearray(zip_of(entries))
    # NOTE: zipfile cannot write a nameless entry; turn the central name "@" into a comment
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 47] != b"@":
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into("<HHH", data, central + 28, 0, 0, 1)
    with bundle_error(r"^bundle bytes: an entry has an empty name"):
        snowleap.load(bytes(data))


def test_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        archive.writestr("root/scaler.node/padding.bin", bytes(20 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 100_000, "the bomb itself stays small"
    path = tmp_path / "bomb.zip"
    path.write_bytes(data)
    with bundle_error(
        rf"^{re.escape(str(path))}: entry 'root/scaler\.node/padding\.bin' unpacks to "
        r"20971520 bytes from \d+ \(a zip bomb\?\)"
    ):
        snowleap.load(path)


def test_entry_larger_than_its_header_says_is_refused(tmp_path: Path) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    entries["root/model.json"] = entries["root/model.json"] + b" " * 1_000_000
    data = bytearray(zip_of(entries))
    # NOTE: both headers of root/model.json now claim 300 bytes; the data inflates to ~1 MB
    _set_header(data, b"root/model.json", 22, 24, 300)
    with bundle_error(r"^bundle bytes: entry 'root/model\.json' is corrupt \(Bad CRC-32"):
        snowleap.load(bytes(data))


def test_bzip2_bomb_with_a_lying_header_is_refused_unread(tmp_path: Path) -> None:
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
        archive.writestr("root/x.bin", bytes(8 * 1024 * 1024), zipfile.ZIP_BZIP2)
    data = bytearray(out.getvalue())
    _set_header(data, b"root/x.bin", 22, 24, 300)  # claims 300 bytes, inflates to 8 MiB
    with bundle_error(r"^bundle bytes: entry 'root/x\.bin' uses compression method 12"):
        snowleap.load(bytes(data))


def test_archive_unpacking_to_too_much_in_total_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NOTE: the real limit is 1 GiB; it is lowered here so the test stays small.
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 4096)
    entries = entries_of(scaler_bundle(tmp_path / "b"))
    entries["root/notes.txt"] = b"x" * 5000
    with bundle_error(r"^bundle bytes: archive unpacks to more than 4096 bytes"):
        snowleap.load(zip_of(entries))


def test_symlink_escaping_a_bundle_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"op": "standard_scaler", "attributes": SCALER}))
    folder = scaler_bundle(tmp_path / "b")
    model = folder / "root" / "scaler.node" / "model.json"
    model.unlink()
    model.symlink_to(outside)
    with bundle_error(r"'root/scaler\.node/model\.json' escapes the bundle folder"):
        snowleap.load(folder)


def test_symlinked_node_folder_escaping_the_bundle_is_refused(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    node = folder / "root" / "scaler.node"
    node.rename(tmp_path / "elsewhere")
    node.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with bundle_error(r"'root/scaler\.node/node\.json' escapes the bundle folder"):
        snowleap.load(folder)


def test_symlink_inside_the_bundle_folder_is_followed(tmp_path: Path) -> None:
    folder = scaler_bundle(tmp_path / "b")
    model = folder / "root" / "scaler.node" / "model.json"
    (folder / "root" / "shared_model.json").write_bytes(model.read_bytes())
    model.unlink()
    model.symlink_to(folder / "root" / "shared_model.json")
    assert_scales(snowleap.load(folder))


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
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if forbidden.search(path.read_text())
    ]
    assert offenders == []
