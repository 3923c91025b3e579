"""What the numpy-free default costs the row routes: the batch with numpy against the row path.

Without the numpy layer (``NumpyLayer=false``, the default), ``POST /transform`` and ``POST
/invocations`` score row by row (``snowleap.serving.rows``), which gives the batch's numbers. Here
both paths score the same request rows of the airbnb reference model (``events/listings.json``'s
listings repeated to each size) in this process: ``score_rows`` (one numpy batch) against the
row path it falls back to; median ms of repeated calls, ratio = row path ÷ batch.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.settings import REPO_ROOT

MODEL = REPO_ROOT.parent / "shared" / "mleap-reference" / "airbnb.model.lr.zip"
SIZES = (1, 10, 100, 1000)


def _median_ms(call: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def measure() -> dict[str, Any]:
    import snowleap
    from snowleap.input_rows import read_leapframe_rows
    from snowleap.serving import rows as scoring

    if not MODEL.is_file():
        return {"status": "unavailable", "reason": f"{MODEL} missing (../shared)"}
    model = snowleap.load(MODEL)
    document = json.loads((REPO_ROOT / "events" / "listings.json").read_text())
    listings = document["rows"]
    types = {**model.input_schema, **model.output_schema}
    sizes = []
    for size in SIZES:
        request = dict(document, rows=[listings[i % len(listings)] for i in range(size)])
        rows = read_leapframe_rows(request, model.input_schema)
        repeats = 200 if size < 100 else 20
        batch = _median_ms(lambda r=rows: scoring.score_rows(model, r), repeats)
        each = _median_ms(lambda r=rows: scoring._score_each(model, r, types), repeats)
        sizes.append({"rows": size, "batch_ms": batch, "row_path_ms": each})
    return {"status": "ok", "model": MODEL.name, "sizes": sizes}


def report_lines(result: dict[str, Any]) -> list[str]:
    if result.get("status") != "ok":
        return [f"**Row routes without numpy**: not measured ({result.get('reason', 'not run')})."]
    lines = [
        f"**Row routes without numpy** (`POST /transform`'s scoring of {result['model']}, "
        "in-process: numpy's batch against the row path a numpy-free function uses; median ms)",
        "",
        "| rows | numpy batch ms | row path ms | row path ÷ batch |",
        "|---:|---:|---:|---:|",
    ]
    for size in result["sizes"]:
        ratio = size["row_path_ms"] / size["batch_ms"]
        lines.append(
            f"| {size['rows']:,} | {size['batch_ms']:.3f} | {size['row_path_ms']:.3f} "
            f"| x{ratio:.2f} |"
        )
    return lines
