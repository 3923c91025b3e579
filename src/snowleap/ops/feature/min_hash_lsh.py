"""``min_hash_lsh``: MinHash signatures of a vector's set of non-zero indices (Jaccard LSH);
mirrors Spark's ``MinHashLSHModel``.

Hash ``j`` is ``min over non-zero indices i of ((1 + i) * a_j + b_j) mod 2038074743``, in 64-bit
integers as Spark computes it. NOTE: MLeap's runtime (0.16, and its current code) multiplies in
32-bit ``Int`` and overflows, so its hashes differ from Spark's for almost every input; snowleap
gives Spark's (the parity test shows both). A vector without non-zero entries has no signature
(Spark refuses it: "Must have at least 1 non zero entry"), and so does snowleap. The output is
one vector of ``hash tables`` values (Spark: an array of one-element vectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray

HASH_PRIME = 2038074743


def _no_entry(row: int | None) -> InputError:
    where = f"row {row}: " if row is not None else ""
    return InputError(
        f"{where}min_hash_lsh needs a vector with at least one non-zero entry (Spark's rule)"
    )


class MinHashes(VectorFunction):
    """The MinHash of the non-zero indices under each ``(a, b)`` pair.

    Example
    -------
    >>> MinHashes([(1, 0), (2, 5)], 3).row_function()([0.0, 4.0, 1.0])
    [2.0, 9.0]
    """

    def __init__(self, coefficients: list[tuple[int, int]], size: int) -> None:
        self.coefficients = coefficients
        self.size = size

    @property
    def input_size(self) -> int:
        return self.size

    @property
    def output_size(self) -> int:
        return len(self.coefficients)

    @cached_property
    def _hash_table(self) -> FloatArray:
        """``(features, hashes)``: every index's hash under every pair, as exact doubles."""
        positions = np.arange(1, self.size + 1, dtype=np.int64)[:, None]
        a = np.asarray([c[0] for c in self.coefficients], dtype=np.int64)[None, :]
        b = np.asarray([c[1] for c in self.coefficients], dtype=np.int64)[None, :]
        table: FloatArray = np.fmod(positions * a + b, HASH_PRIME).astype(np.float64)
        return table

    def apply_batch(self, values: FloatArray) -> FloatArray:
        present = values != 0.0
        empty = ~present.any(axis=1)
        if bool(empty.any()):
            raise _no_entry(int(np.argmax(empty)))
        hashes = np.full((values.shape[0], self.output_size), np.inf)
        for feature in range(self.size):
            rows = present[:, feature]
            if bool(rows.any()):
                hashes[rows] = np.minimum(hashes[rows], self._hash_table[feature])
        return hashes

    def row_function(self) -> RowFunction:
        pairs = self.coefficients

        def signature(values: list[float]) -> list[float]:
            positions = [i + 1 for i, v in enumerate(values) if v != 0.0]
            if not positions:
                raise _no_entry(None)
            # NOTE: Python's % and the JVM's agree here: every operand is non-negative.
            return [float(min((p * a + b) % HASH_PRIME for p in positions)) for a, b in pairs]

        return signature


class MinHashLshOp(VectorMapOp):
    op_name = "min_hash_lsh"

    @classmethod
    def function_from(cls, attributes: Attributes) -> MinHashes:
        a = attributes.get_long_list("random_coefficients_a")
        b = attributes.get_long_list("random_coefficients_b")
        if len(a) != len(b):
            raise BundleError(
                f"{attributes.where}: min_hash_lsh has {len(a)} 'random_coefficients_a' but "
                f"{len(b)} 'random_coefficients_b'"
            )
        if any(not 0 <= c < 2**31 for c in (*a, *b)):
            raise BundleError(
                f"{attributes.where}: min_hash_lsh coefficients should be non-negative 32-bit "
                "integers (Spark draws them below 2038074743)"
            )
        return MinHashes(list(zip(a, b, strict=True)), attributes.get_int("input_size"))

    def store(self) -> StoredNode:
        function = self.function
        assert isinstance(function, MinHashes), "from_bundle builds it"
        return stored(
            self.name, self.input_col, self.output_col, function.coefficients, function.size
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    coefficients: Sequence[tuple[int, int]],
    input_size: int,
) -> StoredNode:
    """The ``min_hash_lsh`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "random_coefficients_a": attr.long_list([a for a, _ in coefficients]),
        "random_coefficients_b": attr.long_list([b for _, b in coefficients]),
        "input_size": attr.int32(input_size),
    }
    return simple_node(name, "min_hash_lsh", input_col, output_col, attributes)
