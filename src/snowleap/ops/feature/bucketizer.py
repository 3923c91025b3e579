"""``bucketizer``: puts a number into the bucket its value falls in; mirrors MLeap's
``BucketizerModel`` (Spark's ``Bucketizer``).

Bucket ``i`` is ``[splits[i], splits[i+1])``; the last bucket also holds ``splits[-1]``. A value
outside ``[splits[0], splits[-1]]`` always raises. NaN (also how a null arrives) raises with
``error``, goes to the extra bucket ``len(splits) - 1`` with ``keep`` and drops the row with
``skip``. A NaN first or last split stands for -inf / +inf (MLeap's ``restoreSplits``).

NOTE: MLeap finds the bucket with Java's ``Arrays.binarySearch``, which orders -0.0 before 0.0;
so -0.0 falls in the bucket *before* a split of 0.0 (or out of bounds if 0.0 is the first split).
Both paths reproduce this.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep, SkipRow, keep_rows
from snowleap.ops.handle_invalid import HandleInvalid, read_handle_invalid

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class Buckets:
    """Strictly increasing ``splits`` and the bucket lookups built from them."""

    def __init__(self, splits: list[float], where: str) -> None:
        if len(splits) < 2:
            raise BundleError(f"{where}: bucketizer needs at least 2 splits, got {splits}")
        restored = list(splits)
        if math.isnan(restored[0]):
            restored[0] = -math.inf
        if math.isnan(restored[-1]):
            restored[-1] = math.inf
        if not all(a < b for a, b in pairwise(restored)):
            raise BundleError(f"{where}: bucketizer splits must increase strictly, got {splits}")
        self.splits = restored
        self.last_bucket = len(restored) - 2
        self.nan_bucket = float(len(restored) - 1)
        # NOTE: only a +0.0 split (not the last: that one matches by ==) treats -0.0 differently
        # from a plain numeric search; its bucket is then one lower, -1 meaning out of bounds.
        self.negative_zero_bucket: int | None = None
        for i, split in enumerate(restored[:-1]):
            if split == 0.0 and math.copysign(1.0, split) > 0:
                self.negative_zero_bucket = i - 1

    @cached_property
    def array(self) -> FloatArray:
        """The splits as an array, for the batch path's search."""
        return np.asarray(self.splits, dtype=np.float64)

    def bounds_error(self, value: float, column: str, row: int | None) -> InputError:
        where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
        return InputError(
            f"{where}: value {value!r} is outside the bucketizer bounds "
            f"[{self.splits[0]}, {self.splits[-1]}]"
        )

    def buckets_batch(self, values: FloatArray, column: str) -> FloatArray:
        """Bucket of each value; NaN values get the NaN bucket (the op decides if they may)."""
        nan = np.isnan(values)
        outside = (values < self.splits[0]) | (values > self.splits[-1])
        buckets = np.searchsorted(self.array, values, side="right") - 1
        buckets[values == self.splits[-1]] = self.last_bucket
        if self.negative_zero_bucket is not None:
            negative_zero = (values == 0.0) & np.signbit(values)
            buckets[negative_zero] = self.negative_zero_bucket
            outside |= negative_zero & (self.negative_zero_bucket < 0)
        if outside.any():
            row = int(np.argmax(outside))
            raise self.bounds_error(float(values[row]), column, row)
        result = buckets.astype(np.float64)
        result[nan] = self.nan_bucket
        return result


def _nan_error(op: str, column: str, row: int | None) -> InputError:
    where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
    return InputError(
        f"{where}: NaN or missing value; bucketizer {op!r} has handle_invalid 'error' "
        "('keep' or 'skip' would accept it)"
    )


class BucketizerOp(Op):
    op_name = "bucketizer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        buckets: Buckets,
        handle_invalid: HandleInvalid,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, [Field(input_col, DOUBLE)], [Field(output_col, DOUBLE)], ports=ports)
        self.input_col = input_col
        self.output_col = output_col
        self.buckets = buckets
        self.handle_invalid = handle_invalid

    @classmethod
    def from_bundle(cls, node: NodeContext) -> BucketizerOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            Buckets(attributes.get_double_list("splits"), node.where),
            read_handle_invalid(attributes, cls.op_name),
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        values = frame[self.input_col]
        nan = np.isnan(values)
        if nan.any():
            if self.handle_invalid == "error":
                raise _nan_error(self.name, self.input_col, int(np.argmax(nan)))
            if self.handle_invalid == "skip":
                frame = keep_rows(frame, ~nan)
                values = frame[self.input_col]
        frame[self.output_col] = self.buckets.buckets_batch(values, self.input_col)
        return frame

    def row_step(self) -> RowStep:
        source, target, name = self.input_col, self.output_col, self.name
        buckets = self.buckets
        splits, first, last = buckets.splits, buckets.splits[0], buckets.splits[-1]
        last_bucket, nan_bucket = float(buckets.last_bucket), buckets.nan_bucket
        negative_zero_bucket = buckets.negative_zero_bucket
        policy = self.handle_invalid

        def bucketize(row: Row) -> None:
            value = row[source]
            if value != value:
                if policy == "keep":
                    row[target] = nan_bucket
                    return
                if policy == "skip":
                    raise SkipRow
                raise _nan_error(name, source, None)
            if value == last:
                row[target] = last_bucket
                return
            if not first <= value < last:
                raise buckets.bounds_error(value, source, None)
            if value == 0.0 and negative_zero_bucket is not None and math.copysign(1.0, value) < 0:
                if negative_zero_bucket < 0:
                    raise buckets.bounds_error(value, source, None)
                row[target] = float(negative_zero_bucket)
                return
            row[target] = float(bisect_right(splits, value) - 1)

        return bucketize

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self.buckets.splits, self.handle_invalid
        )


def stored(
    name: str, input_col: str, output_col: str, splits: Sequence[float], handle_invalid: str
) -> StoredNode:
    """The ``bucketizer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"splits": attr.double_list(splits), "handle_invalid": attr.string(handle_invalid)}
    return simple_node(name, "bucketizer", input_col, output_col, attributes)
