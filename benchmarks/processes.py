"""Running a child process and measuring it: wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Finished:
    """A finished child: its output, exit status, wall time and peak RSS (sampled VmHWM)."""

    stdout: str
    stderr: str
    returncode: int
    wall_s: float
    peak_rss_mib: float


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """``VmHWM`` of a live process (Linux): the peak RSS of its current program image.

    NOTE: not ``ru_maxrss``, which Linux carries across ``exec``: a child spawned by a big
    parent reports the parent's size at fork time as its own peak.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_measured(
    command: Sequence[str], timeout: float = 600, env: Mapping[str, str] | None = None
) -> Finished:
    """Run ``command`` to completion, sampling its peak RSS while it runs."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        deadline = start + timeout
        peak = 0.0
        polls = 0
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, _ = os.wait4(process.pid, 0)
                break
            # NOTE: memory is sampled every 10th poll (~20 ms) to keep the parent quiet.
            if polls % 10 == 0:
                peak = max(peak, peak_rss_mib(process.pid) or 0.0)
            polls += 1
            time.sleep(0.002)
        wall = time.perf_counter() - start
        # NOTE: tell Popen the child is reaped, or its destructor warns that it is still running.
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Finished(out.read(), err.read(), process.returncode, wall, peak)
