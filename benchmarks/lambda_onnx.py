"""The default session model as ONNX, for the ONNX Runtime Lambda function (``make bench-lambda``).

The fitted Spark pipeline the training job saved beside the default bundle
(``bundles/spark-pipeline``) converted by ``onnxmltools`` and corrected where the converter gets
it wrong (``benchmarks/onnx_conversion.py``, as ``make bench``'s Spark phase does), up to its
isotonic calibration, which the converter does not know: its boundaries and predictions go to
``OUT``'s ``.calibration.json``, applied by the ONNX function itself. Runs in a
process of its own (Spark's JVM is gone after it): ``python -m benchmarks.lambda_onnx OUT``. The
caller (``lambda_bench.onnx_model``) reuses ``OUT`` while the saved pipeline is unchanged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.cases.snowplow_session import SPARK_PIPELINE


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    from pyspark.ml import PipelineModel

    from benchmarks.onnx_conversion import convert_pipeline
    from snowleap.snowplow import FEATURE_SCHEMA
    from snowleap.spark import spark_session

    spark = spark_session(
        "snowleap-bench-lambda",
        master="local[1]",
        with_mleap=False,
        conf={"spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1"},
    )
    try:
        model = PipelineModel.load(str(SPARK_PIPELINE))
        forest, calibration = _split_calibration(model)
        types = {name: "string" if kind == "string" else "double" for name, kind in
                 FEATURE_SCHEMA.items()}  # fmt: skip
        conversion = convert_pipeline(forest, spark, types)
    finally:
        spark.stop()
    blob = conversion.corrected or conversion.converted
    if blob is None:
        print(json.dumps({"error": conversion.error, "notes": conversion.notes}), file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(blob)
    out.with_suffix(".calibration.json").write_text(json.dumps(calibration))
    return 0


def _split_calibration(model: Any) -> tuple[Any, dict[str, Any] | None]:
    """The pipeline without its isotonic calibration and decision stages (onnxmltools converts
    neither), and the calibration's boundaries and predictions (the ONNX function interpolates
    them as Spark's ``IsotonicRegressionModel`` does)."""
    from pyspark.ml import PipelineModel

    stages = list(model.stages)
    names = [type(stage).__name__ for stage in stages]
    if "IsotonicRegressionModel" not in names:
        return model, None
    at = names.index("IsotonicRegressionModel")
    isotonic = stages[at]
    calibration = {
        "boundaries": [float(v) for v in isotonic.boundaries.toArray()],
        "predictions": [float(v) for v in isotonic.predictions.toArray()],
        "feature_index": int(isotonic.getFeatureIndex()),
    }
    return PipelineModel(stages=stages[:at]), calibration


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
