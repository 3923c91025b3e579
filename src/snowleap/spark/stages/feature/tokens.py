"""What the text stage modules share: a string or token-list input, a token-list output."""

from __future__ import annotations

from snowleap.spark.columns import STRING, TOKENS, Column, Columns, vector_column
from snowleap.spark.saved import FittedStage


def text_in_tokens_out(stage: FittedStage, columns: Columns) -> tuple[str, str]:
    """A tokenizer's ``inputCol`` (a string) and ``outputCol`` (tokens, added)."""
    source, target = stage.param("inputCol"), stage.param("outputCol")
    columns.get(source, stage.description, STRING)
    columns.add(target, TOKENS)
    return source, target


def tokens_in(stage: FittedStage, columns: Columns, source: str, target: str, out: Column) -> None:
    """Declare a stage reading tokens from ``source`` and adding ``target`` of type ``out``."""
    columns.get(source, stage.description, TOKENS)
    columns.add(target, out)


def tokens_to_vector(stage: FittedStage, columns: Columns, width: int) -> tuple[str, str]:
    """A stage counting ``inputCol``'s tokens into an ``outputCol`` vector of ``width``."""
    source, target = stage.param("inputCol"), stage.param("outputCol")
    tokens_in(stage, columns, source, target, vector_column(width))
    return source, target
