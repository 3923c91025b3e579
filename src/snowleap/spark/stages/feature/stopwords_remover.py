"""Spark's ``StopWordsRemover`` -> ``stopwords_remover``, one node per column.

NOTE: tokens are lower-cased with Python's rules, which are Java's in every locale but Turkish
and Azeri (dotted and dotless i); a case-insensitive remover in those locales is refused.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import stopwords_remover as stopwords_remover_op
from snowleap.spark.columns import TOKENS, Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns, split_names
from snowleap.spark.stages.feature.tokens import tokens_in

SPARK_CLASSES = ("org.apache.spark.ml.feature.StopWordsRemover",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    case_sensitive = bool(stage.param("caseSensitive"))
    locale = str(stage.param("locale", "en"))
    if not case_sensitive and locale.split("_")[0].lower() in ("tr", "az"):
        raise StageNotExportableError(
            f"stage {stage.description}: case-insensitive in locale {locale!r}, whose dotted and "
            "dotless i snowleap does not lower-case as Java does; set caseSensitive or locale 'en'"
        )
    stop_words = [str(word) for word in stage.param("stopWords")]
    pairs = in_out_columns(stage)
    out = []
    for name, (source, target) in zip(split_names(stage, len(pairs)), pairs, strict=True):
        tokens_in(stage, columns, source, target, TOKENS)
        out.append(stopwords_remover_op.stored(name, source, target, stop_words, case_sensitive))
    return out
