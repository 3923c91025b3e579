"""Sparse vectors that stay sparse: a hashed text feature of 2^18 slots holds a few dozen values.

Two forms, one per scoring path, holding the same numbers:

* ``SparseVector`` (row path): a width and the active slots, strictly increasing ``indices`` with
  their ``values``, as plain Python lists (no numpy);
* ``SparseRows`` (batch path): a whole column in compressed sparse rows (CSR: ``indptr``,
  ``indices``, ``values`` numpy arrays), so memory follows the non-zeros, never rows x width.

A vector column of a frame holds either a dense 2-D array or a ``SparseRows``; a row holds a list
of floats or a ``SparseVector``. Ops that know sparse math read both (``ops.vectors``); the others
get a dense copy, refused with a clear error when it would be too large.

Example
-------
>>> v = SparseVector(5, [1, 3], [2.0, -1.0])
>>> v.to_dense()
[0.0, 2.0, 0.0, -1.0, 0.0]
>>> len(v), v == SparseVector.from_dense([0.0, 2.0, 0.0, -1.0, 0.0])
(5, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from snowleap.errors import InputError
from snowleap.numeric import np, numpy_importable

if TYPE_CHECKING:
    from snowleap.numeric import AnyArray, FloatArray

# NOTE: the largest dense copy (in values: rows x width) made for an op without sparse math;
# 2^25 doubles is 256 MiB. A 2^18-wide hashed column of 10,000 rows would need 20 GiB.
MAX_DENSE_VALUES = 1 << 25


class SparseVector:
    """One sparse vector of width ``size``: ``values[k]`` sits at slot ``indices[k]``.

    ``len()`` is the width, so width checks read sparse and dense vectors alike. Indices are
    strictly increasing (as Spark's ``SparseVector`` requires); explicit zeros may be stored.
    """

    __slots__ = ("indices", "size", "values")

    def __init__(self, size: int, indices: list[int], values: list[float]) -> None:
        self.size = size
        self.indices = indices
        self.values = values

    @classmethod
    def from_dense(cls, values: Sequence[float]) -> SparseVector:
        """The non-zero slots of a dense vector (NaN counts as non-zero)."""
        indices = [i for i, v in enumerate(values) if v != 0.0]
        return cls(len(values), indices, [values[i] for i in indices])

    @classmethod
    def from_pairs(cls, size: int, pairs: Iterable[tuple[int, float]], where: str) -> SparseVector:
        """A vector from ``(index, value)`` pairs in any order; an index twice or outside
        ``[0, size)`` raises ``InputError`` prefixed by ``where``."""
        ordered = sorted(pairs, key=_first)
        indices = [index for index, _ in ordered]
        for position, index in enumerate(indices):
            if not 0 <= index < size:
                raise InputError(f"{where}: sparse index {index} is outside a vector of {size}")
            if position and indices[position - 1] == index:
                raise InputError(f"{where}: sparse index {index} is given twice")
        return cls(size, indices, [value for _, value in ordered])

    def __len__(self) -> int:
        return self.size

    def to_dense(self) -> list[float]:
        dense = [0.0] * self.size
        for index, value in zip(self.indices, self.values, strict=True):
            dense[index] = value
        return dense

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SparseVector):
            return NotImplemented
        return (self.size, self.indices, self.values) == (other.size, other.indices, other.values)

    __hash__ = None  # type: ignore[assignment]  # NOTE: mutable lists inside, as a list is

    def __repr__(self) -> str:
        return f"SparseVector({self.size}, {self.indices}, {self.values})"


def _first(pair: tuple[int, float]) -> int:
    return pair[0]


def dense_row(values: list[float] | SparseVector) -> list[float]:
    """A row vector as a list of floats (a sparse one expanded), for ops without sparse math."""
    return values.to_dense() if isinstance(values, SparseVector) else values


class SparseRows:
    """A batch column of sparse vectors of width ``size`` in CSR form.

    Row ``r`` holds ``values[indptr[r]:indptr[r + 1]]`` at slots ``indices[...]`` (increasing).
    It answers ``len``, ``shape`` and ``ndim`` like a 2-D array, ``[i]`` with a ``SparseVector``
    and ``[mask]`` (or an index array) with the kept rows, so frame plumbing treats it as a column.
    """

    ndim = 2

    def __init__(self, size: int, indptr: AnyArray, indices: AnyArray, values: FloatArray) -> None:
        self.size = size
        self.indptr = indptr
        self.indices = indices
        self.values = values

    @classmethod
    def from_vectors(
        cls, size: int, vectors: Sequence[SparseVector | Sequence[float]]
    ) -> SparseRows:
        """A column from row vectors, sparse or dense (a dense one keeps its non-zeros)."""
        sparse = [v if isinstance(v, SparseVector) else SparseVector.from_dense(v) for v in vectors]
        counts = np.fromiter((len(v.indices) for v in sparse), dtype=np.int64, count=len(sparse))
        indptr = np.zeros(len(sparse) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        total = int(indptr[-1])
        indices = np.fromiter((i for v in sparse for i in v.indices), dtype=np.int64, count=total)
        values = np.fromiter((x for v in sparse for x in v.values), dtype=np.float64, count=total)
        return cls(size, indptr, indices, values)

    @classmethod
    def from_dense(cls, dense: FloatArray) -> SparseRows:
        rows, cols = np.nonzero(dense != 0.0)
        counts = np.bincount(rows, minlength=dense.shape[0])
        indptr = np.zeros(dense.shape[0] + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(dense.shape[1], indptr, cols.astype(np.int64), dense[rows, cols])

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.indptr) - 1, self.size)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def counts(self) -> AnyArray:
        """The number of stored slots of each row."""
        return np.diff(self.indptr)

    def row_of_each_value(self) -> AnyArray:
        """For every stored value, the row it belongs to (``values``' parallel row index)."""
        return np.repeat(np.arange(len(self)), self.counts())

    def with_values(self, values: FloatArray) -> SparseRows:
        """The same slots holding other values (an op scaling each stored value)."""
        return SparseRows(self.size, self.indptr, self.indices, values)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, (int, np.integer)):
            start, stop = int(self.indptr[key]), int(self.indptr[key + 1])
            return SparseVector(
                self.size, self.indices[start:stop].tolist(), self.values[start:stop].tolist()
            )
        rows = np.arange(len(self))[key]
        counts = self.counts()[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        starts = self.indptr[rows]
        # NOTE: the positions of each kept row's values, without a Python loop per row
        positions = np.repeat(starts - indptr[:-1], counts) + np.arange(int(indptr[-1]))
        return SparseRows(self.size, indptr, self.indices[positions], self.values[positions])

    def to_dense(self, column: str = "", reader: str | None = None) -> FloatArray:
        """The dense ``(rows, size)`` copy; ``InputError`` naming the column (and the op that
        cannot read sparse vectors) when it would exceed ``MAX_DENSE_VALUES``."""
        rows = len(self)
        if rows * self.size > MAX_DENSE_VALUES:
            by = f" for {reader}" if reader else ""
            raise InputError(
                f"column {column!r}: {rows} sparse vectors of width {self.size} are too large to "
                f"expand{by} (at most {MAX_DENSE_VALUES} values; score fewer rows at a time)"
            )
        dense = np.zeros((rows, self.size), dtype=np.float64)
        dense[self.row_of_each_value(), self.indices] = self.values
        return dense

    def tolist(self) -> list[SparseVector]:
        return [self[i] for i in range(len(self))]

    def __repr__(self) -> str:
        return f"SparseRows({len(self)} rows of width {self.size}, {len(self.values)} values)"


def dense_batch(values: Any, column: str, reader: str) -> Any:
    """A batch column as it is, or expanded when it is ``SparseRows`` (for ops without sparse
    math; ``InputError`` if too large)."""
    return values.to_dense(column, reader) if isinstance(values, SparseRows) else values


def vector_batch(values: Sequence[Any], width: int | None) -> FloatArray | SparseRows:
    """One batch column from row vectors: ``SparseRows`` if any is sparse, else a 2-D array;
    without numpy (``NumpyLayer=false``), the row vectors as a list, for the row path."""
    if not numpy_importable():
        rows = [v if isinstance(v, SparseVector) else list(v) for v in values]
        return cast("FloatArray | SparseRows", rows)
    if any(isinstance(v, SparseVector) for v in values):
        size = width if width is not None else len(values[0])
        return SparseRows.from_vectors(size, values)
    if not values:
        return np.zeros((0, width or 0), dtype=np.float64)
    array: FloatArray = np.array(values, dtype=np.float64)
    return array


def object_column(cells: Sequence[Any]) -> AnyArray:
    """A 1-D object array holding ``cells`` as they are (lists stay lists, dicts dicts), which
    ``np.array`` would turn into a 2-D array when the lists have one length; without numpy, a
    list."""
    if not numpy_importable():
        return cast("AnyArray", list(cells))
    column = np.empty(len(cells), dtype=object)
    for position, cell in enumerate(cells):
        column[position] = cell
    return column
