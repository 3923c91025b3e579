"""One cold start, in a fresh process: import, fetch the model from S3, load it, score one row.

``python -m benchmarks.cold_start_child ENGINE ENDPOINT BUCKET KEY ROW_JSON`` with ENGINE
``snowleap`` or ``onnxruntime``; prints the phase times (ms) as JSON. The S3 endpoint is moto's
server on 127.0.0.1, started by the parent. Only what a serving process needs is imported.
"""

from __future__ import annotations

import itertools
import json
import sys
import time

# NOTE: the in-process clock starts before the engine and boto3 are imported; interpreter start-up
# is in the parent's wall time only.
STARTED = time.perf_counter()


def main(engine: str, endpoint: str, bucket: str, key: str, row_json: str) -> dict[str, float]:
    marks = {"start": STARTED}
    import boto3

    if engine == "snowleap":
        import snowleap
    else:
        import numpy as np
        import onnxruntime
    marks["imported"] = time.perf_counter()
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    blob = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    marks["fetched"] = time.perf_counter()
    row = json.loads(row_json)
    if engine == "snowleap":
        model = snowleap.load(blob)
        marks["loaded"] = time.perf_counter()
        out = model.transform_row(row)
    else:
        session = onnxruntime.InferenceSession(blob, providers=["CPUExecutionProvider"])
        marks["loaded"] = time.perf_counter()
        names = {i.name for i in session.get_inputs()}
        feeds = {
            name: np.array([[value]], dtype=object if isinstance(value, str) else np.float32)
            for name, value in row.items()
            if name in names
        }
        out = session.run(None, feeds)
    marks["scored"] = time.perf_counter()
    if out is None:
        raise SystemExit("the first row was skipped")
    phases = ("start", "imported", "fetched", "loaded", "scored")
    return {
        f"{later}_ms": (marks[later] - marks[earlier]) * 1e3
        for earlier, later in itertools.pairwise(phases)
    } | {"in_process_ms": (marks["scored"] - STARTED) * 1e3, "peak_rss_mib": _peak_rss_mib()}


def _peak_rss_mib() -> float:
    """This process's peak RSS (``VmHWM``; see ``benchmarks.processes.peak_rss_mib``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:6])))
