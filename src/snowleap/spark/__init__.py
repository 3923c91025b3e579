"""Spark side: write a fitted PySpark pipeline as an MLeap bundle; prove snowleap scores it alike.

Needs the ``spark`` extra (PySpark) and MLeap's jars (``make jars``); never needed at serving time.
"""

from snowleap.spark.errors import ExportError, ParityError, StageNotExportableError
from snowleap.spark.export import export_bundle, spark_differences, write_bundle
from snowleap.spark.spark_session import mleap_jars, spark_session

__all__ = [
    "ExportError",
    "ParityError",
    "StageNotExportableError",
    "export_bundle",
    "mleap_jars",
    "spark_differences",
    "spark_session",
    "write_bundle",
]
