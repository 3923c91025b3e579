"""Reading the Bundle.ML format: archives, both serializations, and the node tree. No math here."""

from snowleap.bundle.archive import BundleSource, open_archive
from snowleap.bundle.definitions import BundleInfo, ModelDef, NodeDef, NodeShape, TreeNodeDef
from snowleap.bundle.reader import ModelContext, NodeContext, read_bundle
from snowleap.bundle.values import Attributes, DataShape, Tensor, Value

__all__ = [
    "Attributes",
    "BundleInfo",
    "BundleSource",
    "DataShape",
    "ModelContext",
    "ModelDef",
    "NodeContext",
    "NodeDef",
    "NodeShape",
    "Tensor",
    "TreeNodeDef",
    "Value",
    "open_archive",
    "read_bundle",
]
