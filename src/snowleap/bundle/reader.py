"""Walks a bundle: ``bundle.json``, then ``root/`` and each node's model and node files.

Ops receive a ``NodeContext`` (or, for the sub-models of a tree ensemble, a ``ModelContext``):
their attributes and shape, plus the few ways they may read more of the bundle (sub-models, tree
files, child nodes). Nothing else of the bundle is ever interpreted, and nothing is executed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from snowleap.bundle.archive import BundleArchive, BundleSource, open_archive
from snowleap.bundle.definitions import (
    BundleInfo,
    ClusterNodeDef,
    ModelDef,
    NodeDef,
    NodeShape,
    SerializationFormat,
    TreeNodeDef,
    TreeSink,
)
from snowleap.bundle.json_format import JsonFormat, load_json_object
from snowleap.bundle.values import Attributes, check_name
from snowleap.errors import BundleError

# NOTE: pipelines nest a few levels in practice; the bound stops a hostile bundle recursing.
MAX_NESTING = 32

# NOTE: the protobuf reader (and its wire decoder) is imported only for a bundle that says it is
# protobuf: a JSON bundle, the default one, never needs it, and a cold start pays for every import.
_FORMAT_NAMES = ("json", "protobuf", "proto")
_FORMATS: dict[str, SerializationFormat] = {"json": JsonFormat()}

# NOTE: what a node loads into is the runtime's business (an op); this layer only reads the format.
NodeLoader = Callable[["NodeContext"], Any]
Loaded = TypeVar("Loaded")

_LEGACY_TREE_FILE = "nodes"


@dataclass(frozen=True)
class ModelContext:
    """A model file (and its folder) inside a bundle, as an op's loader sees it."""

    archive: BundleArchive
    format: SerializationFormat
    path: str
    model: ModelDef
    depth: int

    @property
    def op(self) -> str:
        return self.model.op

    @property
    def attributes(self) -> Attributes:
        return self.model.attributes

    @property
    def where(self) -> str:
        """Where this model lives, for error messages: ``<bundle>: <folder>``."""
        return f"{self.archive.description}: {self.path}"

    def file_where(self, file: str) -> str:
        return f"{self.archive.description}: {self.path}/{file}"

    def sub_model(self, folder: str) -> ModelContext:
        """The model in a sub-folder (a tree of a forest: ``tree0``, ``tree1``, ...)."""
        path = f"{self.path}/{_checked_child(folder, self.where)}"
        return ModelContext(
            archive=self.archive,
            format=self.format,
            path=path,
            model=_read_model(self.archive, self.format, path),
            depth=self.depth + 1,
        )

    def read_tree(self, file: str = "tree") -> list[TreeNodeDef]:
        """The nodes of a decision tree file beside this model, in depth-first order."""
        data, where = self.tree_file(file)
        return self.format.parse_tree(data, where)

    def read_tree_into(self, sink: TreeSink, file: str = "tree") -> None:
        """Hand the nodes of a decision tree file beside this model to ``sink``, in pre-order."""
        data, where = self.tree_file(file)
        self.format.parse_tree_into(data, where, sink)

    def tree_file(self, file: str = "tree") -> tuple[bytes, str]:
        """A decision tree file's bytes and its name for error messages."""
        name = f"{_checked_child(file, self.where)}.{self.format.extension}"
        path = f"{self.path}/{name}"
        legacy = f"{self.path}/{_LEGACY_TREE_FILE}.{self.format.extension}"
        if file == "tree" and not self.archive.exists(path) and self.archive.exists(legacy):
            # NOTE: legacy: MLeap's runtime before 0.23 saved decision trees to "nodes.<ext>"
            # (combust/mleap#843); Spark exports always wrote "tree.<ext>".
            path = legacy
        return _read(self.archive, path), f"{self.archive.description}: {path}"

    def read_cluster_tree(self, file: str = "tree") -> list[ClusterNodeDef]:
        """The nodes of a clustering tree file beside this model (bisecting k-means), in
        depth-first order."""
        path = f"{self.path}/{_checked_child(file, self.where)}.{self.format.extension}"
        return self.format.parse_cluster_tree(
            _read(self.archive, path), f"{self.archive.description}: {path}"
        )


@dataclass(frozen=True)
class NodeContext(ModelContext):
    """A node of the graph: a model plus its name and the sockets wiring it to columns."""

    node: NodeDef
    loader: NodeLoader

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def shape(self) -> NodeShape:
        return self.node.shape

    @property
    def node_where(self) -> str:
        return f"{self.archive.description}: {self.path} (node {self.node.name!r})"

    def load_sub_model(self, folder: str, shape: NodeShape) -> Any:
        """Load the model in a sub-folder as a node wired by ``shape`` (the runtime loads an op):
        one-vs-rest's classifiers are model files without a node file of their own."""
        sub = self.sub_model(folder)
        node = NodeDef(f"{self.node.name}/{folder}", shape)
        return self.loader(
            NodeContext(
                archive=self.archive,
                format=self.format,
                path=sub.path,
                model=sub.model,
                depth=sub.depth,
                node=node,
                loader=self.loader,
            )
        )

    def load_child(self, name: str) -> Any:
        """Load the child node ``<name>.node`` of a pipeline (the runtime loads an op)."""
        if self.depth >= MAX_NESTING:
            raise BundleError(f"{self.where}: pipelines nest deeper than {MAX_NESTING} levels")
        path = f"{self.path}/{_checked_child(name, self.where)}.node"
        return self.loader(
            _node_context(self.archive, self.format, path, self.depth + 1, self.loader)
        )


def _checked_child(name: str, where: str) -> str:
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise BundleError(f"{where}: invalid child name {name!r}")
    return name


def _read(archive: BundleArchive, path: str) -> bytes:
    if not archive.exists(path):
        raise BundleError(f"{archive.description}: missing {path}")
    return archive.read(path)


def _read_model(archive: BundleArchive, fmt: SerializationFormat, path: str) -> ModelDef:
    file = f"{path}/model.{fmt.extension}"
    return fmt.parse_model(_read(archive, file), f"{archive.description}: {file}")


def _node_context(
    archive: BundleArchive, fmt: SerializationFormat, path: str, depth: int, loader: NodeLoader
) -> NodeContext:
    node_file = f"{path}/node.{fmt.extension}"
    node = fmt.parse_node(_read(archive, node_file), f"{archive.description}: {node_file}")
    return NodeContext(
        archive=archive,
        format=fmt,
        path=path,
        model=_read_model(archive, fmt, path),
        depth=depth,
        node=node,
        loader=loader,
    )


def read_bundle_info(archive: BundleArchive) -> BundleInfo:
    where = f"{archive.description}: bundle.json"
    doc = load_json_object(_read(archive, "bundle.json"), where)
    fields: dict[str, str] = {}
    for key in ("uid", "name", "format", "version", "timestamp"):
        value = doc.get(key, "")
        if not isinstance(value, str):
            raise BundleError(f"{where}: {key!r} should be a string, got {value!r}")
        check_name(value, repr(key), where)
        fields[key] = value
    if fields["format"] not in _FORMAT_NAMES:
        raise BundleError(
            f"{where}: unknown format {fields['format']!r} (expected 'json' or 'protobuf')"
        )
    return BundleInfo(**fields)


def serialization_format(name: str) -> SerializationFormat:
    """The reader of format ``name`` (one of ``_FORMAT_NAMES``), made on first use."""
    fmt = _FORMATS.get(name)
    if fmt is None:
        from snowleap.bundle.proto_format import ProtoFormat

        fmt = _FORMATS.setdefault(name, ProtoFormat())
    return fmt


def read_bundle(
    source: BundleSource, loader: Callable[[NodeContext], Loaded]
) -> tuple[BundleInfo, Loaded]:
    """Open a bundle and load its root node (recursively) with ``loader``."""
    archive = open_archive(source)
    info = read_bundle_info(archive)
    fmt = serialization_format(info.format)
    root = loader(_node_context(archive, fmt, "root", 0, loader))
    return info, root
