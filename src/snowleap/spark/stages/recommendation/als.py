"""Spark's ``ALSModel`` -> ``als`` (``coldStartStrategy`` ``nan`` or ``drop``).

Spark saves ``rank`` in the stage's metadata and the factor tables as Parquet folders
``userFactors`` and ``itemFactors`` (``id`` int, ``features`` array of floats).
"""

from __future__ import annotations

from typing import Any

from snowleap.bundle.store import StoredNode
from snowleap.ops.recommendation import als as als_op
from snowleap.spark.columns import Column, Columns
from snowleap.spark.errors import SavedModelError, StageNotExportableError
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.recommendation.ALSModel",)
FLOAT = Column(base="float")
#: Spark's ``IntegerType`` ids (``checkedCast`` turns other numbers into ints)
ID = Column(base="int")


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    rank = stage.metadata.get("rank")
    if not isinstance(rank, int) or rank < 1:
        raise SavedModelError(f"{stage.path}: {stage.description}: no 'rank' in its metadata")
    strategy = str(stage.param("coldStartStrategy", "nan"))
    if strategy not in als_op.COLD_START_STRATEGIES:
        raise StageNotExportableError(
            f"stage {stage.description}: coldStartStrategy {strategy!r} has no als form"
        )
    user_col, item_col = stage.param("userCol"), stage.param("itemCol")
    for name in (user_col, item_col):
        columns.get(name, stage.description, ID)
    prediction = stage.param("predictionCol")
    columns.add(prediction, FLOAT)
    return [
        als_op.stored(
            stage.uid,
            (user_col, item_col, prediction),
            rank,
            _factors(stage, "userFactors"),
            _factors(stage, "itemFactors"),
            strategy,
        )
    ]


def _factors(stage: FittedStage, part: str) -> tuple[list[int], list[Any]]:
    try:
        rows = stage.rows(part)
        return [int(row["id"]) for row in rows], [row["features"] for row in rows]
    except KeyError as exc:
        raise SavedModelError(
            f"{stage.path / part}: {stage.description}: its factors have no column {exc}"
        ) from None
