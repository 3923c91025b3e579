"""MLeap's JVM API reached through py4j: the op registry, the serializer, Scala objects.

Every function takes the session's py4j ``JVMView`` (``spark._jvm``); the objects it returns are
py4j proxies, typed ``Any``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from snowleap.spark.errors import ExportError
from snowleap.spark.spark_session import mleap_config_file

JavaObject = Any

_FORMATS = {"json": "Json", "protobuf": "Protobuf"}


def scala_object(jvm: Any, name: str) -> JavaObject:
    """The singleton of Scala ``object name`` (its ``name$`` class), loaded by Spark's class loader.

    NOTE: py4j cannot name ``Outer$Inner$`` classes, so the module field is read by reflection.
    """
    return java_class(jvm, name + "$").getField("MODULE$").get(None)


def java_class(jvm: Any, name: str) -> JavaObject:
    """The ``java.lang.Class`` named ``name``, loaded by Spark's class loader (holds spark.jars)."""
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    return jvm.java.lang.Class.forName(name, True, loader)


def ensure_mleap_available(jvm: Any) -> None:
    """Fail clearly when the session lacks MLeap's jars; point MLeap at snowleap's op list.

    NOTE: ``spark_session`` passes ``-Dconfig.file`` at JVM start; a session built some other way
    gets it here, before MLeap builds its registry on first use (the registry is built once).
    """
    try:
        java_class(jvm, "ml.combust.mleap.spark.SimpleSparkSerializer")
    except Exception as exc:  # py4j raises its own types; any failure means the class is absent
        raise ExportError(
            "MLeap's classes are not on the Spark session's class path: build the session with "
            "snowleap.spark.spark_session() or add the jars of `make jars` to spark.jars "
            f"({java_error_message(exc)})"
        ) from None
    system = jvm.java.lang.System
    if system.getProperty("config.file") is None:
        system.setProperty("config.file", str(mleap_config_file()))
        jvm.com.typesafe.config.ConfigFactory.invalidateCaches()


def serialization_format(jvm: Any, fmt: str) -> JavaObject:
    """MLeap's ``SerializationFormat`` for ``"json"`` or ``"protobuf"``."""
    if fmt not in _FORMATS:
        raise ValueError(f"format must be 'json' or 'protobuf', got {fmt!r}")
    return scala_object(jvm, f"ml.combust.bundle.serializer.SerializationFormat${_FORMATS[fmt]}")


def write_bundle(
    jvm: Any, transformer: JavaObject, transformed: JavaObject, path: str, fmt: str
) -> None:
    """Write ``transformer`` as a zip bundle at ``path`` (which must not exist).

    ``transformed`` is the transformer's output on sample data: MLeap reads output shapes from it.
    """
    serializer = jvm.ml.combust.mleap.spark.SimpleSparkSerializer()
    serializer.serializeToBundleWithFormat(
        transformer, f"jar:file:{path}", transformed, serialization_format(jvm, fmt)
    )


def missing_op(jvm: Any, stage: JavaObject) -> str | None:
    """Why MLeap's registry has no op for ``stage``'s class, or ``None`` if it has one."""
    registry = jvm.org.apache.spark.ml.bundle.SparkBundleContext.defaultContext().bundleRegistry()
    try:
        registry.opForObj(stage)
    except Exception as exc:  # a py4j error wrapping Scala's NoSuchElementException
        return java_error_message(exc)
    return None


def java_error_message(exc: Exception) -> str:
    """The Java exception's first line from a py4j error (py4j's own preamble dropped)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    meaningful = [line for line in lines if not line.startswith("An error occurred")]
    return (meaningful or lines or [type(exc).__name__])[0].lstrip(": ")


def class_name(stage: JavaObject) -> str:
    return str(stage.getClass().getName())


def leaf_stages(transformer: JavaObject) -> Iterator[JavaObject]:
    """The transformers that do the work, pipelines flattened, in order."""
    if class_name(transformer) == "org.apache.spark.ml.PipelineModel":
        for stage in transformer.stages():
            yield from leaf_stages(stage)
    else:
        yield transformer


def adapted_for_mleap(jvm: Any, gateway: Any, transformer: JavaObject) -> JavaObject:
    """``transformer`` with stages MLeap 0.16 writes only in multi-column form rewritten to it.

    Pipelines are changed in place, so only pass a fresh Java copy (``PipelineModel._to_java()``
    builds one): slots of its stage arrays are replaced, the user's stage objects stay untouched.

    NOTE: MLeap 0.16 was written for Spark 2.4, whose ``OneHotEncoderModel`` only had
    ``inputCols``/``outputCols``; Spark 3 also allows ``inputCol``/``outputCol``, which the MLeap
    op does not read. The single-column form is the one-element multi-column form, same math.
    """
    name = class_name(transformer)
    if name == "org.apache.spark.ml.PipelineModel":
        stages = transformer.stages()
        for index in range(len(stages)):
            stages[index] = adapted_for_mleap(jvm, gateway, stages[index])
        return transformer
    if name == "org.apache.spark.ml.feature.OneHotEncoderModel" and (
        transformer.isSet(transformer.inputCol()) and not transformer.isSet(transformer.inputCols())
    ):
        copy = transformer.copy(jvm.org.apache.spark.ml.param.ParamMap())
        copy.clear(copy.inputCol())
        copy.clear(copy.outputCol())
        copy.setInputCols(_string_array(jvm, gateway, [transformer.getInputCol()]))
        copy.setOutputCols(_string_array(jvm, gateway, [transformer.getOutputCol()]))
        return copy
    return transformer


def _string_array(jvm: Any, gateway: Any, values: list[str]) -> JavaObject:
    array = gateway.new_array(jvm.java.lang.String, len(values))
    for i, value in enumerate(values):
        array[i] = value
    return array
