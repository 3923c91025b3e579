"""A table of latent factors by integer id, held compactly: one ``array('i')`` of ids (sorted)
and one ``array('f')`` of their factors, ``rank`` floats per id.

A bundle of 100,000 users becomes two flat buffers, not 100,000 Python lists: lookups bisect the
ids (row path) or ``searchsorted`` them (batch path, over zero-copy numpy views of the same
buffers). Factors are float32, as Spark and MLeap hold them.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from snowleap.errors import BundleError
from snowleap.numeric import np

if TYPE_CHECKING:
    from snowleap.numeric import AnyArray, BoolArray

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


class FactorTable:
    """Factors by id. ``ids`` sorted ascending, unique; ``factors[rank * i : rank * (i + 1)]``
    belongs to ``ids[i]``."""

    def __init__(self, ids: array[int], factors: array[float], rank: int) -> None:
        self.ids = ids
        self.factors = factors
        self.rank = rank

    @classmethod
    def from_rows(
        cls, ids: Sequence[int], vectors: Sequence[Sequence[float]], rank: int, what: str
    ) -> FactorTable:
        """The table of ``ids[i] -> vectors[i]``, sorted by id; ``what`` names the attribute
        pair in errors (``"model.json: 'users'/'user_factors'"``)."""
        if len(ids) != len(vectors):
            raise BundleError(f"{what}: {len(ids)} ids for {len(vectors)} factor vectors")
        for position, vector in enumerate(vectors):
            if len(vector) != rank:
                raise BundleError(
                    f"{what}: factor vector {position} has {len(vector)} values, rank is {rank}"
                )
        sorted_ids = array("i", ids)
        factors = array("f")
        if all(ids[i] < ids[i + 1] for i in range(len(ids) - 1)):
            for vector in vectors:
                factors.extend(vector)
            return cls(sorted_ids, factors, rank)
        # NOTE: Spark saves its factor tables in partition order, not sorted; one pass of a
        # sort by id (transient indices), then the same flat buffers.
        order = sorted(range(len(ids)), key=ids.__getitem__)
        sorted_ids = array("i", (ids[i] for i in order))
        for left, right in pairwise(sorted_ids):
            if left == right:
                raise BundleError(f"{what}: id {left} appears more than once")
        for i in order:
            factors.extend(vectors[i])
        return cls(sorted_ids, factors, rank)

    def __len__(self) -> int:
        return len(self.ids)

    def offset(self, key: int) -> int | None:
        """Where ``key``'s factors start in ``factors``; ``None`` for an unknown id."""
        ids = self.ids
        position = bisect_left(ids, key)
        if position < len(ids) and ids[position] == key:
            return position * self.rank
        return None

    @cached_property
    def _ids(self) -> AnyArray:
        return np.frombuffer(self.ids, dtype=np.int32)

    @cached_property
    def _matrix(self) -> AnyArray:
        return np.frombuffer(self.factors, dtype=np.float32).reshape(len(self.ids), self.rank)

    def rows_batch(self, keys: AnyArray) -> tuple[AnyArray, BoolArray]:
        """For each key, its factor row (``(keys, rank)`` float32; zeros where unknown) and
        whether it was found."""
        if not self.ids:
            return np.zeros((keys.shape[0], self.rank), np.float32), np.zeros(keys.shape[0], bool)
        ids = self._ids
        position = np.searchsorted(ids, keys)
        inside = position < ids.shape[0]
        position = np.where(inside, position, 0)
        found: BoolArray = inside & (ids[position] == keys)
        rows: AnyArray = np.where(found[:, np.newaxis], self._matrix[position], np.float32(0.0))
        return rows, found

    def vector(self, key: int) -> list[float]:
        """One id's factors as floats (for ``snowleap inspect`` and tests)."""
        start = self.offset(key)
        if start is None:
            raise KeyError(key)
        return list(self.factors[start : start + self.rank])

    def nbytes(self) -> int:
        """The bytes the two buffers hold."""
        return self.ids.itemsize * len(self.ids) + self.factors.itemsize * len(self.factors)
