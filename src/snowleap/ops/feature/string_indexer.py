"""``string_indexer``: maps each string to its label's index; mirrors MLeap's
``StringIndexerModel``.

One node indexes one or several columns (ports ``input0``.. / ``output0``..; legacy bundles have a
single ``input``/``output``). The index is a double. A null is invalid, like an unseen label:
``error`` raises, ``keep`` gives the index ``len(labels)``, ``skip`` drops the row.

NOTE: for a null with ``skip`` MLeap itself fails (its ``contains`` check calls ``toString`` on
the null); snowleap drops the row, as Spark's ``StringIndexerModel`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import (
    DOUBLE,
    STRING,
    Field,
    Frame,
    Op,
    Row,
    RowStep,
    SkipRow,
    keep_rows,
)
from snowleap.ops.handle_invalid import HandleInvalid, read_handle_invalid
from snowleap.ops.pipeline import stored as pipeline_stored
from snowleap.ops.tree.compiled import compiled_walker

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode
    from snowleap.numeric import AnyArray, BoolArray, FloatArray, ObjectArray

_INVALID = -1.0


@dataclass(frozen=True)
class LabelIndex:
    """The labels of one column and their lookup table, built once at load time.

    A label listed twice gets the index of its last occurrence, as MLeap's ``toMap`` does.

    Example
    -------
    >>> index = LabelIndex(("NY", "CA"))
    >>> index.index_batch(np.array(["CA", None, "TX", "NY"], dtype=object)).tolist()
    [1.0, -1.0, -1.0, 0.0]
    """

    labels: tuple[str, ...]
    table: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {label: float(i) for i, label in enumerate(self.labels)}
        object.__setattr__(self, "table", table)

    @cached_property
    def _by_hash(self) -> _HashedLabels | None:
        """The batch path's lookup table, built at the first batch."""
        return _HashedLabels.of(self.table)

    @property
    def keep_index(self) -> float:
        """The index ``keep`` gives an invalid value: one past the last label."""
        return float(len(self.labels))

    def index_batch(self, values: AnyArray) -> FloatArray:
        """Index a column of strings (``None`` for null); invalid values get -1."""
        by_hash = self._by_hash
        if by_hash is not None:
            return by_hash.lookup(values)
        # NOTE: a 0-d object array, so np.equal compares each element with None in C.
        nulls: BoolArray = np.equal(values, np.array(None, dtype=object))
        present = values[~nulls] if nulls.any() else values
        # NOTE: only the distinct values go through the dict; rows map via the inverse.
        distinct, inverse = np.unique(present, return_inverse=True)
        table = self.table
        mapped = np.array(
            [table.get(value, _INVALID) for value in distinct.tolist()], dtype=np.float64
        )
        if present is values:
            return mapped[inverse.reshape(-1)]
        indices = np.full(len(values), _INVALID)
        indices[~nulls] = mapped[inverse.reshape(-1)]
        return indices


@dataclass(frozen=True)
class _HashedLabels:
    """The distinct labels sorted by their Python hash, for a lookup without sorting strings.

    A batch is looked up like the row path's dict: each value's hash (``str`` caches it) is
    found among the labels' hashes by binary search, then the value is compared with that one
    label, so a hash shared by a value and a label it is not equal to gives no match. Only
    used when the labels' own hashes differ (otherwise ``of`` returns ``None``).
    """

    hashes: AnyArray
    labels: ObjectArray
    indices: FloatArray

    @staticmethod
    def of(table: dict[str, float]) -> _HashedLabels | None:
        hashes = np.array([hash(label) for label in table], dtype=np.int64)
        if not table or len(np.unique(hashes)) != len(table):
            return None
        order = np.argsort(hashes)
        labels = np.empty(len(table), dtype=object)
        labels[:] = list(table)
        indices = np.array(list(table.values()), dtype=np.float64)
        return _HashedLabels(hashes[order], labels[order], indices[order])

    def lookup(self, values: AnyArray) -> FloatArray:
        # NOTE: ``map(hash, ...)`` runs in C; numpy sorts object arrays by calling Python's
        # comparisons, about four times slower on the airbnb columns.
        if values.dtype != object:
            values = values.astype(object)
        hashes = np.fromiter(map(hash, values), dtype=np.int64, count=len(values))
        candidate = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        found = np.equal(self.labels.take(candidate), values).astype(np.bool_, copy=False)
        return np.where(found, self.indices.take(candidate), _INVALID)


def _invalid_error(op: str, column: str, value: Any, row: int | None) -> InputError:
    where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
    problem = "null value" if value is None else f"unseen label {value!r}"
    return InputError(
        f"{where}: {problem}; string_indexer {op!r} has handle_invalid 'error' "
        "('keep' or 'skip' would accept it)"
    )


class StringIndexerOp(Op):
    op_name = "string_indexer"

    def __init__(
        self,
        name: str,
        columns: list[tuple[str, str]],
        indexes: list[LabelIndex],
        handle_invalid: HandleInvalid,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(source, STRING) for source, _ in columns],
            [Field(target, DOUBLE) for _, target in columns],
            ports=ports,
        )
        self.columns = columns
        self.indexes = indexes
        self.handle_invalid = handle_invalid

    @classmethod
    def from_bundle(cls, node: NodeContext) -> StringIndexerOp:
        attributes = node.attributes
        if "labels_length" in attributes:
            count = attributes.get_int("labels_length")
            if count < 1:
                raise BundleError(f"{node.where}: string_indexer 'labels_length' is {count}")
            label_lists = [attributes.get_string_list(f"labels_array_{i}") for i in range(count)]
        else:
            # NOTE: legacy form (MLeap < 0.18, Spark 2): one column, a single 'labels' list.
            label_lists = [attributes.get_string_list("labels")]
        sources = node.shape.numbered_inputs(node.node_where)
        targets = node.shape.numbered_outputs(node.node_where)
        if not len(sources) == len(targets) == len(label_lists):
            raise BundleError(
                f"{node.node_where}: string_indexer has {len(label_lists)} label lists, "
                f"{len(sources)} inputs and {len(targets)} outputs; they should match"
            )
        return cls(
            node.name,
            list(zip(sources, targets, strict=True)),
            [LabelIndex(tuple(labels)) for labels in label_lists],
            read_handle_invalid(attributes, cls.op_name),
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        indexed = [
            index.index_batch(frame[source])
            for (source, _), index in zip(self.columns, self.indexes, strict=True)
        ]
        if self.handle_invalid == "skip":
            valid = np.ones(len(indexed[0]), dtype=np.bool_)
            for indices in indexed:
                valid &= indices != _INVALID
            frame = keep_rows(frame, valid)
            indexed = [indices[valid] for indices in indexed]
        for (source, target), index, indices in zip(
            self.columns, self.indexes, indexed, strict=True
        ):
            invalid = indices == _INVALID
            if invalid.any():
                if self.handle_invalid == "error":
                    row = int(np.argmax(invalid))
                    raise _invalid_error(self.name, source, frame[source][row], row)
                indices[invalid] = index.keep_index
            frame[target] = indices
        return frame

    def row_step(self) -> RowStep:
        if len(self.columns) == 1:
            ((source, target),) = self.columns
            step = _column_step(source, target, self.indexes[0], self.handle_invalid, self.name)
            return _compiled_step([(source, target, self.indexes[0], self.name)], step)
        return _columns_step(
            [(source, target, index, self.name) for (source, target), index in self._indexed()],
            self.handle_invalid,
        )

    @classmethod
    def merged_row_step(cls, ops: list[Op]) -> RowStep | None:
        """Indexers of one ``handle_invalid`` side by side index all their columns at once."""
        indexers = [op for op in ops if isinstance(op, StringIndexerOp)]
        if len(indexers) != len(ops) or len({op.handle_invalid for op in indexers}) != 1:
            return None
        return _columns_step(
            [
                (source, target, index, op.name)
                for op in indexers
                for (source, target), index in op._indexed()
            ],
            indexers[0].handle_invalid,
        )

    def _indexed(self) -> list[tuple[tuple[str, str], LabelIndex]]:
        return list(zip(self.columns, self.indexes, strict=True))

    def store(self) -> StoredNode:
        if len(self.columns) == 1:
            ((source, target),) = self.columns
            return stored(self.name, source, target, self.indexes[0].labels, self.handle_invalid)
        # NOTE: MLeap 0.16's runtime reads one column per node ("labels"; "labels_length" and
        # "labels_array_i" came with 0.18), so several columns are a pipeline of such nodes.
        nodes = [
            stored(f"{self.name}_{i}", source, target, index.labels, self.handle_invalid)
            for i, ((source, target), index) in enumerate(
                zip(self.columns, self.indexes, strict=True)
            )
        ]
        return pipeline_stored(self.name, nodes)


def _columns_step(
    columns: list[tuple[str, str, LabelIndex, str]], policy: HandleInvalid
) -> RowStep:
    """One step indexing several columns (source, target, labels, the op's name) in order: the
    first invalid column raises or skips, as the column-by-column steps would."""
    return _compiled_step(columns, _python_columns_step(columns, policy))


def _compiled_step(columns: list[tuple[str, str, LabelIndex, str]], python: RowStep) -> RowStep:
    """``python``'s lookups as one C call (``index_into``) while every value is a known label;
    any other row goes to ``python``, which keeps, skips or raises."""
    module = compiled_walker()
    if module is None or not hasattr(module, "index_into"):
        return python
    specs = tuple((source, target, index.table) for source, target, index, _ in columns)
    step: RowStep = partial(module.index_into, specs, python)
    return step


def _python_columns_step(
    columns: list[tuple[str, str, LabelIndex, str]], policy: HandleInvalid
) -> RowStep:
    """NOTE: a plain loop; ``map`` of ``dict.get`` over the columns measured twice as slow."""
    specs = [(source, target, index.table.get, name) for source, target, index, name in columns]
    if policy == "keep":
        keeps = [(s, t, index.table.get, index.keep_index) for s, t, index, _ in columns]

        def index_or_keep(row: Row) -> None:
            for source, target, get, keep_index in keeps:
                row[target] = get(row[source], keep_index)

        return index_or_keep
    skip = policy == "skip"

    def index_checked(row: Row) -> None:
        for source, target, get, name in specs:
            found = get(row[source])
            if found is None:
                if skip:
                    raise SkipRow
                raise _invalid_error(name, source, row[source], None)
            row[target] = found

    return index_checked


def _column_step(
    source: str, target: str, index: LabelIndex, policy: HandleInvalid, op: str
) -> RowStep:
    table = index.table
    if policy == "keep":
        keep_index = index.keep_index

        def index_or_keep(row: Row) -> None:
            row[target] = table.get(row[source], keep_index)

        return index_or_keep
    if policy == "skip":

        def index_or_skip(row: Row) -> None:
            found = table.get(row[source])
            if found is None:
                raise SkipRow
            row[target] = found

        return index_or_skip

    def index_or_raise(row: Row) -> None:
        value = row[source]
        found = table.get(value)
        if found is None:
            raise _invalid_error(op, source, value, None)
        row[target] = found

    return index_or_raise


def stored(
    name: str, input_col: str, output_col: str, labels: Sequence[str], handle_invalid: str
) -> StoredNode:
    """The ``string_indexer`` node MLeap 0.16 writes (one column), as ``from_bundle`` reads it."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import simple_node

    attributes = {"labels": attr.string_list(labels), "handle_invalid": attr.string(handle_invalid)}
    return simple_node(name, "string_indexer", input_col, output_col, attributes)
