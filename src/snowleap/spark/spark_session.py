"""A local Spark session that can write (and read) MLeap bundles.

MLeap's JVM side is fetched by Maven from ``jvm/pom.xml`` (``make jars``) into ``jvm/jars``; Spark
gets those jars through ``spark.jars``. The op registry MLeap builds at first use is configured by
``mleap-ops.conf`` (shipped with this package), see the comment in that file for why.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from snowleap.spark.errors import ExportError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: Overrides where the MLeap jars are looked up (a folder of ``*.jar``).
JARS_ENV = "SNOWLEAP_MLEAP_JARS"
_REPO_JARS = Path(__file__).resolve().parents[3] / "jvm" / "jars"


def mleap_jars(jars_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """The MLeap jars Spark needs: ``jars_dir``, else ``$SNOWLEAP_MLEAP_JARS``, else ``jvm/jars``.

    Example
    -------
    >>> [jar.name for jar in mleap_jars()][:1]                 # doctest: +SKIP
    ['bundle-hdfs_2.12-0.16.0.jar']
    """
    folder = Path(jars_dir or os.environ.get(JARS_ENV) or _REPO_JARS)
    jars = sorted(folder.glob("*.jar"))
    if not any(jar.name.startswith("mleap-spark_") for jar in jars):
        raise ExportError(
            f"no MLeap jars in {folder} (expected mleap-spark_*.jar and its dependencies): "
            f"run `make jars` (Maven, jvm/pom.xml) or set {JARS_ENV} to a folder holding them"
        )
    return jars


def mleap_config_file() -> Path:
    """The Typesafe config file naming the MLeap ops to register (see the file's comment)."""
    return Path(str(resources.files("snowleap.spark").joinpath("mleap-ops.conf")))


def spark_session(
    app_name: str = "snowleap",
    master: str = "local[*]",
    jars_dir: str | os.PathLike[str] | None = None,
    conf: dict[str, str] | None = None,
    with_mleap: bool = True,
) -> SparkSession:
    """A local Spark session for ``export_bundle``; with MLeap's jars unless ``with_mleap`` is off.

    snowleap's own writer needs no jars: ``with_mleap=False`` gives a plain session (the only
    kind Spark 4 can have, MLeap 0.16 being built for Scala 2.12); ``writer="mleap"`` needs them.

    Small-data defaults (2 shuffle partitions, no UI) suit local training and tests; ``conf``
    adds or overrides Spark settings.

    Example
    -------
    >>> spark = spark_session(master="local[2]")                # doctest: +SKIP
    >>> spark.range(3).count()                                  # doctest: +SKIP
    3
    """
    from pyspark.sql import SparkSession

    # NOTE: Python workers (mapInPandas, UDFs) must run this interpreter, the one that has
    # snowleap installed, not whatever `python3` is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings: dict[str, Any] = {
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }
    if with_mleap:
        settings["spark.jars"] = ",".join(str(jar) for jar in mleap_jars(jars_dir))
        settings["spark.driver.extraJavaOptions"] = f"-Dconfig.file={mleap_config_file()}"
    settings.update(conf or {})
    builder = SparkSession.builder.appName(app_name).master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
