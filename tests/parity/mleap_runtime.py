"""MLeap's own JVM runtime, the parity suite's second referee, in a JVM of its own (py4j).

The JVM runs MLeap's runtime on the class path Maven resolved for it (``jvm/runtime/pom.xml``,
see the note there on why not inside Spark's JVM). Bundles load with the Java DSL
(``ContextBuilder``, ``BundleBuilder``); rows travel as MLeap's JSON LeapFrames
(``FrameReader``/``FrameWriter``), one py4j call each way instead of one per value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from snowleap.ops.sparse import SparseVector
from snowleap.spark.compare import python_value
from snowleap.spark.jvm import scala_object

JSON_FORMAT = "ml.combust.mleap.json"


RUNTIME_JARS = Path(__file__).resolve().parents[2] / "jvm" / "jars" / "runtime"


class MleapRuntime:
    def __init__(self, jars: Path = RUNTIME_JARS) -> None:
        from py4j.java_gateway import GatewayParameters, JavaGateway, launch_gateway

        classpath = sorted(jars.glob("*.jar"))
        assert classpath, f"no MLeap runtime jars in {jars}: run `make jars`"
        port = launch_gateway(
            classpath=os.pathsep.join(str(jar) for jar in classpath), die_on_exit=True
        )
        self.gateway = JavaGateway(
            gateway_parameters=GatewayParameters(port=port, auto_convert=True)
        )
        self.jvm = self.gateway.jvm
        javadsl = self.jvm.ml.combust.mleap.runtime.javadsl
        self.context = javadsl.ContextBuilder().createMleapContext()
        self.bundles = javadsl.BundleBuilder()
        self.frames = javadsl.LeapFrameBuilder()
        loader = self.jvm.java.lang.Thread.currentThread().getContextClassLoader()
        self.loader = self.jvm.scala.Option.apply(loader)
        self.utf8 = self.jvm.java.nio.charset.StandardCharsets.UTF_8

    def close(self) -> None:
        self.gateway.shutdown()

    def load(self, path: Path) -> Any:
        """The bundle's root transformer in MLeap's runtime."""
        return self.bundles.load(self.jvm.java.io.File(str(path)), self.context).root()

    def input_fields(self, root: Any) -> list[dict[str, Any]]:
        """MLeap's input schema of ``root`` as JSON field objects (name, type)."""
        empty = self.frames.createFrame(root.inputSchema(), self.jvm.java.util.ArrayList())
        return list(self._to_json(empty)["schema"]["fields"])

    def transform(self, root: Any, sample: list[Any], row_id: str) -> list[dict[str, Any]]:
        """Score Spark rows (its inputs taken by name); a ``row_id`` long column passes through.

        Returns MLeap's output rows as dicts of plain Python values (vectors as dense lists).
        """
        fields = self.input_fields(root)
        names = [f["name"] for f in fields]
        rows = [
            [
                _to_mleap(python_value(row[name]), f["type"])
                for name, f in zip(names, fields, strict=True)
            ]
            + [index]
            for index, row in enumerate(sample)
        ]
        fields.append({"name": row_id, "type": "long"})
        payload = json.dumps({"schema": {"fields": fields}, "rows": rows}).encode()
        reader = scala_object(self.jvm, "ml.combust.mleap.runtime.serialization.FrameReader")
        frame = reader.apply(JSON_FORMAT, self.loader).fromBytes(payload, self.utf8).get()
        scored = self._to_json(root.transform(frame).get())
        names = [f["name"] for f in scored["schema"]["fields"]]
        return [
            {name: _from_mleap(value) for name, value in zip(names, row, strict=True)}
            for row in scored["rows"]
        ]

    def _to_json(self, frame: Any) -> dict[str, Any]:
        writer = scala_object(self.jvm, "ml.combust.mleap.runtime.serialization.FrameWriter")
        tag = scala_object(self.jvm, "scala.reflect.ClassTag").apply(frame.getClass())
        data = writer.apply(frame, JSON_FORMAT, self.loader, tag).toBytes(self.utf8).get()
        result: dict[str, Any] = json.loads(bytes(data).decode())
        return result


def _to_mleap(value: Any, field_type: Any) -> Any:
    if isinstance(field_type, dict) and field_type.get("type") == "tensor":
        if value is None:
            return None
        if isinstance(value, SparseVector):
            return {
                "indices": [[i] for i in value.indices],
                "values": value.values,
                "dimensions": [value.size],
            }
        return {"values": list(value), "dimensions": [len(value)]}
    return value


def _from_mleap(value: Any) -> Any:
    if isinstance(value, dict) and "values" in value:
        size = value["dimensions"][0]
        if "indices" in value:
            # NOTE: kept sparse, as Spark's and snowleap's are (a hashed vector has 2^18 slots)
            pairs = [(i[0], v) for i, v in zip(value["indices"], value["values"], strict=True)]
            pairs.sort()
            return SparseVector(size, [i for i, _ in pairs], [v for _, v in pairs])
        return list(value["values"])
    return value
