"""Seeded text for the text ops' parity cases: sentences that reach the edge cases.

Words mix case, accents, German sharp s, Greek (final sigma), CJK and emoji; sentences include
empty strings, whitespace only, leading, trailing and doubled separators, tabs and newlines,
punctuation, and words the training rows never had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

ROWS = 1100
WORDS = [
    "the",
    "The",
    "a",
    "cat",
    "sat",
    "on",
    "mat",
    "Dog",
    "runs",
    "fast",
    "and",
    "is",
    "not",
    "café",
    "naïve",
    "Straße",
    "ΟΔΟΣ",
    "日本語",
    "😀",
    "won't",
    "e-mail",
    "x1",
    "NY",
]
UNSEEN = ["zebra", "Ünïcode", "🚀", "ΣΟΦΙΑ"]
SEPARATORS = [" ", " ", " ", "  ", "\t", ", ", "\n", ". "]
EDGES = ["", " ", "   ", "\t", "single", " leading", "trailing ", "a  b", "😀😀 😀"]


@dataclass(frozen=True)
class TextData:
    train: Any  # text and pre-split tokens, no unseen words
    score: Any  # the same kinds of rows, with unseen words and every edge case


def _sentence(rng: np.random.Generator, words: list[str]) -> str:
    count = int(rng.integers(0, 12))
    parts: list[str] = []
    for i in range(count):
        if i:
            parts.append(str(rng.choice(SEPARATORS)))
        parts.append(str(rng.choice(words)))
    return "".join(parts)


def _rows(rng: np.random.Generator, n: int, unseen: bool) -> list[tuple[Any, ...]]:
    words = WORDS + UNSEEN if unseen else WORDS
    texts = [_sentence(rng, words) for _ in range(n)]
    if unseen:
        texts[: len(EDGES)] = EDGES
    return [(text, text.lower().split()) for text in texts]


def make_text_data(spark: Any, rows: int = ROWS, seed: int = 20261202) -> TextData:
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("text", StringType(), False),
            StructField("words", ArrayType(StringType(), False), False),
        ]
    )
    rng = np.random.default_rng(seed)

    def frame(unseen: bool) -> Any:
        return spark.createDataFrame(_rows(rng, rows, unseen), schema).cache()

    return TextData(train=frame(False), score=frame(True))
