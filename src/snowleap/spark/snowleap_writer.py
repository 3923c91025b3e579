"""snowleap's own writer: a fitted Spark pipeline to a Bundle.ML zip, without MLeap or a JVM.

Both sources go through one reader: a saved ``PipelineModel`` folder is read as it is
(``saved``), and a live PySpark model is first saved by Spark's own ``MLWriter`` into a temporary
folder (classic PySpark and Spark Connect alike: it is the one API that exposes every fitted
stage's data, trees included), so the two give the same bundle for the same model and inputs.
Each stage becomes nodes through its module in ``stages.registry``; ``snowleap.bundle.writer``
lays out and zips the files, and the zip is moved into place only once snowleap has loaded it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import snowleap
from snowleap.bundle.writer import Format, format_writer, write_bundle
from snowleap.errors import BundleError
from snowleap.spark.columns import Column, Columns, dataframe_column_types
from snowleap.spark.errors import ExportError, StageNotExportableError
from snowleap.spark.saved import read_saved_model
from snowleap.spark.stages.registry import root_node

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class Written:
    """Where the bundle went, and the raw input columns whose types were assumed (scalars)."""

    path: Path
    assumed_inputs: tuple[str, ...]


def write_saved_pipeline(
    saved: str | os.PathLike[str],
    path: str | os.PathLike[str],
    fmt: Format = "json",
    input_schema: Mapping[str, Column] | None = None,
) -> Written:
    """Write the pipeline saved in folder ``saved`` (``PipelineModel.save``) as a bundle zip.

    ``input_schema`` describes raw input columns the saved model cannot describe itself
    (vector widths above all); other raw inputs are taken as the scalars their stages read.

    Example
    -------
    >>> write_saved_pipeline("model/sparkml", "model.zip", "protobuf").path  # doctest: +SKIP
    PosixPath('/abs/path/model.zip')
    """
    format_writer(fmt)  # a bad format fails before any reading
    columns = Columns(input_schema)
    stage = read_saved_model(saved)
    target = write_bundle(root_node(stage, columns), path, fmt)
    try:
        snowleap.load(target)
    except BundleError as exc:
        target.unlink(missing_ok=True)
        raise ExportError(f"the bundle written for {saved} does not load: {exc}") from None
    return Written(target, tuple(columns.assumed))


def write_live_model(
    model: Any, sample_df: Any, path: str | os.PathLike[str], fmt: Format = "json"
) -> Written:
    """Write a fitted PySpark model as a bundle zip; raw input types come from ``sample_df``."""
    format_writer(fmt)
    target = Path(path).resolve()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.spark.", dir=target.parent))
    try:
        saved = work / "model"
        save_with_spark(model, saved)
        return write_saved_pipeline(saved, target, fmt, dataframe_column_types(sample_df))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def save_with_spark(model: Any, folder: Path) -> None:
    """Spark's own persistence of ``model`` into the local ``folder`` (``MLWriter.save``).

    NOTE: the path is a ``file:`` URI, so a session whose default file system is HDFS still
    writes here; this needs the driver and the writing executor to share the file system (local
    mode, a local Connect server). On a cluster, save the model to shared storage and run
    ``snowleap export-spark`` on it (or use ``writer="mleap"``, which serializes on the driver).
    """
    writer = getattr(model, "write", None)
    if writer is None:
        raise StageNotExportableError(
            f"{type(model).__name__} cannot be saved by Spark ML (it has no write()), so no "
            "writer can read its fitted data"
        )
    try:
        writer().save(folder.as_uri())
    except Exception as exc:  # py4j / Spark Connect errors carry Spark's message
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StageNotExportableError(f"Spark could not save the model: {first}") from None
    if not (folder / "metadata").is_dir():
        raise ExportError(
            f"Spark saved the model where this driver cannot read it ({folder} is not here: "
            "executors on other machines?); save it to shared storage and run "
            "`snowleap export-spark` on that folder, or use writer='mleap'"
        )
