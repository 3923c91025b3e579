"""``vector_indexer``: replaces the values of categorical features by category indices; mirrors
MLeap's ``VectorIndexerModel`` and Spark's ``VectorIndexerModel``.

Features listed in the model are categorical: each value seen in training maps to its index.
Other features pass through. A value never seen (NaN included: Scala's map lookup compares
doubles with ``==``, so NaN finds nothing, while -0.0 finds 0.0, as here) is handled by
``handle_invalid``: ``error`` refuses the row, ``keep`` maps it to the number of categories of
that feature, ``skip`` drops the row (Spark's transform; MLeap's returns a null vector).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.bundle.values import Attributes
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import Frame, SkipRow, keep_rows
from snowleap.ops.handle_invalid import HandleInvalid, read_handle_invalid
from snowleap.ops.sparse import dense_batch
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import BoolArray, FloatArray

CategoryMaps = Mapping[int, Mapping[float, int]]


def _unseen(feature: int, row: int | None, op: str) -> InputError:
    # NOTE: the value itself is not quoted: it may be a caller's personal data.
    where = f"row {row}: " if row is not None else ""
    return InputError(
        f"{where}feature {feature} holds a value the {op} did not see in training "
        "(handle_invalid = 'error'; 'keep' or 'skip' would score it)"
    )


class CategoryIndexing(VectorFunction):
    """Categorical features' values -> their indices, the other features as they are.

    Example
    -------
    >>> CategoryIndexing(3, {1: {5.0: 0, 7.0: 1}}, "keep").row_function()([2.5, 7.0, 1.0])
    [2.5, 1.0, 1.0]
    """

    def __init__(
        self, num_features: int, category_maps: CategoryMaps, handle_invalid: HandleInvalid
    ) -> None:
        self.num_features = num_features
        self.category_maps = {f: dict(category_maps[f]) for f in sorted(category_maps)}
        self.handle_invalid = handle_invalid
        self.reader = "vector_indexer"

    @property
    def input_size(self) -> int:
        return self.num_features

    @property
    def output_size(self) -> int:
        return self.num_features

    @cached_property
    def _lookups(self) -> list[tuple[int, FloatArray, FloatArray]]:
        """Per categorical feature: its sorted known values and their indices (as doubles)."""
        lookups = []
        for feature, mapping in self.category_maps.items():
            known = sorted(mapping)
            lookups.append(
                (
                    feature,
                    np.asarray(known, dtype=np.float64),
                    np.asarray([float(mapping[v]) for v in known], dtype=np.float64),
                )
            )
        return lookups

    def _indexed(self, values: FloatArray) -> tuple[FloatArray, BoolArray]:
        """The indexed values and, per row, whether every categorical value was known."""
        out = values.copy()
        valid = np.ones(values.shape[0], dtype=bool)
        for feature, known, indices in self._lookups:
            column = values[:, feature]
            position = np.minimum(np.searchsorted(known, column), max(len(known) - 1, 0))
            found = known[position] == column if len(known) else np.zeros_like(valid)
            if self.handle_invalid == "error" and not bool(found.all()):
                raise _unseen(feature, int(np.argmin(found)), self.reader)
            codes = indices[position] if len(known) else 0.0
            out[:, feature] = np.where(found, codes, float(len(known)))
            valid &= found
        return out, valid

    def valid_rows(self, values: FloatArray) -> BoolArray:
        """Rows whose categorical values were all seen in training (``skip`` keeps those)."""
        return self._indexed(values)[1]

    def apply_batch(self, values: FloatArray) -> FloatArray:
        return self._indexed(values)[0]

    def row_function(self) -> RowFunction:
        maps = list(self.category_maps.items())
        policy, reader = self.handle_invalid, self.reader

        def index(values: list[float]) -> list[float]:
            out = list(values)
            for feature, mapping in maps:
                code = mapping.get(out[feature])
                if code is None:
                    if policy == "skip":
                        raise SkipRow
                    if policy == "error":
                        raise _unseen(feature, None, reader)
                    code = len(mapping)
                out[feature] = float(code)
            return out

        return index


class VectorIndexerOp(VectorMapOp):
    op_name = "vector_indexer"

    @classmethod
    def function_from(cls, attributes: Attributes) -> CategoryIndexing:
        where = attributes.where
        num_features = attributes.get_long("num_features")
        maps: dict[int, dict[float, int]] = {}
        for feature in attributes.get_long_list("keys"):
            if not 0 <= feature < num_features:
                raise BundleError(
                    f"{where}: vector_indexer key {feature} is outside the {num_features} features"
                )
            known = attributes.get_double_list(f"key_{feature}_keys")
            indices = attributes.get_long_list(f"key_{feature}_values")
            if len(known) != len(indices):
                raise BundleError(
                    f"{where}: vector_indexer feature {feature} has {len(known)} values but "
                    f"{len(indices)} indices"
                )
            # NOTE: a NaN category can never be found (see the module docstring).
            maps[feature] = {
                value: index
                for value, index in zip(known, indices, strict=True)
                if not math.isnan(value)
            }
        policy = read_handle_invalid(attributes, "vector_indexer")
        return CategoryIndexing(num_features, maps, policy)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> VectorIndexerOp:
        op = super().from_bundle(node)
        assert isinstance(op, VectorIndexerOp)
        op._indexing().reader = f"vector_indexer node {node.name!r} (column {op.input_col!r})"
        return op

    def _indexing(self) -> CategoryIndexing:
        assert isinstance(self.function, CategoryIndexing), "from_bundle builds it"
        return self.function

    def transform(self, frame: Frame) -> Frame:
        indexing = self._indexing()
        if indexing.handle_invalid == "skip" and self.input_col in frame:
            values = dense_batch(frame[self.input_col], self.input_col, reader_of(self))
            # NOTE: a column of the wrong shape is left to VectorMapOp's checks and errors.
            if values.ndim == 2 and values.shape[1] == indexing.num_features:
                frame = keep_rows(frame, indexing.valid_rows(values))
        return super().transform(frame)

    def store(self) -> StoredNode:
        indexing = self._indexing()
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            indexing.num_features,
            indexing.category_maps,
            indexing.handle_invalid,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    num_features: int,
    category_maps: CategoryMaps,
    handle_invalid: str,
) -> StoredNode:
    """The ``vector_indexer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {}
    for feature in sorted(category_maps):
        mapping = category_maps[feature]
        known = sorted(mapping)
        attributes[f"key_{feature}_keys"] = attr.double_list(known)
        attributes[f"key_{feature}_values"] = attr.long_list([mapping[v] for v in known])
    attributes["keys"] = attr.long_list(sorted(category_maps))
    attributes["num_features"] = attr.long(num_features)
    attributes["handle_invalid"] = attr.string(handle_invalid)
    return simple_node(name, "vector_indexer", input_col, output_col, attributes)
