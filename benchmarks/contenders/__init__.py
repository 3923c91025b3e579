"""The contenders timed in-process or beside it. Each module offers the same three things:

``NAME``; ``available() -> str | None`` (``None`` when it can run, else WHY it cannot, which goes
into the results instead of a crash); ``measure(work, settings) -> dict`` (check against Spark
first, then time: ``status``, ``check``, ``row``, ``batches``). ``pyspark_local`` is measured in
the Spark phase instead, which owns the only Spark session (its ``measure`` takes that session).
"""

from benchmarks.contenders import mleap_jvm, onnx_runtime, snowleap_runtime

IN_PROCESS = (snowleap_runtime, onnx_runtime, mleap_jvm)
