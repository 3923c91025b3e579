"""An MLflow flavor for Bundle.ML pipelines, scored by snowleap's runtime (no JVM, no Spark).

``save_model`` / ``log_model`` store a bundle as an MLflow model with two flavors: ``snowleap``
(the bundle and the output columns) and ``python_function`` (loaded by this module), with the
signature read from the bundle's schema. ``mlflow.pyfunc.load_model(uri).predict(df)`` then
returns the pipeline's output columns as a DataFrame, and ``mlflow models serve`` answers
``/invocations`` with them. ``params={"fields": [...]}`` picks other output columns per call.

Needs the ``mlflow`` extra (``pip install 'snowleap[mlflow]'``); the Lambda function never
imports this module.

Example
-------
>>> import mlflow, snowleap.mlflow                                          # doctest: +SKIP
>>> info = snowleap.mlflow.log_model("airbnb.model.lr.zip", "price_model")  # doctest: +SKIP
>>> mlflow.pyfunc.load_model(info.model_uri).predict(listings)               # doctest: +SKIP
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.models import Model as MlflowModel
from mlflow.models import ModelSignature
from mlflow.types.schema import Array, ColSpec, ParamSchema, ParamSpec, Schema

import snowleap
from snowleap.errors import InputError
from snowleap.input_rows import InputRows, RejectedRow, read_table_rows
from snowleap.model import Model
from snowleap.ops.base import ColumnType
from snowleap.ops.sparse import dense_batch
from snowleap.serving.rows import score_rows, select_columns

if TYPE_CHECKING:
    from snowleap.bundle.writer import Format
    from snowleap.spark.columns import Column

FLAVOR_NAME = "snowleap"
# NOTE: the flavor mlflow.spark writes: the saved PipelineModel is in its ``model_data`` folder.
SPARK_FLAVOR = "spark"
DATA_DIR = "snowleap"
SETTINGS_FILE = "snowleap.json"
FIELDS_PARAM = "fields"
# NOTE: MLflow's column types by snowleap base type; Spark's int, short and byte are all integers.
_MLFLOW_TYPES = {
    "double": "double",
    "float": "float",
    "long": "long",
    "int": "integer",
    "short": "integer",
    "byte": "integer",
    "boolean": "boolean",
    "string": "string",
}
_REASONS_SHOWN = 5


def save_model(
    bundle_path: str | Path,
    path: str | Path,
    *,
    output_fields: Sequence[str] | None = None,
    mlflow_model: MlflowModel | None = None,
    signature: ModelSignature | None = None,
    input_example: Any = None,
    pip_requirements: Sequence[str] | None = None,
    extra_pip_requirements: Sequence[str] | None = None,
    conda_env: Any = None,
    code_paths: Sequence[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Save the bundle at ``bundle_path`` (a ``.zip`` or folder) as an MLflow model at ``path``.

    ``output_fields`` are the columns ``predict`` returns (default: every column the pipeline
    adds). The signature defaults to the bundle's input schema, those outputs and a ``fields``
    parameter. The requirements default to this snowleap version: point them at where snowleap
    is installed from (``pip_requirements=[...]``) to serve with a non-local environment manager.

    Example
    -------
    >>> save_model("airbnb.model.lr.zip", "price_model", output_fields=["price_prediction"])
    ... # doctest: +SKIP
    """
    model = snowleap.load(bundle_path)
    fields = _output_fields(model, output_fields)
    source = Path(bundle_path)
    if conda_env is None and pip_requirements is None:
        pip_requirements = [*default_pip_requirements(), *(extra_pip_requirements or [])]
        extra_pip_requirements = None
    flavored = mlflow_model if mlflow_model is not None else MlflowModel()
    bundle_name = "bundle.zip" if source.is_file() else "bundle"
    flavored.add_flavor(
        FLAVOR_NAME,
        snowleap_version=snowleap.__version__,
        bundle=bundle_name,
        output_fields=fields,
    )
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / DATA_DIR
        data.mkdir()
        if source.is_file():
            shutil.copyfile(source, data / bundle_name)
        else:
            shutil.copytree(source, data / bundle_name)
        settings = {"bundle": bundle_name, "output_fields": fields}
        (data / SETTINGS_FILE).write_text(json.dumps(settings, indent=2))
        mlflow.pyfunc.save_model(
            path=str(path),
            loader_module=__name__,
            data_path=str(data),
            mlflow_model=flavored,
            signature=signature if signature is not None else model_signature(model, fields),
            input_example=input_example,
            pip_requirements=pip_requirements,
            extra_pip_requirements=extra_pip_requirements,
            conda_env=conda_env,
            code_paths=code_paths,
            metadata=dict(metadata) if metadata is not None else None,
        )


def log_model(
    bundle_path: str | Path,
    artifact_path: str,
    *,
    registered_model_name: str | None = None,
    **kwargs: Any,
) -> Any:
    """Log the bundle as an MLflow model of the active run (one is started if none is); the
    keyword arguments are ``save_model``'s. Returns MLflow's ``ModelInfo``.

    Example
    -------
    >>> with mlflow.start_run():                                               # doctest: +SKIP
    ...     info = log_model("airbnb.model.lr.zip", "price_model")
    >>> mlflow.pyfunc.load_model(info.model_uri)                               # doctest: +SKIP
    """
    # NOTE: MLflow 3 names a logged model by ``name``; its ``artifact_path`` is deprecated.
    return MlflowModel.log(
        artifact_path=None,
        name=artifact_path,
        flavor=sys.modules[__name__],
        registered_model_name=registered_model_name,
        bundle_path=bundle_path,
        **kwargs,
    )


def load_model(model_uri: str) -> Model:
    """The snowleap ``Model`` of an MLflow model saved by this flavor (any MLflow model URI)."""
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model_uri))
    flavors = MlflowModel.load(str(local / "MLmodel")).flavors
    if FLAVOR_NAME not in flavors:
        raise MlflowException.invalid_parameter_value(
            f"{model_uri} has no {FLAVOR_NAME!r} flavor: it was not saved by snowleap.mlflow"
        )
    return _load_pyfunc(str(local / flavors["python_function"]["data"])).model


def bundle_from_spark_model(
    model_uri: str,
    out: str | Path,
    *,
    fmt: Format = "json",
    input_schema: Mapping[str, Column] | None = None,
) -> Path:
    """Write the Spark ``PipelineModel`` of an MLflow model logged with ``mlflow.spark`` (any
    MLflow model URI) as a Bundle.ML zip at ``out``, with snowleap's writer: no Spark, no JVM.

    ``input_schema`` describes raw input columns the saved pipeline cannot describe itself (as
    ``snowleap export-spark --input-schema``). Returns the bundle's path; ``save_model`` or
    ``log_model`` then makes a snowleap MLflow model of it.

    Example
    -------
    >>> bundle_from_spark_model("runs:/<run id>/spark_model", "model.zip")     # doctest: +SKIP
    >>> log_model("model.zip", "snowleap_model")                                # doctest: +SKIP
    """
    from snowleap.spark.snowleap_writer import write_saved_pipeline

    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=model_uri))
    flavor = MlflowModel.load(str(local / "MLmodel")).flavors.get(SPARK_FLAVOR)
    if flavor is None:
        raise MlflowException.invalid_parameter_value(
            f"{model_uri} has no {SPARK_FLAVOR!r} flavor: log the fitted PipelineModel with "
            "mlflow.spark.log_model"
        )
    saved = local / flavor.get("model_data", "sparkml")
    return Path(write_saved_pipeline(saved, out, fmt, input_schema).path)


def default_pip_requirements() -> list[str]:
    """What a model saved by this flavor needs: this snowleap (and, through it, numpy)."""
    return [f"snowleap=={snowleap.__version__}"]


def model_signature(model: Model, output_fields: Sequence[str]) -> ModelSignature:
    """The MLflow signature of ``model``: its inputs, ``output_fields`` and a ``fields`` param."""
    columns = {**model.input_schema, **model.output_schema}
    return ModelSignature(
        inputs=Schema([ColSpec(_mlflow_type(t), name) for name, t in model.input_schema.items()]),
        outputs=Schema([ColSpec(_mlflow_type(columns[name]), name) for name in output_fields]),
        params=ParamSchema([ParamSpec(FIELDS_PARAM, "string", list(output_fields), shape=(-1,))]),
    )


def _mlflow_type(ctype: ColumnType) -> Any:
    if ctype.shape == "vector":
        return Array("double")
    base = _MLFLOW_TYPES[ctype.base]
    return Array(base) if ctype.shape == "list" else base


def _output_fields(model: Model, fields: Sequence[str] | None) -> list[str]:
    if fields is None:
        return list(model.output_schema)
    known = {**model.input_schema, **model.output_schema}
    unknown = [name for name in fields if name not in known]
    if unknown or not fields:
        raise InputError(
            f"output_fields: {unknown[0]!r} is no column of the pipeline"
            if unknown
            else "output_fields is empty"
        )
    return list(dict.fromkeys(fields))


class SnowleapPyfunc:
    """The ``python_function`` face of a saved bundle: ``predict(DataFrame) -> DataFrame``."""

    def __init__(self, model: Model, output_fields: list[str]) -> None:
        self.model = model
        self.output_fields = output_fields

    def predict(self, model_input: Any, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """The output columns for every row of ``model_input`` (a DataFrame, or what makes one).

        A row the model cannot score fails the call (MLflow answers 400), naming the rows by
        position and saying why, never quoting their values.
        """
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        rows = read_table_rows(
            [str(name) for name in frame.columns], _plain_rows(frame), self.model.input_schema
        )
        scored = score_rows(self.model, rows)
        if scored.rejected:
            raise MlflowException.invalid_parameter_value(_rejections(scored.rejected, rows))
        wanted = (params or {}).get(FIELDS_PARAM)
        try:
            columns = select_columns(scored, wanted, self.output_fields)
        except InputError as exc:
            raise MlflowException.invalid_parameter_value(f"params.{exc}") from None
        return pd.DataFrame({name: _pandas_column(scored.frame[name]) for name in columns})


def _load_pyfunc(data_path: str) -> SnowleapPyfunc:
    """MLflow's entry point for the ``python_function`` flavor (``loader_module``)."""
    data = Path(data_path)
    settings = json.loads((data / SETTINGS_FILE).read_text())
    model = snowleap.load(data / settings["bundle"])
    return SnowleapPyfunc(model, list(settings["output_fields"]))


def _plain_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """The DataFrame's rows as plain Python values: missing values (NaN, NA) become ``None``,
    array cells lists."""
    return [[_plain(value) for value in row] for row in frame.itertuples(index=False, name=None)]


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _pandas_column(values: Any) -> Any:
    # NOTE: the signature declares vectors as arrays of doubles: a sparse column is expanded
    # (refused with a clear error when too large; choose narrower output_fields then).
    values = dense_batch(values, "output", "the MLflow flavor")
    if isinstance(values, np.ndarray) and values.ndim == 2:
        return list(values.tolist())
    return values


def _rejections(rejected: list[RejectedRow], rows: InputRows) -> str:
    shown = "; ".join(f"row {r.index}: {r.reason}" for r in rejected[:_REASONS_SHOWN])
    more = len(rejected) - _REASONS_SHOWN
    tail = f"; and {more} more" if more > 0 else ""
    return f"{len(rejected)} of {rows.received} rows cannot be scored: {shown}{tail}"
