"""Writing Bundle.ML's JSON serialization: the inverse of ``json_format``.

Follows MLeap's ``JsonSupport`` writers: a scalar keeps only its non-zero fields (a double 0.0 is
``{}``), a list only its non-empty ones, plus ``"type": "list"``; a tensor is its values under its
basic type's name with ``shape`` and ``"type": "tensor"``; a data shape is ``base``,
``isNullable`` and, for tensors, ``tensorShape``. Tree files hold one compact JSON node per line
(depth-first). Like spray-json, MLeap's JSON library, NaN and infinities are written as ``null``
(which MLeap reads back as NaN; ops that store infinities, such as the bucketizer's outer splits,
restore them on load).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from snowleap.bundle.definitions import (
    BundleInfo,
    ClusterNodeDef,
    ModelDef,
    NodeDef,
    TreeFileNode,
)
from snowleap.bundle.values import DataShape, Tensor, Value

# NOTE: the order of MLeap's Scalar/List writers; JSON readers do not care, people do.
_FIELD_ORDER = (
    "boolean",
    "int",
    "long",
    "float",
    "double",
    "string",
    "byte_string",
    "tensor",
    "basic_type",
    "data_shape",
    "model",
)


class JsonWriter:
    """Serializes Bundle.ML files as JSON (``model.json``, ``node.json``, ``tree.json``)."""

    name = "json"
    extension = "json"

    def model_bytes(self, model: ModelDef) -> bytes:
        return _pretty(model_document(model))

    def node_bytes(self, node: NodeDef) -> bytes:
        return _pretty(
            {
                "name": node.name,
                "shape": {
                    "inputs": [{"port": s.port, "name": s.name} for s in node.shape.inputs],
                    "outputs": [{"port": s.port, "name": s.name} for s in node.shape.outputs],
                },
            }
        )

    def tree_bytes(self, nodes: Sequence[TreeFileNode]) -> bytes:
        lines = [json.dumps(_tree_node(n), separators=(",", ":"), allow_nan=False) for n in nodes]
        return ("\n".join(lines) + "\n").encode("utf-8")


def bundle_json(info: BundleInfo, meta: Mapping[str, Value] | None = None) -> bytes:
    """``bundle.json``, which is JSON in both formats."""
    doc: dict[str, Any] = {
        "uid": info.uid,
        "name": info.name,
        "format": info.format,
        "version": info.version,
        "timestamp": info.timestamp,
    }
    if meta:
        doc["meta"] = {name: value_document(value) for name, value in meta.items()}
    return _pretty(doc)


def _pretty(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2, allow_nan=False).encode("utf-8")


def model_document(model: ModelDef) -> dict[str, Any]:
    return {
        "op": model.op,
        "attributes": {name: value_document(v) for name, v in model.attributes.items()},
    }


def value_document(value: Value) -> dict[str, Any]:
    if value.kind == "tensor":
        assert value.tensor is not None, "a tensor value holds a tensor"
        return {**_tensor(value.tensor), "type": "tensor"}
    doc: dict[str, Any] = {}
    for key in _FIELD_ORDER:
        if key not in value.fields:
            continue
        item = value.fields[key]
        if value.kind == "list":
            if item:
                doc[key] = [_element(key, i) for i in item]
        elif not _is_zero(key, item):
            doc[key] = _element(key, item)
    if value.kind == "list":
        doc["type"] = "list"
    return doc


def _is_zero(key: str, item: Any) -> bool:
    if key in ("tensor", "data_shape", "model"):
        return item is None
    if key == "basic_type":
        return bool(item == "unknown")
    if key in ("float", "double"):
        # NOTE: MLeap tests `d != 0`, so -0.0 is dropped too (it reads back as 0.0).
        return bool(item == 0.0)
    return not item


def _element(key: str, item: Any) -> Any:
    if key in ("float", "double"):
        return _number(item)
    if key == "byte_string":
        return base64.b64encode(bytes(item)).decode("ascii")
    if key == "tensor":
        return _tensor(item)
    if key == "data_shape":
        return _data_shape(item)
    if key == "model":
        return model_document(item)
    return item


def _number(value: float) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _dimensions(sizes: Sequence[int]) -> dict[str, Any]:
    return {"dimensions": [{"size": int(size), "name": ""} for size in sizes]}


def _tensor(tensor: Tensor) -> dict[str, Any]:
    items = list(tensor.values)
    if tensor.base in ("float", "double"):
        items = [_number(v) for v in items]
    elif tensor.base == "byte_string":
        items = [base64.b64encode(bytes(v)).decode("ascii") for v in items]
    return {tensor.base: items, "shape": _dimensions(tensor.dimensions)}


def _data_shape(shape: DataShape) -> dict[str, Any]:
    doc: dict[str, Any] = {"base": shape.base, "isNullable": shape.is_nullable}
    if shape.tensor_dimensions is not None:
        doc["tensorShape"] = _dimensions(shape.tensor_dimensions)
    return doc


def _cluster_node(node: ClusterNodeDef) -> dict[str, Any]:
    """spray-json's ``jsonFormat4`` of ``ctree.Node``: every field, by its Scala name."""
    return {
        "index": node.index,
        "norm": _number(node.norm),
        "values": [_number(v) for v in node.values],
        "numChildren": node.num_children,
    }


def _tree_node(node: TreeFileNode) -> dict[str, Any]:
    if isinstance(node, ClusterNodeDef):
        return _cluster_node(node)
    if node.kind == "leaf":
        return {"type": "leaf", "values": [_number(v) for v in node.values]}
    if node.kind == "continuous":
        split: dict[str, Any] = {
            "type": "continuous",
            "featureIndex": node.feature_index,
            "threshold": _number(node.threshold),
        }
    else:
        split = {
            "type": "categorical",
            "featureIndex": node.feature_index,
            "isLeft": node.is_left,
            "numCategories": node.num_categories,
            "categories": [_number(c) for c in node.categories],
        }
    return {"type": "internal", "split": split}
