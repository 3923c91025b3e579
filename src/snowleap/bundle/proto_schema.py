"""The field numbers and enum codes of Bundle.ML's protobuf messages, named as in
``bundle.proto`` (package ``ml.bundle``), ``ext/ctree.proto`` (``ml.bundle.ctree``) and
``ext/dtree.proto`` (``ml.bundle.dtree``) of
combust/bundle-protobuf. ``KNOWN`` is the set of numbers a message type's reader keeps.
"""

from __future__ import annotations

from typing import Literal

from snowleap.bundle.values import BasicTypeName


class ModelFields:
    """``ml.bundle.Model``."""

    OP = 1
    ATTRIBUTES = 2
    KNOWN = frozenset({OP, ATTRIBUTES})


class AttributesFields:
    """``ml.bundle.Attributes``: ``map<string, Value> list = 1``, as repeated entries."""

    LIST = 1
    KNOWN = frozenset({LIST})
    ENTRY_KEY = 1
    ENTRY_VALUE = 2
    ENTRY_KNOWN = frozenset({ENTRY_KEY, ENTRY_VALUE})


class ValueFields:
    """``ml.bundle.Value``: ``oneof v { Scalar s = 1; List l = 2; Tensor t = 3; }``."""

    SCALAR = 1
    LIST = 2
    TENSOR = 3
    KNOWN = frozenset({SCALAR, LIST, TENSOR})


class TypedFields:
    """``ml.bundle.Scalar`` and ``ml.bundle.List`` share their field numbers, one per type:
    ``b s i l f d bs t bt ds m``."""

    BOOLEAN = 1
    STRING = 2
    INT = 3
    LONG = 4
    FLOAT = 5
    DOUBLE = 6
    BYTE_STRING = 7
    TENSOR = 8
    BASIC_TYPE = 9
    DATA_SHAPE = 10
    MODEL = 11
    KNOWN = frozenset(range(BOOLEAN, MODEL + 1))


class TensorFields:
    """``ml.bundle.Tensor``."""

    BASE = 1
    SHAPE = 2
    VALUE = 3
    KNOWN = frozenset({BASE, SHAPE, VALUE})


class TensorShapeFields:
    """``ml.bundle.TensorShape`` and its ``TensorDimension`` (whose ``name`` is not used)."""

    DIMENSIONS = 1
    KNOWN = frozenset({DIMENSIONS})
    DIMENSION_SIZE = 1
    DIMENSION_KNOWN = frozenset({DIMENSION_SIZE})


class DataShapeFields:
    """``ml.bundle.DataShape``."""

    BASE = 1
    IS_NULLABLE = 2
    TENSOR_SHAPE = 3
    KNOWN = frozenset({BASE, IS_NULLABLE, TENSOR_SHAPE})


class NodeFields:
    """``ml.bundle.Node``, its ``NodeShape`` and their ``Socket``s."""

    NAME = 1
    SHAPE = 2
    KNOWN = frozenset({NAME, SHAPE})
    SHAPE_INPUTS = 1
    SHAPE_OUTPUTS = 2
    SHAPE_KNOWN = frozenset({SHAPE_INPUTS, SHAPE_OUTPUTS})
    SOCKET_PORT = 1
    SOCKET_NAME = 2
    SOCKET_KNOWN = frozenset({SOCKET_PORT, SOCKET_NAME})


class TreeNodeFields:
    """``ml.bundle.dtree.Node``: ``oneof n { InternalNode internal = 1; LeafNode leaf = 2; }``;
    ``InternalNode.split = 1``; ``LeafNode.values = 1``."""

    INTERNAL = 1
    LEAF = 2
    KNOWN = frozenset({INTERNAL, LEAF})
    INTERNAL_SPLIT = 1
    INTERNAL_KNOWN = frozenset({INTERNAL_SPLIT})
    LEAF_VALUES = 1
    LEAF_KNOWN = frozenset({LEAF_VALUES})


class ClusterNodeFields:
    """``ml.bundle.ctree.Node``: ``uint32 index = 1; double norm = 2; repeated double values =
    3; uint32 num_children = 4;``."""

    INDEX = 1
    NORM = 2
    VALUES = 3
    NUM_CHILDREN = 4
    KNOWN = frozenset({INDEX, NORM, VALUES, NUM_CHILDREN})


class SplitFields:
    """``ml.bundle.dtree.Split``: ``oneof s { CategoricalSplit categorical = 1;
    ContinuousSplit continuous = 2; }`` and the two split messages."""

    CATEGORICAL = 1
    CONTINUOUS = 2
    KNOWN = frozenset({CATEGORICAL, CONTINUOUS})
    FEATURE_INDEX = 1
    CATEGORICAL_IS_LEFT = 2
    CATEGORICAL_NUM_CATEGORIES = 3
    CATEGORICAL_CATEGORIES = 4
    CATEGORICAL_KNOWN = frozenset(
        {FEATURE_INDEX, CATEGORICAL_IS_LEFT, CATEGORICAL_NUM_CATEGORIES, CATEGORICAL_CATEGORIES}
    )
    CONTINUOUS_THRESHOLD = 2
    CONTINUOUS_KNOWN = frozenset({FEATURE_INDEX, CONTINUOUS_THRESHOLD})


# NOTE: enum codes of ml.bundle.BasicType and DataShapeType; 0 of BasicType is UNDEFINED.
BASIC_TYPE_CODES: dict[int, BasicTypeName] = {
    1: "boolean",
    2: "byte",
    3: "short",
    4: "int",
    5: "long",
    6: "float",
    7: "double",
    100: "string",
    101: "byte_string",
}
DATA_SHAPE_CODES: dict[int, Literal["scalar", "list", "tensor"]] = {
    0: "scalar",
    1: "list",
    2: "tensor",
}

# NOTE: Java's ByteBuffer is big-endian; these are the element layouts MLeap writes.
BIG_ENDIAN_CODES = {"byte": "b", "short": "h", "int": "i", "long": "q", "float": "f", "double": "d"}
