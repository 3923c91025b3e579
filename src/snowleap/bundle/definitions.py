"""The format-independent structures of a Bundle.ML bundle: bundle info, nodes, models, tree nodes.

Both serialization formats (``json_format`` and ``proto_format``) parse into these, so everything
above the format layer is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from snowleap.bundle.values import Attributes
from snowleap.errors import BundleError


@dataclass(frozen=True)
class Socket:
    """Wires one port of an op to one column of the frame."""

    port: str
    name: str


@dataclass(frozen=True)
class NodeShape:
    """The input and output sockets of a node, in the order the bundle lists them."""

    inputs: tuple[Socket, ...]
    outputs: tuple[Socket, ...]

    def input(self, port: str, where: str) -> str:
        """The column wired to input ``port``; raises naming the node file if it is absent."""
        return _required(self.inputs, port, "input", where)

    def output(self, port: str, where: str) -> str:
        """The column wired to output ``port``; raises naming the node file if it is absent."""
        return _required(self.outputs, port, "output", where)

    def optional_input(self, port: str) -> str | None:
        """The column wired to input ``port``, or ``None`` (an optional input, a GLM's offset)."""
        return _wired(self.inputs, port)

    def optional_output(self, port: str) -> str | None:
        """The column wired to output ``port``, or ``None`` (ops whose outputs are optional)."""
        return _wired(self.outputs, port)

    def standard_input(self, where: str) -> str:
        """The single input column: port ``input``, or ``input0`` as some writers name it."""
        for socket in self.inputs:
            if socket.port in ("input", "input0"):
                return socket.name
        raise BundleError(
            f"{where}: no input port 'input' or 'input0' (has {[s.port for s in self.inputs]})"
        )

    def numbered_inputs(self, where: str) -> list[str]:
        """Columns of ports ``input0``, ``input1``, ... in port order (multi-input ops); a
        single legacy port ``input`` counts as ``input0``."""
        return _numbered(self.inputs, "input", where)

    def numbered_outputs(self, where: str) -> list[str]:
        """Columns of ports ``output0``, ``output1``, ... (or a single legacy ``output``)."""
        return _numbered(self.outputs, "output", where)


def _wired(sockets: tuple[Socket, ...], port: str) -> str | None:
    for socket in sockets:
        if socket.port == port:
            return socket.name
    return None


def _required(sockets: tuple[Socket, ...], port: str, direction: str, where: str) -> str:
    name = _wired(sockets, port)
    if name is None:
        raise BundleError(
            f"{where}: no {direction} port {port!r} (has {[s.port for s in sockets]})"
        )
    return name


def _numbered(sockets: tuple[Socket, ...], prefix: str, where: str) -> list[str]:
    by_port = {s.port: s.name for s in sockets}
    names: list[str] = []
    while f"{prefix}{len(names)}" in by_port:
        names.append(by_port[f"{prefix}{len(names)}"])
    if not names and prefix in by_port:
        names.append(by_port[prefix])
    if len(names) != len(sockets):
        raise BundleError(
            f"{where}: {prefix} ports should be {prefix}0..{prefix}{len(sockets) - 1}, "
            f"found {[s.port for s in sockets]}"
        )
    return names


@dataclass(frozen=True)
class NodeDef:
    """Contents of ``node.json`` / ``node.pb``."""

    name: str
    shape: NodeShape


@dataclass(frozen=True)
class ModelDef:
    """Contents of ``model.json`` / ``model.pb``."""

    op: str
    attributes: Attributes


@dataclass(frozen=True)
class TreeNodeDef:
    """One node of a decision tree file, as written in depth-first (pre-order) order.

    ``kind`` is ``"leaf"`` (``values`` set) or ``"continuous"`` (``feature_index``, ``threshold``)
    or ``"categorical"`` (``feature_index``, ``categories``, ``is_left``, ``num_categories``).
    """

    kind: Literal["leaf", "continuous", "categorical"]
    feature_index: int = 0
    threshold: float = 0.0
    categories: tuple[float, ...] = ()
    is_left: bool = False
    num_categories: int = 0
    values: tuple[float, ...] = ()


@dataclass(frozen=True)
class ClusterNodeDef:
    """One node of a clustering tree file (``ml.bundle.ctree.Node``: bisecting k-means), in
    depth-first (pre-order) order: a leaf's ``index`` is its cluster (>= 0), an internal node's
    is negative; ``values`` is the node's center, ``norm`` its Euclidean norm."""

    index: int
    norm: float
    values: tuple[float, ...]
    num_children: int


#: a node of a tree file beside a model file: a decision tree's or a clustering tree's
TreeFileNode = TreeNodeDef | ClusterNodeDef


@dataclass(frozen=True)
class BundleInfo:
    """Contents of ``bundle.json``; ``format`` is ``"json"`` or ``"protobuf"``."""

    uid: str
    name: str
    format: str
    version: str
    timestamp: str


class SerializationFormat(Protocol):
    """What a serialization format must parse; ``where`` names the file for error messages."""

    name: str
    extension: str

    def parse_model(self, data: bytes, where: str) -> ModelDef: ...

    def parse_node(self, data: bytes, where: str) -> NodeDef: ...

    def parse_tree(self, data: bytes, where: str) -> list[TreeNodeDef]: ...

    def parse_cluster_tree(self, data: bytes, where: str) -> list[ClusterNodeDef]: ...

    def parse_tree_into(self, data: bytes, where: str, sink: TreeSink) -> None:
        """Hand each node of a tree file to ``sink`` as it is decoded, in pre-order."""


class TreeSink(Protocol):
    """Receives a tree file's nodes one by one (the tree layout's builder, a node list)."""

    def leaf(self, values: Sequence[float]) -> None: ...

    def continuous(self, feature: int, threshold: float) -> None: ...

    def categorical(
        self, feature: int, categories: Sequence[float], is_left: bool, num_categories: int
    ) -> None: ...


class TreeNodeList:
    """A ``TreeSink`` that keeps the nodes as ``TreeNodeDef``s (``parse_tree``)."""

    def __init__(self) -> None:
        self.nodes: list[TreeNodeDef] = []

    def leaf(self, values: Sequence[float]) -> None:
        self.nodes.append(TreeNodeDef("leaf", values=tuple(values)))

    def continuous(self, feature: int, threshold: float) -> None:
        self.nodes.append(TreeNodeDef("continuous", feature_index=feature, threshold=threshold))

    def categorical(
        self, feature: int, categories: Sequence[float], is_left: bool, num_categories: int
    ) -> None:
        self.nodes.append(
            TreeNodeDef(
                "categorical",
                feature_index=feature,
                categories=tuple(categories),
                is_left=is_left,
                num_categories=num_categories,
            )
        )
