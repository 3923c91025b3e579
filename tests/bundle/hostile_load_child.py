"""Load each bundle named on the command line in this fresh process, one after another, and print
one JSON line per bundle: the error (or none), CPU seconds and the process's peak RSS after it.

Run by ``test_hostile_bundles.py``; the peak RSS only grows, so each line bounds every bundle
loaded before it too.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import snowleap
from snowleap.errors import SnowleapError
from snowleap.serving.model_check import check_model_scores
from snowleap.serving.scoring import check_model_fits, session_model_problems


def peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def check(model: snowleap.Model) -> None:
    """What serving runs before installing a model: the session check for a session model."""
    if session_model_problems(model):
        check_model_scores(model)
    else:
        check_model_fits(model)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(paths: list[str]) -> None:
    for path in paths:
        with open(path, "rb") as stream:
            data = stream.read()
        started, wall = cpu_seconds(), time.perf_counter()
        error: BaseException | None = None
        try:
            check(snowleap.load(data))
        except BaseException as exc:
            error = exc
        spent, wall = cpu_seconds() - started, time.perf_counter() - wall
        del data
        peak_mib = peak_rss_mib()
        print(
            json.dumps(
                {
                    "path": path,
                    "error": None if error is None else type(error).__name__,
                    "snowleap_error": isinstance(error, SnowleapError),
                    "message": str(error)[:300] if error is not None else "",
                    "message_length": len(str(error)) if error is not None else 0,
                    "cpu_s": round(spent, 3),
                    "wall_s": round(wall, 3),
                    "peak_rss_mib": round(peak_mib, 1),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
