"""A text classifier, Tokenizer + StopWordsRemover + NGram + HashingTF(2^18) + IDF +
LogisticRegression: snowleap beside MLeap's JVM runtime and ONNX Runtime, in the same run.

The pipeline is fitted by Spark (``local[1]``) on seeded sentences and written by snowleap's
writer (``export_bundle``, which checks snowleap against Spark's ``transform`` first). Timed: one
row from a dict (``transform_row``) and a batch of ``--rows`` rows (``transform`` on a list of
strings), against MLeap's JVM runtime on the same bundle (``benchmarks/jvm``: a
``RowTransformer`` after a JIT warm-up, and ``Transformer.transform`` on a LeapFrame) and ONNX
Runtime where onnxmltools converts the pipeline (the report says why not, in its own words).

NOTE: MLeap 0.16's runtime hashes strings the Spark 2 way whatever the bundle says (see
``ops.hashing``), so its outputs are checked against snowleap on the same bundle without the hash
version (the Spark 2 hash, which both then use); the cost of hashing does not depend on it.

Memory: the batch's peak allocation (``tracemalloc``) against its stored non-zeros, beside what
the dense 10,000 x 2^18 matrix would take. Results: ``benchmarks/results/text_pipeline.{json,md}``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tracemalloc
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

import snowleap
from benchmarks.contenders import mleap_jvm
from benchmarks.runtime_bench import machine, time_transform, time_transform_row
from benchmarks.runtime_cases import RESULTS_DIR
from snowleap.ops.sparse import SparseRows

BENCH_ROWS = 1000
WIDTH = 1 << 18
WORDS = [
    "the",
    "a",
    "is",
    "not",
    "and",
    "of",
    "to",
    "in",
    "cat",
    "dog",
    "sat",
    "on",
    "mat",
    "runs",
    "fast",
    "slow",
    "good",
    "bad",
    "great",
    "awful",
    "movie",
    "film",
    "plot",
    "actor",
    "scene",
    "love",
    "hate",
    "boring",
    "fun",
    "café",
    "naïve",
    "straße",
    "日本語",
    "😀",
    "won't",
    "e-mail",
]
POSITIVE = {"good", "great", "love", "fun"}


def sentences(rng: np.random.Generator, count: int) -> list[str]:
    lengths = rng.integers(3, 30, size=count)
    return [" ".join(rng.choice(WORDS, size=int(n))) for n in lengths]


def fit_pipeline(spark: Any, rng: np.random.Generator) -> tuple[Any, Any]:
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import IDF, HashingTF, NGram, StopWordsRemover, Tokenizer

    texts = sentences(rng, 4000)
    labels = [float(any(w in POSITIVE for w in t.split())) for t in texts]
    df = spark.createDataFrame(list(zip(texts, labels, strict=True)), "text string, label double")
    stages = [
        Tokenizer(inputCol="text", outputCol="tokens"),
        StopWordsRemover(inputCol="tokens", outputCol="kept"),
        NGram(n=2, inputCol="kept", outputCol="bigrams"),
        HashingTF(inputCol="bigrams", outputCol="tf", numFeatures=WIDTH),
        IDF(inputCol="tf", outputCol="features"),
        LogisticRegression(maxIter=30, regParam=0.01),
    ]
    return Pipeline(stages=stages).fit(df), df.select("text")


def without_hash_version(bundle: Path, target: Path) -> Path:
    """The JSON bundle with no ``hashUnsafeBytesVersion``: the Spark 2 hash, as MLeap 0.16 reads
    every bundle."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(buffer, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("model.json") and b"hashing_term_frequency" in data:
                model = json.loads(data)
                model["attributes"].pop("hashUnsafeBytesVersion", None)
                data = json.dumps(model).encode()
            copy.writestr(item, data)
    target.write_bytes(buffer.getvalue())
    return target


def memory(model: snowleap.Model, texts: list[str]) -> dict[str, Any]:
    """Peak allocation of one batch against its non-zeros (the hashed and IDF vectors)."""
    tracemalloc.start()
    scored = model.transform({"text": texts})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tf = scored["tf"]
    assert isinstance(tf, SparseRows) and isinstance(scored["features"], SparseRows)
    non_zeros = len(tf.values)
    return {
        "rows": len(texts),
        "non_zeros": non_zeros,
        "peak_bytes": peak,
        "peak_bytes_per_non_zero": peak / max(non_zeros, 1),
        "dense_bytes": len(texts) * WIDTH * 8,
    }


def onnx_side(spark_model: Any, texts: list[str], rows: int) -> dict[str, Any]:
    """ONNX Runtime on onnxmltools' conversion of the fitted pipeline, if it converts."""
    try:
        from onnxmltools import convert_sparkml
        from onnxmltools.convert.common.data_types import StringTensorType
    except ImportError as exc:
        return {"status": "unavailable", "reason": f"onnxmltools is not installed ({exc})"}
    try:
        onnx_model = convert_sparkml(spark_model, "text", [("text", StringTensorType([None, 1]))])
    except Exception as exc:
        return {
            "status": "unavailable",
            "reason": f"onnxmltools cannot convert it: {type(exc).__name__}: {exc}"[:600],
        }
    import onnxruntime

    session = onnxruntime.InferenceSession(onnx_model.SerializeToString())
    batch = np.array([[t] for t in (texts * (rows // len(texts) + 1))[:rows]], dtype=object)
    session.run(None, {"text": batch[:1]})
    return {"status": "converted", "note": "timing not implemented for a converted text model"}


def bench(folder: Path, rows: int) -> dict[str, Any]:
    from snowleap.spark import spark_session
    from snowleap.spark.export import export_bundle

    rng = np.random.default_rng(20261202)
    spark = spark_session(app_name="snowleap-text-bench", master="local[1]", with_mleap=False)
    try:
        spark_model, sample = fit_pipeline(spark, rng)
        bundle = folder / "text.zip"
        export_bundle(spark_model, sample, bundle, format="json")
        texts = sentences(rng, BENCH_ROWS)
        onnx = onnx_side(spark_model, texts, rows)
    finally:
        spark.stop()
    model = snowleap.load(bundle)
    batch = (texts * (rows // len(texts) + 1))[:rows]
    result: dict[str, Any] = {
        "pipeline": "Tokenizer + StopWordsRemover + NGram(2) + HashingTF(2^18) + IDF + "
        "LogisticRegression",
        "snowleap": {
            "row": asdict(time_transform_row(model, {"text": texts[0]})),
            "batch": asdict(time_transform(model, {"text": batch}, repeats=3)),
            "memory": memory(model, batch),
        },
        "onnx_runtime": onnx,
    }
    spark2_hash = without_hash_version(bundle, folder / "text-spark2-hash.zip")
    frame = folder / "text.frame.json"
    frame.write_text(
        json.dumps(
            {
                "schema": {"fields": [{"name": "text", "type": "string"}]},
                "rows": [[t] for t in texts],
            }
        )
    )
    outputs = ["probability", "prediction"]
    scored = snowleap.load(spark2_hash).transform({"text": texts})
    mine = {name: np.asarray(scored[name]).tolist() for name in outputs}
    result["mleap_jvm"] = mleap_jvm.refereed(spark2_hash, frame, mine, rows)
    return result


def markdown(report: dict[str, Any]) -> str:
    info, case = report["machine"], report["case"]
    mine = case["snowleap"]
    row_us, rate = mine["row"]["median_us"], mine["batch"]["rows_per_s"]
    mem = mine["memory"]
    lines = [
        "# Text pipeline: snowleap vs MLeap's JVM runtime and ONNX Runtime (same run)",
        "",
        f"{case['pipeline']}; machine: {info['cpu']}, {info['cores']} cores, load "
        f"{info['load_average_1_5_15']}; Python {info['python']}, numpy {info['numpy']} "
        f"({info['commit']}).",
        f"Row: median of single `transform_row` calls from a dict. Batch: {report['rows']:,} rows "
        "(sentences of 3-29 words), median of 3 runs.",
        "",
        "| contender | row µs (median) | row p99 µs | batch rows/s | ratio to snowleap |",
        "|---|---:|---:|---:|---|",
        f"| snowleap | {row_us:.1f} | {mine['row']['p99_us']:.1f} | {rate:,.0f} | 1 |",
    ]
    jvm = case["mleap_jvm"]
    if jvm["status"] == "ok":
        jvm_row = jvm["row"]["median_us"]
        jvm_rate = next(b["rows_per_s"] for b in jvm["batches"] if b["size"] == report["rows"])
        lines.append(
            f"| MLeap 0.16 JVM runtime | {jvm_row:.1f} | {jvm['row']['p99_us']:.1f} | "
            f"{jvm_rate:,.0f} | row {jvm_row / row_us:.2f}x snowleap's time; batch "
            f"{rate / jvm_rate:.2f}x MLeap's rows/s for snowleap |"
        )
    else:
        lines.append(f"| MLeap 0.16 JVM runtime | {jvm.get('reason', jvm['status'])} | | | |")
    onnx = case["onnx_runtime"]
    lines.append(f"| ONNX Runtime | {onnx.get('reason', onnx['status'])} | | | |")
    lines += [
        "",
        f"Memory of the {mem['rows']:,}-row batch: peak {mem['peak_bytes'] / 2**20:.1f} MiB "
        f"allocated for {mem['non_zeros']:,} stored hashed values "
        f"({mem['peak_bytes_per_non_zero']:.0f} bytes per non-zero, every column of the batch "
        f"included); the dense {mem['rows']:,} x 2^18 matrix would be "
        f"{mem['dense_bytes'] / 2**30:.1f} GiB.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows per batch")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    args = parser.parse_args(argv)
    folder = args.out / "work" / "text_pipeline"
    folder.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "rows": args.rows, "case": bench(folder, args.rows)}
    (args.out / "text_pipeline.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "text_pipeline.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
