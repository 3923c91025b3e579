"""``als``: a user's and an item's latent factors, dotted in float32; mirrors MLeap's
``ALSModel`` (Spark's ``ALSModel`` prediction UDF).

MLeap stores ``rank``, ``users`` / ``items`` (int lists) and ``user_factors`` / ``item_factors``
(one float tensor per id, in the same order). Ports ``user`` and ``item`` (int ids) in,
``prediction`` (float) out. The prediction is ``sum_j u_j * i_j`` with every product and every
partial sum rounded to float32, in order, as Spark's loop and BLAS ``sdot`` compute it.

An id the model has no factors for (a cold start) gives NaN, which is all MLeap knows. Spark's
``coldStartStrategy = "drop"`` drops such rows instead; MLeap's format cannot say it, so
snowleap's writer adds ``cold_start_strategy = "drop"`` (an attribute MLeap's runtime ignores)
and snowleap then drops the row (reported as skipped, never silently lost). Absent, the strategy
is ``nan``: MLeap's own bundles read exactly as MLeap reads them.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.errors import BundleError, InputError
from snowleap.numeric import np
from snowleap.ops.base import ColumnType, Field, Frame, Op, Row, RowStep, SkipRow, keep_rows
from snowleap.ops.recommendation.factors import INT32_MAX, INT32_MIN, FactorTable
from snowleap.ops.vectors import reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray

INT = ColumnType("int")
FLOAT = ColumnType("float")
COLD_START_STRATEGIES = ("nan", "drop")


class ALS:
    """The math: ``predict`` for one (user, item) pair, ``predict_batch`` for arrays of them."""

    def __init__(self, rank: int, users: FactorTable, items: FactorTable) -> None:
        self.rank = rank
        self.users = users
        self.items = items

    def predict(self, user: int, item: int) -> float:
        u = self.users.offset(user)
        i = self.items.offset(item)
        if u is None or i is None:
            return float("nan")
        a, b = self.users.factors, self.items.factors
        # NOTE: a float32 cell: assigning rounds a double to float32 (round to nearest even);
        # a product or sum of two float32s computed in double and rounded once is exactly the
        # float32 operation.
        cell = array("f", [0.0])
        total = 0.0
        for j in range(self.rank):
            cell[0] = a[u + j] * b[i + j]
            cell[0] = total + cell[0]
            total = cell[0]
        return total

    def predict_batch(self, users: AnyArray, items: AnyArray) -> AnyArray:
        user_rows, user_found = self.users.rows_batch(users)
        item_rows, item_found = self.items.rows_batch(items)
        total = np.zeros(users.shape[0], dtype=np.float32)
        with np.errstate(all="ignore"):
            # NOTE: overflow to inf and inf * 0 = NaN are silent, as on the JVM
            for j in range(self.rank):
                total = total + user_rows[:, j] * item_rows[:, j]
        result: AnyArray = np.where(user_found & item_found, total.astype(np.float64), np.nan)
        return result


def _checked_ids(column: AnyArray, name: str, reader: str) -> AnyArray:
    outside = (column < INT32_MIN) | (column > INT32_MAX)
    if bool(outside.any()):
        row = int(np.flatnonzero(outside)[0])
        raise InputError(f"column {name!r}{reader}: row {row}: the id does not fit a 32-bit int")
    return column


def _checked_id(value: Any, name: str, reader: str) -> int:
    if value is None:
        raise InputError(f"column {name!r}{reader}: a null id")
    if not INT32_MIN <= value <= INT32_MAX:
        raise InputError(f"column {name!r}{reader}: the id does not fit a 32-bit int")
    return int(value)


class ALSOp(Op):
    op_name = "als"

    def __init__(
        self,
        name: str,
        user_col: str,
        item_col: str,
        prediction_col: str,
        model: ALS,
        cold_start_strategy: str = "nan",
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(
            name,
            [Field(user_col, INT), Field(item_col, INT)],
            [Field(prediction_col, FLOAT)],
            ports=ports,
        )
        self.user_col = user_col
        self.item_col = item_col
        self.prediction_col = prediction_col
        self.model = model
        self.cold_start_strategy = cold_start_strategy

    @classmethod
    def from_bundle(cls, node: NodeContext) -> ALSOp:
        attributes = node.attributes
        rank = attributes.get_int("rank")
        if rank < 1:
            raise BundleError(f"{node.where}: 'rank' is {rank}; a model has at least 1 factor")
        tables = []
        for ids_name, factors_name in (("users", "user_factors"), ("items", "item_factors")):
            tables.append(
                FactorTable.from_rows(
                    attributes.get_int_list(ids_name),
                    [t.values for t in attributes.get_tensor_list(factors_name)],
                    rank,
                    f"{node.where}: {ids_name!r}/{factors_name!r}",
                )
            )
        strategy = attributes.get_string("cold_start_strategy", "nan")
        if strategy not in COLD_START_STRATEGIES:
            raise BundleError(
                f"{node.where}: 'cold_start_strategy' {strategy!r} is not one of "
                f"{', '.join(COLD_START_STRATEGIES)}"
            )
        shape = node.shape
        where = node.node_where
        return cls(
            node.name,
            shape.input("user", where),
            shape.input("item", where),
            shape.output("prediction", where),
            ALS(rank, tables[0], tables[1]),
            strategy,
            ports=shape,
        )

    def transform(self, frame: Frame) -> Frame:
        reader = f" ({reader_of(self)})"
        users = _checked_ids(frame[self.user_col], self.user_col, reader)
        items = _checked_ids(frame[self.item_col], self.item_col, reader)
        prediction = self.model.predict_batch(users, items)
        frame[self.prediction_col] = prediction
        if self.cold_start_strategy == "drop":
            frame = keep_rows(frame, ~np.isnan(prediction))
        return frame

    def row_step(self) -> RowStep:
        user_col, item_col, target = self.user_col, self.item_col, self.prediction_col
        predict = self.model.predict
        drop = self.cold_start_strategy == "drop"
        reader = f" ({reader_of(self)})"

        def score(row: Row) -> None:
            user = _checked_id(row[user_col], user_col, reader)
            item = _checked_id(row[item_col], item_col, reader)
            prediction = predict(user, item)
            if drop and prediction != prediction:
                raise SkipRow
            row[target] = prediction

        return score

    def describe(self) -> dict[str, Any]:
        model = self.model
        return {
            **super().describe(),
            "rank": model.rank,
            "users": len(model.users),
            "items": len(model.items),
            "cold_start_strategy": self.cold_start_strategy,
        }

    def store(self) -> StoredNode:
        model = self.model
        users, items = model.users, model.items
        rank = model.rank
        return stored(
            self.name,
            (self.user_col, self.item_col, self.prediction_col),
            rank,
            (list(users.ids), _vectors(users)),
            (list(items.ids), _vectors(items)),
            self.cold_start_strategy,
        )


def _vectors(table: FactorTable) -> list[Sequence[float]]:
    rank, factors = table.rank, table.factors
    return [factors[start : start + rank] for start in range(0, len(factors), rank)]


def stored(
    name: str,
    columns: tuple[str, str, str],
    rank: int,
    users: tuple[Sequence[int], Sequence[Sequence[float]]],
    items: tuple[Sequence[int], Sequence[Sequence[float]]],
    cold_start_strategy: str = "nan",
) -> StoredNode:
    """The ``als`` node MLeap writes: ports ``user``, ``item`` -> ``prediction`` (``columns``),
    ``rank``, ids and float factor tensors; a ``drop`` model adds ``cold_start_strategy``."""
    user_col, item_col, prediction_col = columns
    attributes = {
        "rank": attr.int32(rank),
        "users": attr.int_list(list(users[0])),
        "user_factors": attr.tensor_list([attr.tensor("float", (rank,), v) for v in users[1]]),
        "items": attr.int_list(list(items[0])),
        "item_factors": attr.tensor_list([attr.tensor("float", (rank,), v) for v in items[1]]),
    }
    if cold_start_strategy != "nan":
        attributes["cold_start_strategy"] = attr.string(cold_start_strategy)
    shape = node_shape([("user", user_col), ("item", item_col)], [("prediction", prediction_col)])
    return StoredNode(name, shape, StoredModel("als", attributes))
