"""The contenders timed in-process or beside it. Each module offers the same three things:

``NAME``; ``available() -> str | None`` (``None`` when it can run, else WHY it cannot, which goes
into the results instead of a crash); ``measure(work, settings) -> dict`` (check against Spark
first, then time: ``status``, ``check``, ``row``, ``batches``). PySpark is measured in the Spark
phase, which owns the only Spark session.
"""

from benchmarks.contenders import mleap_jvm, onnx_runtime, snowleap_runtime

IN_PROCESS = (snowleap_runtime, onnx_runtime, mleap_jvm)
