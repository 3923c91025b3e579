"""Spark side: write a fitted Spark pipeline as a Bundle.ML bundle; prove snowleap scores it alike.

``export_bundle`` takes a live PySpark model (the ``spark`` or ``spark4`` extra; snowleap's own
writer by default, MLeap's with ``writer="mleap"`` and ``make jars``); ``write_saved_pipeline``
(``snowleap export-spark``) a saved ``PipelineModel`` folder, with pyarrow alone (the ``export``
extra). ``score`` scores a DataFrame with a bundle inside Spark's Python workers (no jars,
no Spark model). Never needed at serving time.
"""

from snowleap.spark.errors import (
    ExportError,
    ParityError,
    SavedModelError,
    StageNotExportableError,
)
from snowleap.spark.export import export_bundle, spark_differences, write_bundle
from snowleap.spark.scoring import score
from snowleap.spark.snowleap_writer import write_saved_pipeline
from snowleap.spark.spark_session import mleap_jars, spark_session

__all__ = [
    "ExportError",
    "ParityError",
    "SavedModelError",
    "StageNotExportableError",
    "export_bundle",
    "mleap_jars",
    "score",
    "spark_differences",
    "spark_session",
    "write_bundle",
    "write_saved_pipeline",
]
