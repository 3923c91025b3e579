"""The Lambda handler invoked in-process: one API Gateway event holding one 30-event session.

``python -m benchmarks.handler_child EVENT_JSON REPEATS OUT_JSON`` (with ``handler/`` on
PYTHONPATH, as in Lambda where the function's folder is on the path). The first invocation loads
the model; the rest are warm, as in a warm execution environment.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
from pathlib import Path

from benchmarks.timing import latency_summary


def main(event_path: str, repeats: str, out_path: str) -> int:
    event = json.loads(Path(event_path).read_text())
    context_factory = _context_factory()
    started = time.perf_counter()
    # NOTE: Powertools writes a log line and EMF metrics per invocation to stdout, as in Lambda
    # (where CloudWatch takes them); that cost stays in the timing, only the text is dropped.
    with contextlib.redirect_stdout(io.StringIO()):
        import app

        imported = time.perf_counter()
        first = app.lambda_handler(event, context_factory())
    first_ms = (time.perf_counter() - imported) * 1e3
    if first.get("statusCode") != 200:
        raise SystemExit(f"handler answered {first.get('statusCode')}: {first.get('body')}"[:500])
    samples = []
    sink = io.StringIO()
    for _ in range(int(repeats)):
        with contextlib.redirect_stdout(sink):
            start = time.perf_counter()
            response = app.lambda_handler(event, context_factory())
            samples.append(time.perf_counter() - start)
        sink.seek(0)
        sink.truncate()
        if response.get("statusCode") != 200:
            raise SystemExit(f"handler answered {response.get('statusCode')}")
    report = {
        "import_ms": (imported - started) * 1e3,
        "first_invocation_ms": first_ms,
        "warm": latency_summary(samples),
        "response_body": json.loads(first["body"]),
    }
    Path(out_path).write_text(json.dumps(report))
    return 0


def _context_factory() -> type:
    from local import LocalLambdaContext  # the handler's own local-run helper

    return LocalLambdaContext


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
