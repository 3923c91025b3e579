"""Writing a bundle: ``bundle.json``, ``root/`` and every node's files, as MLeap lays them out.

One writer serves both serializations: ``bundle_files`` walks the stored node tree once and asks
the format (``JsonWriter`` or ``ProtoWriter``) for the bytes of each model, node and tree file.
The layout is MLeap's (``BundleSerializer``, ``NodeSerializer``, ``GraphSerializer``):

* ``bundle.json`` (JSON in both formats) and the root node's folder ``root/``;
* in a node's folder, ``node.<ext>`` and ``model.<ext>``, tree files beside them
  (``tree.<ext>``), sub-model folders (a forest's ``tree0/``...) and child nodes
  (``<name>.node/``, a pipeline's stages).

``write_bundle`` zips the files and moves the zip into place in one rename, so a reader never
sees a partial bundle, and nothing is left behind when writing fails.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from snowleap.bundle.definitions import BundleInfo, ModelDef, NodeDef, TreeFileNode
from snowleap.bundle.json_writer import JsonWriter, bundle_json
from snowleap.bundle.proto_writer import ProtoWriter
from snowleap.bundle.store import StoredModel, StoredNode
from snowleap.bundle.values import Value
from snowleap.errors import BundleError

#: the Bundle.ML version written into ``bundle.json``: the format as MLeap 0.16 reads it
BUNDLE_VERSION = "0.16.0"

Format = Literal["json", "protobuf"]


class FormatWriter(Protocol):
    """What a serialization must write; ``extension`` names the files (``json``, ``pb``)."""

    name: str
    extension: str

    def model_bytes(self, model: ModelDef) -> bytes: ...

    def node_bytes(self, node: NodeDef) -> bytes: ...

    def tree_bytes(self, nodes: Sequence[TreeFileNode]) -> bytes: ...


_WRITERS: dict[str, FormatWriter] = {"json": JsonWriter(), "protobuf": ProtoWriter()}


def format_writer(fmt: str) -> FormatWriter:
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"format must be 'json' or 'protobuf', got {fmt!r}")
    return writer


def bundle_info(name: str, fmt: str) -> BundleInfo:
    """A fresh ``bundle.json``: a random uid and the local time, as MLeap writes them."""
    return BundleInfo(
        uid=str(uuid.uuid4()),
        name=name,
        format=fmt,
        version=BUNDLE_VERSION,
        timestamp=datetime.datetime.now().isoformat(),
    )


def bundle_files(
    root: StoredNode, fmt: str, meta: Mapping[str, Value] | None = None
) -> dict[str, bytes]:
    """Every file of the bundle by its path inside it, ``bundle.json`` first."""
    writer = format_writer(fmt)
    files = {"bundle.json": bundle_json(bundle_info(root.name, writer.name), meta)}
    _add_node(files, writer, "root", root)
    return files


def _add_node(files: dict[str, bytes], writer: FormatWriter, folder: str, node: StoredNode) -> None:
    _check_name(node.name, folder)
    files[f"{folder}/node.{writer.extension}"] = writer.node_bytes(
        NodeDef(name=node.name, shape=node.shape)
    )
    _add_model(files, writer, folder, node.model)


def _add_model(
    files: dict[str, bytes], writer: FormatWriter, folder: str, model: StoredModel
) -> None:
    path = f"{folder}/model.{writer.extension}"
    files[path] = writer.model_bytes(model.definition(path))
    for stem, nodes in model.trees.items():
        _check_name(stem, folder)
        files[f"{folder}/{stem}.{writer.extension}"] = writer.tree_bytes(nodes)
    for name, sub_model in model.sub_models.items():
        _check_name(name, folder)
        _add_model(files, writer, f"{folder}/{name}", sub_model)
    for child in model.children:
        _check_name(child.name, folder)
        child_folder = f"{folder}/{child.name}.node"
        if f"{child_folder}/node.{writer.extension}" in files:
            raise BundleError(f"{folder}: two child nodes are named {child.name!r}")
        _add_node(files, writer, child_folder, child)


def _check_name(name: str, folder: str) -> None:
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise BundleError(f"{folder}: {name!r} cannot name a file or folder of a bundle")


def write_bundle(
    root: StoredNode,
    path: str | os.PathLike[str],
    fmt: Format = "json",
    meta: Mapping[str, Value] | None = None,
) -> Path:
    """Write the bundle of ``root`` as a zip at ``path``, atomically; returns the absolute path.

    Example
    -------
    >>> write_bundle(stored_pipeline, "model.zip", "protobuf")  # doctest: +SKIP
    PosixPath('/abs/path/model.zip')
    """
    target = Path(path).resolve()
    files = bundle_files(root, fmt, meta)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write_zip(files, stream)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def write_zip(files: Mapping[str, bytes], stream: BinaryIO) -> None:
    """Zip ``files`` (deflate) with an entry for each folder, as Java's zip file system writes."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        folders: set[str] = set()
        for path in files:
            parts = path.split("/")[:-1]
            for depth in range(1, len(parts) + 1):
                folder = "/".join(parts[:depth]) + "/"
                if folder not in folders:
                    folders.add(folder)
                    archive.writestr(zipfile.ZipInfo(folder), b"")
            archive.writestr(path, files[path])
