"""``score(df, bundle)``: a bundle scores a Spark DataFrame in Spark's own Python workers.

No MLeap jars and no Spark model: the bundle's bytes travel once to each executor (a broadcast
variable; over Spark Connect, which has none, inside the function), each Python worker loads
them once (a cache keyed by the bundle's sha256, kept while Spark reuses the worker), and
``mapInArrow`` hands it Arrow batches that ``snowleap.arrow_scoring.score_batch`` scores in one
numpy pass each. Arrow cannot carry Spark's ``VectorUDT``, so vector columns cross as arrays of
doubles (``vector_to_array`` before, ``array_to_vector`` after): outputs come back typed as
Spark types, vectors as ``VectorUDT`` (dense).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from snowleap.arrow_scoring import chosen_outputs, score_batch
from snowleap.errors import InputError
from snowleap.model import Model, load
from snowleap.ops.base import ColumnType

# NOTE: per Python worker process: Spark reuses its workers (spark.python.worker.reuse), so a
# bundle is loaded once per worker, not once per task.
_LOADED: dict[str, Model] = {}


@dataclass(frozen=True)
class _BundleBytes:
    """The bundle as the workers get it: a broadcast of its bytes, or the bytes themselves."""

    digest: str
    payload: Any

    def model(self) -> Model:
        model = _LOADED.get(self.digest)
        if model is None:
            data = self.payload if isinstance(self.payload, bytes) else self.payload.value
            model = _LOADED[self.digest] = load(data)
        return model


def score(
    df: Any,
    bundle: str | Path | bytes,
    outputs: Sequence[str] | None = None,
    *,
    reason_column: str | None = None,
) -> Any:
    """``df`` with the columns the bundle's pipeline adds (``outputs``: some of them, in order).

    Equal to Spark's ``PipelineModel.transform`` on the model the bundle was written from: the
    same columns with the same Spark types and values. A row the model refuses (an unseen label
    under ``handle_invalid = error``) fails the job with the reason, as Spark's transform does,
    unless ``reason_column`` names a column to keep every row in: refused and skipped rows then
    get null outputs and their reason there.

    Example
    -------
    >>> scored = score(sessions, "bundles/snowleap-default.zip", ["probability"])  # doctest: +SKIP
    """
    from pyspark.ml.functions import array_to_vector, vector_to_array
    from pyspark.ml.linalg import VectorUDT
    from pyspark.sql import functions as sf
    from pyspark.sql.types import StringType, StructField, StructType, UserDefinedType

    data = bundle if isinstance(bundle, bytes) else _read_bundle(Path(bundle))
    model = load(data)
    wanted = chosen_outputs(model, outputs)
    _check_columns(df, model, [*wanted, *([reason_column] if reason_column else [])])
    vectors = set()
    for field in df.schema.fields:
        if isinstance(field.dataType, VectorUDT):
            vectors.add(field.name)
        elif isinstance(field.dataType, UserDefinedType):
            raise InputError(
                f"column {field.name!r} is a {type(field.dataType).__name__}, which Arrow cannot "
                "carry to the Python workers: drop or convert it before scoring"
            )
    prepared = df.select(
        *(
            vector_to_array(name).alias(name) if name in vectors else sf.col(name)
            for name in df.columns
        )
    )
    added = [StructField(name, spark_type(model.output_schema[name])) for name in wanted]
    if reason_column is not None:
        added.append(StructField(reason_column, StringType()))
    schema = StructType([*prepared.schema.fields, *added])
    source = _BundleBytes(hashlib.sha256(data).hexdigest(), _shipped(df, data))
    scored = prepared.mapInArrow(partial(_score_batches, source, wanted, reason_column), schema)
    vectors |= {name for name in wanted if model.output_schema[name].is_vector}
    return scored.select(
        *(
            array_to_vector(name).alias(name) if name in vectors else sf.col(name)
            for name in scored.columns
        )
    )


def spark_type(ctype: ColumnType) -> Any:
    """The Spark SQL type of a column, as it crosses Arrow (vectors as arrays of doubles)."""
    from pyspark.sql import types as st

    bases = {
        "double": st.DoubleType(),
        "float": st.FloatType(),
        "long": st.LongType(),
        "int": st.IntegerType(),
        "short": st.ShortType(),
        "byte": st.ByteType(),
        "boolean": st.BooleanType(),
        "string": st.StringType(),
    }
    if ctype.shape == "scalar":
        return bases[ctype.base]
    return st.ArrayType(st.DoubleType() if ctype.is_vector else bases[ctype.base])


def _score_batches(
    source: _BundleBytes, outputs: list[str], reason_column: str | None, batches: Iterator[Any]
) -> Iterator[Any]:
    model = source.model()
    for batch in batches:
        scored = score_batch(model, batch, outputs, reason_column)
        refused = scored.refused if reason_column is None else []
        if refused:
            raise InputError(
                f"{len(refused)} row(s) of a batch cannot be scored; the first: "
                f"{refused[0].reason}. Pass reason_column='...' to keep such rows with the reason"
            )
        yield scored.batch


def _shipped(df: Any, data: bytes) -> Any:
    """A broadcast of ``data`` (one copy per executor); the bytes themselves over Connect."""
    try:
        context = df.sparkSession.sparkContext
    except Exception:  # NOTE: Spark Connect sessions have no SparkContext
        return data
    return context.broadcast(data)


def _read_bundle(path: Path) -> bytes:
    if path.is_dir():
        raise InputError(f"{path}: score() takes a bundle .zip (or its bytes), not a folder")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the bundle ({exc.strerror})") from None


def _check_columns(df: Any, model: Model, added: list[str]) -> None:
    columns = set(df.columns)
    missing = [name for name in model.input_schema if name not in columns]
    if missing:
        raise InputError(
            f"the DataFrame has no column {missing[0]!r} ({model.input_schema[missing[0]]}), an "
            "input of the model"
        )
    taken = [name for name in added if name in columns]
    if taken:
        raise InputError(
            f"the DataFrame already has a column {taken[0]!r}, which scoring adds: drop or "
            "rename it first"
        )
