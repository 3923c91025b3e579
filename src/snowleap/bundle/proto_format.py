"""Bundle.ML's protobuf serialization (placeholder until the protobuf reader lands)."""

from __future__ import annotations

from snowleap.bundle.definitions import ModelDef, NodeDef, TreeNodeDef
from snowleap.errors import BundleError


class ProtoFormat:
    name = "protobuf"
    extension = "pb"

    def parse_model(self, data: bytes, where: str) -> ModelDef:
        raise BundleError(f"{where}: protobuf bundles are not readable yet")

    def parse_node(self, data: bytes, where: str) -> NodeDef:
        raise BundleError(f"{where}: protobuf bundles are not readable yet")

    def parse_tree(self, data: bytes, where: str) -> list[TreeNodeDef]:
        raise BundleError(f"{where}: protobuf bundles are not readable yet")
