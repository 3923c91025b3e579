"""Node-by-node comparison of two bundles of one pipeline: snowleap's writer against MLeap's.

Both bundles are read with snowleap's format readers (no op is built), node by node: the node
files present, each node's name and ports, its model's op and every attribute with its type
and shape, and every tree file. What may differ is listed in ``ALLOWED`` with the reason; any
other difference is reported.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from snowleap.bundle.archive import BundleArchive, open_archive
from snowleap.bundle.json_format import JsonFormat
from snowleap.bundle.proto_format import ProtoFormat
from snowleap.bundle.reader import read_bundle_info
from snowleap.bundle.values import DataShape, Value

#: the differences the comparison accepts, and why
ALLOWED = {
    "bundle.json uid and timestamp": "each write gets a fresh random uid and the current time",
    "isNullable of a data shape": (
        "MLeap copies the nullable flag of Spark's schema of the transformed sample; snowleap "
        "writes the raw inputs' flags from the sample and true for columns a stage computes "
        "(it only widens what MLeap's runtime accepts: a non-null value passes a nullable slot)"
    ),
    "order of word_to_vector's words": (
        "MLeap writes the words in a Scala hash map's iteration order, snowleap sorts them; each "
        "word keeps its own vector either way (compared as word -> vector pairs)"
    ),
}


def _word_pairs(attributes: dict[str, Any]) -> dict[str, Any]:
    """word_to_vector's attributes with its words, indices and vectors as sorted pairs."""
    words = attributes.pop("words")[1].get("string", [])
    indices = attributes.pop("indices", ("list", {"long": list(range(len(words)))}))[1]["long"]
    flat = attributes.pop("word_vectors")[1].get("double", [])
    size = len(flat) // max(len(words), 1)
    attributes["word -> vector"] = sorted(
        (word, tuple(flat[i * size : (i + 1) * size]))
        for word, i in zip(words, indices, strict=True)
    )
    return attributes


def _plain(value: Value) -> Any:
    """A value as plain data; zero scalar fields dropped (JSON and protobuf drop them too)."""
    if value.kind == "tensor":
        assert value.tensor is not None
        tensor = value.tensor
        return ("tensor", tensor.base, tuple(tensor.dimensions), _numbers(list(tensor.values)))
    fields: dict[str, Any] = {}
    for key, item in value.fields.items():
        if value.kind == "list":
            if item:
                fields[key] = [_shape(i) if isinstance(i, DataShape) else i for i in item]
        elif isinstance(item, DataShape):
            fields[key] = _shape(item)
        elif item not in (0, 0.0, "", False):
            fields[key] = item
    return (value.kind, {k: _numbers(v) for k, v in fields.items()})


def _shape(shape: DataShape) -> tuple[Any, ...]:
    # NOTE: isNullable is compared apart (see ALLOWED).
    return ("data_shape", shape.base, shape.tensor_dimensions)


def _numbers(items: Any) -> Any:
    """NaN as a string so that NaN == NaN (JSON null splits read back as NaN on both sides)."""
    if isinstance(items, float) and math.isnan(items):
        return "NaN"
    if isinstance(items, list):
        return [_numbers(i) for i in items]
    return items


#: ops whose tree file holds ``ctree.Node``s (their model file sorts before it: parsed first)
CLUSTER_TREE_OPS = ("bisecting_k_means",)


def _files(archive: BundleArchive) -> dict[str, Any]:
    info = read_bundle_info(archive)
    fmt: Any = JsonFormat() if info.format == "json" else ProtoFormat()
    parsed: dict[str, Any] = {}
    for name in sorted(archive.names()):
        data = archive.read(name)
        if name == "bundle.json":
            continue
        base = name.rsplit("/", 1)[-1]
        if base == f"node.{fmt.extension}":
            node = fmt.parse_node(data, name)
            parsed[name] = ("node", node.name, node.shape)
        elif base == f"model.{fmt.extension}":
            model = fmt.parse_model(data, name)
            attributes = {k: _plain(v) for k, v in model.attributes.items()}
            if model.op == "word_to_vector":
                attributes = _word_pairs(attributes)
            parsed[name] = ("model", model.op, attributes)
        elif parsed.get(name.rsplit("/", 1)[0] + f"/model.{fmt.extension}", ("",) * 2)[1] in (
            CLUSTER_TREE_OPS
        ):
            parsed[name] = ("cluster tree", fmt.parse_cluster_tree(data, name))
        else:
            parsed[name] = ("tree", fmt.parse_tree(data, name))
    return parsed


def bundle_differences(snowleap_zip: Path, mleap_zip: Path) -> list[str]:
    """Where the two bundles differ beyond ``ALLOWED`` (empty: node for node the same)."""
    ours, theirs = open_archive(snowleap_zip), open_archive(mleap_zip)
    a, b = read_bundle_info(ours), read_bundle_info(theirs)
    problems = [
        f"bundle.json {key}: snowleap {getattr(a, key)!r} != mleap {getattr(b, key)!r}"
        for key in ("name", "format")
        if getattr(a, key) != getattr(b, key)
    ]
    files_a, files_b = _files(ours), _files(theirs)
    for name in sorted(set(files_a) | set(files_b)):
        if name not in files_a or name not in files_b:
            problems.append(
                f"{name}: only in {'snowleap' if name in files_a else 'mleap'}'s bundle"
            )
        elif files_a[name] != files_b[name]:
            problems.append(f"{name}: snowleap {files_a[name]!r}\n    != mleap {files_b[name]!r}")
    return problems
