"""Spark ML's own persistence, read without Spark: ``metadata/`` JSON and ``data/`` Parquet.

``read_saved_model`` turns a folder written by ``PipelineModel.save`` (or any fitted stage's
``save``, a ``CrossValidatorModel``'s, a ``TrainValidationSplitModel``'s, MLflow's ``sparkml/``
folder) into a tree of ``FittedStage``: each stage's class, uid, params (explicit and default, as
Spark resolves them), extra metadata and its model data, read with pyarrow on demand. No Spark
session and no JVM are involved. Every problem names the folder or file it was found in.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snowleap.spark.errors import SavedModelError

# NOTE: PySpark saves a pipeline or tuning model holding Python-side stages (a nested
# PipelineModel, say) with its own writer, under the Python class name; same layout.
PIPELINE_MODELS = ("org.apache.spark.ml.PipelineModel", "pyspark.ml.pipeline.PipelineModel")
ONE_VS_REST_MODEL = "org.apache.spark.ml.classification.OneVsRestModel"
TUNING_MODELS = (
    "org.apache.spark.ml.tuning.CrossValidatorModel",
    "org.apache.spark.ml.tuning.TrainValidationSplitModel",
    "pyspark.ml.tuning.CrossValidatorModel",
    "pyspark.ml.tuning.TrainValidationSplitModel",
)
# NOTE: Spark's JSON writes non-finite doubles as strings (DefaultParamsWriter / JsonMethods).
_NON_FINITE = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf, "Infinity": math.inf}
_MISSING = object()


@dataclass(frozen=True)
class FittedStage:
    """One fitted Spark stage as its saved folder describes it."""

    class_name: str
    uid: str
    path: Path
    params: Mapping[str, Any]
    defaults: Mapping[str, Any]
    metadata: Mapping[str, Any]
    #: a pipeline's stages, in order; a tuning model's best model as its single child
    children: tuple[FittedStage, ...] = ()
    _tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def short_class(self) -> str:
        return self.class_name.rsplit(".", 1)[-1]

    @property
    def description(self) -> str:
        """``uid (Class)`` for messages."""
        return f"{self.uid} ({self.short_class})"

    def is_set(self, name: str) -> bool:
        return name in self.params

    def has(self, name: str) -> bool:
        return name in self.params or name in self.defaults

    def param(self, name: str, default: Any = _MISSING) -> Any:
        """The param's value as Spark resolves it: set explicitly, else its default."""
        if name in self.params:
            return _decoded(self.params[name])
        if name in self.defaults:
            return _decoded(self.defaults[name])
        if default is not _MISSING:
            return default
        raise SavedModelError(
            f"{self.path}: stage {self.description} has no param {name!r} in its metadata"
        )

    def rows(self, part: str = "data") -> list[dict[str, Any]]:
        """The rows of the stage's Parquet folder ``part`` (``data``, ``treesMetadata``)."""
        if part not in self._tables:
            self._tables[part] = read_parquet_rows(self.path / part, self.description)
        return self._tables[part]

    def single_row(self, part: str = "data") -> dict[str, Any]:
        rows = self.rows(part)
        if len(rows) != 1:
            raise SavedModelError(
                f"{self.path / part}: stage {self.description} should hold one row of model "
                f"data, found {len(rows)}"
            )
        return rows[0]


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def read_parquet_rows(folder: Path, stage: str) -> list[dict[str, Any]]:
    """All rows of a Parquet folder (Spark's ``part-*.parquet`` files), in file order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not folder.is_dir():
        raise SavedModelError(f"{folder}: stage {stage} has no model data folder here")
    files = sorted(p for p in folder.iterdir() if p.suffix == ".parquet" and p.is_file())
    if not files:
        raise SavedModelError(f"{folder}: stage {stage}: no Parquet file in the data folder")
    rows: list[dict[str, Any]] = []
    for file in files:
        try:
            rows += pq.read_table(file).to_pylist()
        except (pa.ArrowException, OSError) as exc:
            raise SavedModelError(
                f"{file}: stage {stage}: not a readable Parquet file ({exc})"
            ) from None
    return rows


def read_metadata(folder: Path) -> dict[str, Any]:
    """A stage's ``metadata/part-00000`` JSON (Spark writes it as a one-line text file)."""
    metadata = folder / "metadata"
    if not metadata.is_dir():
        raise SavedModelError(
            f"{folder}: not a saved Spark ML model (no metadata/ folder); give the folder "
            "that PipelineModel.save wrote"
        )
    parts = sorted(p for p in metadata.glob("part-*") if p.is_file())
    if not parts:
        raise SavedModelError(f"{metadata}: no part-00000 file in the metadata folder")
    try:
        text = parts[0].read_text(encoding="utf-8").strip().splitlines()[0]
        doc = json.loads(text)
    except (OSError, UnicodeDecodeError, IndexError, json.JSONDecodeError) as exc:
        raise SavedModelError(f"{parts[0]}: not Spark ML metadata JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("class"), str):
        raise SavedModelError(f"{parts[0]}: Spark ML metadata without a 'class'")
    return doc


def read_saved_model(path: str | os.PathLike[str]) -> FittedStage:
    """The fitted stage (a pipeline, usually) saved in folder ``path``, with its stages.

    Example
    -------
    >>> root = read_saved_model("model/sparkml")                    # doctest: +SKIP
    >>> [stage.short_class for stage in root.children]              # doctest: +SKIP
    ['StringIndexerModel', 'VectorAssembler', 'LogisticRegressionModel']
    """
    folder = Path(path)
    if not folder.is_dir():
        raise SavedModelError(f"{folder}: no such folder (expected a saved Spark PipelineModel)")
    return _stage(folder, depth=0)


def _stage(folder: Path, depth: int) -> FittedStage:
    if depth > 32:
        raise SavedModelError(f"{folder}: pipelines nest deeper than 32 levels")
    doc = read_metadata(folder)
    class_name = doc["class"]
    params = doc.get("paramMap") or {}
    defaults = doc.get("defaultParamMap") or {}
    if not isinstance(params, dict) or not isinstance(defaults, dict):
        raise SavedModelError(f"{folder}/metadata: 'paramMap' should be a JSON object")
    children: tuple[FittedStage, ...] = ()
    if class_name in PIPELINE_MODELS:
        children = tuple(
            _stage(child, depth + 1) for child in _pipeline_stage_folders(folder, params)
        )
    elif class_name in TUNING_MODELS:
        children = (_stage(folder / "bestModel", depth + 1),)
    elif class_name == ONE_VS_REST_MODEL:
        # NOTE: one binary classifier per class, saved as model_0, model_1, ...
        count = doc.get("numClasses")
        if not isinstance(count, int) or count < 1:
            raise SavedModelError(f"{folder}/metadata: a OneVsRestModel without 'numClasses'")
        children = tuple(_stage(folder / f"model_{i}", depth + 1) for i in range(count))
    extra = {k: v for k, v in doc.items() if k not in ("paramMap", "defaultParamMap")}
    return FittedStage(
        class_name=class_name,
        uid=str(doc.get("uid", "")),
        path=folder,
        params=params,
        defaults=defaults,
        metadata=extra,
        children=children,
    )


def _pipeline_stage_folders(folder: Path, params: Mapping[str, Any]) -> Iterator[Path]:
    uids = params.get("stageUids")
    if not isinstance(uids, list):
        raise SavedModelError(f"{folder}/metadata: a PipelineModel without 'stageUids'")
    stages = folder / "stages"
    # NOTE: Spark names stage folders <index>_<uid>, the index zero-padded to the digits of
    # the stage count (Spark 3.x/4.x; "0_uid" for fewer than ten stages).
    width = len(str(len(uids)))
    for index, uid in enumerate(uids):
        candidates = [stages / f"{index:0{width}d}_{uid}", stages / f"{index}_{uid}"]
        found = next((c for c in candidates if c.is_dir()), None)
        if found is None:
            raise SavedModelError(
                f"{stages}: stage {index} ({uid}) of the pipeline has no folder "
                f"{candidates[0].name}"
            )
        yield found
