"""Generated data that reaches the edge cases, built once per test run (seeded, so repeatable).

``train`` fits the models; ``score`` is what the parity check scores: the same kind of rows plus
nulls and category values the training rows never had, for the ``handle_invalid`` variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ROWS = 1200
COLORS = ["red", "green", "blue", "black", "white"]
SIZES = ["s", "m", "l"]
SPARSE_WIDTH = 8


@dataclass(frozen=True)
class ParityData:
    train: Any  # no nulls, no unseen categories
    clean: Any  # like train, a different sample: what handle_invalid="error" must score
    dirty: Any  # adds null and unseen colors ("purple") and null x1: for "keep" / "skip"


def _rows(rng: np.random.Generator, n: int, dirty: bool) -> list[tuple[Any, ...]]:
    from pyspark.ml.linalg import Vectors

    color = rng.choice(COLORS, size=n, p=[0.35, 0.25, 0.2, 0.15, 0.05]).astype(object)
    size = rng.choice(SIZES, size=n).astype(object)
    x1 = rng.normal(0.0, 2.0, size=n)
    x2 = rng.uniform(-50.0, 150.0, size=n)
    x3 = rng.lognormal(0.0, 1.0, size=n)
    color_effect = np.array([COLORS.index(c) for c in color], dtype=float)
    size_effect = np.array([SIZES.index(s) for s in size], dtype=float)
    score = 0.8 * x1 + 0.02 * x2 - 0.5 * color_effect + size_effect + rng.normal(0, 1.0, size=n)
    label = (score > 0.5).astype(float)
    label3 = np.digitize(score, [-1.0, 1.5]).astype(float)
    target = 3.0 * x1 - 0.1 * x2 + 2.0 * color_effect + x3 + rng.normal(0, 0.5, size=n)
    x1_values: list[float | None] = x1.tolist()
    if dirty:
        unseen = rng.random(n) < 0.05
        color[unseen] = "purple"
        color[rng.random(n) < 0.04] = None
        for i in np.flatnonzero(rng.random(n) < 0.04):
            x1_values[i] = None
    sparse = []
    for _ in range(n):
        indices = sorted(rng.choice(SPARSE_WIDTH, size=int(rng.integers(0, 4)), replace=False))
        sparse.append(Vectors.sparse(SPARSE_WIDTH, indices, rng.normal(0, 3, len(indices))))
    return [
        (
            color[i],
            size[i],
            x1_values[i],
            float(x2[i]),
            float(x3[i]),
            7.5,
            sparse[i],
            float(label[i]),
            float(label3[i]),
            float(target[i]),
        )
        for i in range(n)
    ]


def make_parity_data(spark: Any, rows: int = ROWS, seed: int = 20261126) -> ParityData:
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("color", StringType(), True),
            StructField("size", StringType(), True),
            StructField("x1", DoubleType(), True),
            StructField("x2", DoubleType(), True),
            StructField("x3", DoubleType(), True),
            StructField("constant", DoubleType(), True),  # zero variance, zero range
            StructField("sparse", VectorUDT(), True),
            StructField("label", DoubleType(), True),
            StructField("label3", DoubleType(), True),
            StructField("target", DoubleType(), True),
        ]
    )
    rng = np.random.default_rng(seed)

    def frame(dirty: bool) -> Any:
        return spark.createDataFrame(_rows(rng, rows, dirty), schema).cache()

    return ParityData(train=frame(False), clean=frame(False), dirty=frame(True))
