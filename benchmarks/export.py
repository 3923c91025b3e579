"""Writing a fitted Spark pipeline as an MLeap bundle for the benchmark (MLeap's own writer).

``snowleap.spark.export_bundle`` writes the bundle and refuses it unless snowleap reproduces
Spark's numbers. The benchmark still wants the bundle when snowleap cannot (an op not written
yet, a parity bug): MLeap's JVM runtime can be measured on it, and snowleap's own check then
reports the problem in the results. So on a refusal the bundle is written by MLeap alone, and the
refusal is returned for the results.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def export(model: Any, sample_df: Any, bundle_path: Path) -> str | None:
    """Write ``model`` as a JSON bundle zip at ``bundle_path``; why snowleap refused it, or None."""
    import snowleap
    from snowleap.spark import ParityError, export_bundle
    from snowleap.spark import jvm as mleap

    bundle_path = Path(bundle_path)
    bundle_path.unlink(missing_ok=True)
    try:
        export_bundle(model, sample_df, bundle_path, format="json", writer="mleap")
        return None
    except (ParityError, snowleap.BundleError, snowleap.InputError) as exc:
        refusal = f"{type(exc).__name__}: {exc}"
    spark = sample_df.sparkSession
    java_model = mleap.adapted_for_mleap(spark._jvm, spark.sparkContext._gateway, model._to_java())
    with tempfile.TemporaryDirectory(dir=bundle_path.parent) as work:
        written = Path(work) / bundle_path.name
        mleap.write_bundle(
            spark._jvm, java_model, model.transform(sample_df)._jdf, str(written), "json"
        )
        written.replace(bundle_path)
    return refusal[:1000]
