"""Bundle.ML's JSON serialization: ``model.json``, ``node.json`` and line-per-node ``tree.json``.

The layout follows MLeap's ``ml.combust.bundle.json.JsonSupport`` (values) and
``ml.combust.bundle.tree.JsonSupport`` (tree nodes). Scalars omit fields that hold their zero
value; a value object with ``"type": "list"`` or ``"type": "tensor"`` is a list or a tensor.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from snowleap import bounded_json
from snowleap.bundle import limits
from snowleap.bundle.definitions import (
    ClusterNodeDef,
    ModelDef,
    NodeDef,
    NodeShape,
    Socket,
    TreeNodeDef,
    TreeNodeList,
    TreeSink,
)
from snowleap.bundle.json_values import (
    parse_basic,
    parse_basic_type,
    parse_data_shape,
    parse_tensor,
)
from snowleap.bundle.values import (
    BASIC_TYPES,
    MAX_VALUE_NESTING,
    Attributes,
    Value,
    check_count,
    check_name,
)
from snowleap.errors import BundleError, JsonLimitError

#: one past the largest int feature index (Bundle.ML's feature index is a 32-bit int)
_INT32_END = 1 << 31

FileNode = TypeVar("FileNode")


class JsonFormat:
    """Parses the JSON serialization of Bundle.ML."""

    name = "json"
    extension = "json"

    def parse_model(self, data: bytes, where: str) -> ModelDef:
        return _parse_model(_load_object(data, where), where, depth=0)

    def parse_node(self, data: bytes, where: str) -> NodeDef:
        doc = _load_object(data, where)
        name = doc.get("name")
        if not isinstance(name, str):
            raise BundleError(f"{where}: 'name' should be a string, got {name!r}")
        check_name(name, "'name'", where)
        shape = doc.get("shape")
        if not isinstance(shape, dict):
            raise BundleError(f"{where}: 'shape' should be an object")
        return NodeDef(
            name=name,
            shape=NodeShape(
                inputs=_parse_sockets(shape.get("inputs", []), f"{where}: shape.inputs"),
                outputs=_parse_sockets(shape.get("outputs", []), f"{where}: shape.outputs"),
            ),
        )

    def parse_tree(self, data: bytes, where: str) -> list[TreeNodeDef]:
        nodes = TreeNodeList()
        self.parse_tree_into(data, where, nodes)
        return nodes.nodes

    def parse_tree_into(self, data: bytes, where: str, sink: TreeSink) -> None:
        for number, doc in _documents(data, where):
            _push_tree_node(doc, where, number, sink)

    def parse_cluster_tree(self, data: bytes, where: str) -> list[ClusterNodeDef]:
        return _parse_lines(data, where, _parse_cluster_node)


def _parse_lines(
    data: bytes, where: str, parse_node: Callable[[Any, str], FileNode]
) -> list[FileNode]:
    """A tree file: one JSON object per line, each parsed by ``parse_node``."""
    return [parse_node(doc, f"{where}: line {number}") for number, doc in _documents(data, where)]


def _documents(data: bytes, where: str) -> list[tuple[int, Any]]:
    """The JSON document of each non-blank line of a tree file, with its line number."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{where}: not UTF-8 text ({exc})") from None
    if text.count("\n") >= limits.MAX_TREE_NODES:
        raise BundleError(
            f"{where}: more than {limits.MAX_TREE_NODES} tree nodes (SNOWLEAP_MAX_TREE_NODES)"
        )
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    try:
        # NOTE: the whole file as one JSON array: one call into the C decoder instead of one
        # per line (a tree file holds thousands of lines). On any failure the lines are
        # decoded one by one, to name the line at fault.
        docs = json.loads("[" + ",".join(line for _, line in numbered) + "]")
        if len(docs) != len(numbered):
            raise ValueError("a line holds more than one value")
    except (ValueError, RecursionError):
        docs = [_load_line(line, where, number) for number, line in numbered]
    return [(number, doc) for (number, _), doc in zip(numbered, docs, strict=True)]


def _load_line(line: str, where: str, number: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise BundleError(f"{where}: line {number} is not valid JSON ({exc})") from None
    except RecursionError:
        raise BundleError(f"{where}: line {number} nests too deeply") from None


def load_json_object(data: bytes, where: str) -> dict[str, Any]:
    """Parse a JSON document that must be an object (``bundle.json``, ``model.json``...)."""
    return _load_object(data, where)


def _load_object(data: bytes, where: str) -> dict[str, Any]:
    # NOTE: bounds first: a file's values (at most its commas + 1), depth and number lengths are
    # known from its bytes, before json.loads allocates an object per value.
    if data.count(b",") >= limits.MAX_FILE_VALUES:
        raise BundleError(
            f"{where}: more than {limits.MAX_FILE_VALUES} values in one file "
            "(SNOWLEAP_MAX_FILE_VALUES)"
        )
    try:
        bounded_json.check_bounds(
            data.decode("utf-8", "surrogatepass"),
            max_depth=bounded_json.MAX_JSON_DEPTH,
            max_digits=limits.MAX_INTEGER_DIGITS,
        )
    except JsonLimitError as exc:
        raise BundleError(f"{where}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise BundleError(f"{where}: not valid JSON ({exc})") from None
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise BundleError(f"{where}: JSON nests too deeply to be a bundle file") from None
    if not isinstance(doc, dict):
        raise BundleError(f"{where}: should hold a JSON object, found {type(doc).__name__}")
    return doc


def _parse_model(doc: Any, where: str, depth: int) -> ModelDef:
    if not isinstance(doc, dict):
        raise BundleError(f"{where}: a model should be an object, got {doc!r}")
    op = doc.get("op")
    if not isinstance(op, str) or not op:
        raise BundleError(f"{where}: 'op' should be a non-empty string, got {op!r}")
    check_name(op, "'op'", where)
    raw_attributes = doc.get("attributes", {})
    if not isinstance(raw_attributes, dict):
        raise BundleError(f"{where}: 'attributes' should be an object")
    for name in raw_attributes:
        check_name(name, "an attribute name", where)
    values = {
        name: _parse_value(raw, f"{where}: attribute {name!r}", depth)
        for name, raw in raw_attributes.items()
    }
    return ModelDef(op=op, attributes=Attributes(values=values, where=where))


def _parse_nested_model(raw: Any, where: str, depth: int) -> ModelDef:
    if depth >= MAX_VALUE_NESTING:
        raise BundleError(f"{where}: models nest deeper than {MAX_VALUE_NESTING} levels")
    return _parse_model(raw, where, depth + 1)


def _parse_sockets(raw: Any, where: str) -> tuple[Socket, ...]:
    if not isinstance(raw, list):
        raise BundleError(f"{where} should be a list")
    sockets = []
    for i, item in enumerate(raw):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("port"), str)
            or not isinstance(item.get("name"), str)
        ):
            raise BundleError(f"{where}[{i}] should be an object with string 'port' and 'name'")
        check_name(item["port"], f"[{i}].port", where)
        check_name(item["name"], f"[{i}].name", where)
        sockets.append(Socket(port=item["port"], name=item["name"]))
    return tuple(sockets)


def _parse_value(raw: Any, where: str, depth: int) -> Value:
    if not isinstance(raw, dict):
        raise BundleError(f"{where} should be an object, got {raw!r}")
    kind = raw.get("type")
    if kind is None:
        return Value(kind="scalar", fields=_parse_scalar_fields(raw, where, depth))
    if kind == "list":
        return Value(kind="list", fields=_parse_list_fields(raw, where, depth))
    if kind == "tensor":
        return Value(kind="tensor", tensor=parse_tensor(raw, where))
    raise BundleError(f"{where}: unknown value type {kind!r}")


def _parse_scalar_fields(raw: dict[str, Any], where: str, depth: int) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, item in raw.items():
        if key in BASIC_TYPES:
            fields[key] = parse_basic(key, item, where)
        elif key == "tensor":
            fields[key] = parse_tensor(item, f"{where}.tensor")
        elif key == "data_shape":
            fields[key] = parse_data_shape(item, f"{where}.data_shape")
        elif key == "basic_type":
            fields[key] = parse_basic_type(item, where)
        elif key == "model":
            fields[key] = _parse_nested_model(item, f"{where}.model", depth)
        else:
            raise BundleError(f"{where}: unknown scalar field {key!r}")
    return fields


def _parse_list_fields(raw: dict[str, Any], where: str, depth: int) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, items in raw.items():
        if key == "type":
            continue
        if not isinstance(items, list):
            raise BundleError(f"{where}: list field {key!r} should be a JSON array")
        check_count(len(items), where)
        if key in BASIC_TYPES:
            fields[key] = [parse_basic(key, item, f"{where}[{i}]") for i, item in enumerate(items)]
        elif key == "tensor":
            fields[key] = [parse_tensor(t, f"{where}.tensor[{i}]") for i, t in enumerate(items)]
        elif key == "data_shape":
            fields[key] = [
                parse_data_shape(s, f"{where}.data_shape[{i}]") for i, s in enumerate(items)
            ]
        elif key == "basic_type":
            fields[key] = [parse_basic_type(t, f"{where}[{i}]") for i, t in enumerate(items)]
        elif key == "model":
            fields[key] = [
                _parse_nested_model(m, f"{where}.model[{i}]", depth) for i, m in enumerate(items)
            ]
        else:
            raise BundleError(f"{where}: unknown list field {key!r}")
    return fields


def _parse_cluster_node(doc: Any, where: str) -> ClusterNodeDef:
    """``ml.bundle.ctree.Node`` as spray-json writes it: ``index``, ``norm``, ``values``,
    ``numChildren``."""
    if not isinstance(doc, dict):
        raise BundleError(f"{where}: clustering tree node should be an object")
    values = doc.get("values", [])
    if not isinstance(values, list):
        raise BundleError(f"{where}: 'values' should be a list")
    children = parse_basic("int", _either(doc, "numChildren", "num_children", 0), where)
    if children < 0:
        raise BundleError(f"{where}: negative 'numChildren' {children}")
    return ClusterNodeDef(
        index=parse_basic("int", doc.get("index", 0), where),
        norm=parse_basic("double", doc.get("norm", 0.0), where),
        values=tuple(parse_basic("double", v, where) for v in values),
        num_children=children,
    )


def _push_tree_node(doc: Any, file: str, number: int, sink: TreeSink) -> None:
    if not isinstance(doc, dict):
        raise BundleError(f"{file}: line {number}: tree node should be an object")
    kind = doc.get("type")
    if kind == "leaf":
        values = doc.get("values", [])
        if not isinstance(values, list):
            raise BundleError(f"{file}: line {number}: leaf values should be a list")
        sink.leaf(_doubles(values, file, number))
        return
    if kind != "internal":
        raise BundleError(
            f"{file}: line {number}: tree node type should be 'internal' or 'leaf', got {kind!r}"
        )
    split = doc.get("split")
    if not isinstance(split, dict):
        raise BundleError(f"{file}: line {number}: internal node has no split object")
    # NOTE: the common case (an int feature index in range, a float threshold) is taken as it
    # is, without building the error location or a parse_basic call per value: a model's load
    # decodes thousands of nodes on a cold start. Anything else goes through parse_basic, which
    # gives the same value or words the error.
    feature = _either(split, "featureIndex", "feature_index", 0)
    if feature.__class__ is not int or not 0 <= feature < _INT32_END:
        where = f"{file}: line {number}"
        feature = parse_basic("int", feature, where)
        if feature < 0:
            raise BundleError(f"{where}: negative feature index {feature}")
    split_type = split.get("type")
    if split_type == "continuous":
        threshold = split.get("threshold", 0.0)
        if threshold.__class__ is not float:
            threshold = parse_basic("double", threshold, f"{file}: line {number}")
        sink.continuous(feature, threshold)
        return
    where = f"{file}: line {number}"
    if split_type == "categorical":
        categories = split.get("categories", [])
        if not isinstance(categories, list):
            raise BundleError(f"{where}: categories should be a list")
        sink.categorical(
            feature,
            _doubles(categories, file, number),
            parse_basic("boolean", _either(split, "isLeft", "is_left", False), where),
            parse_basic("int", _either(split, "numCategories", "num_categories", 0), where),
        )
        return
    raise BundleError(f"{where}: split type should be 'continuous' or 'categorical'")


def _doubles(items: list[Any], file: str, number: int) -> list[float]:
    # NOTE: the common case (every item already a float) without a call per item.
    if all(item.__class__ is float for item in items):
        return items
    return [parse_basic("double", item, f"{file}: line {number}") for item in items]


def _either(doc: dict[str, Any], camel: str, snake: str, default: Any) -> Any:
    return doc.get(camel, doc.get(snake, default))
