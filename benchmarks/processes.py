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
    """A finished child: its output, exit status, wall time and peak RSS."""

    stdout: str
    stderr: str
    returncode: int
    wall_s: float
    peak_rss_mib: float


def run_measured(
    command: Sequence[str], timeout: float = 600, env: Mapping[str, str] | None = None
) -> Finished:
    """Run ``command`` to completion; peak RSS comes from ``wait4`` on this very child."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - start
        # NOTE: tell Popen the child is reaped, or its destructor warns that it is still running.
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # NOTE: ru_maxrss is in KiB on Linux.
        return Finished(out.read(), err.read(), process.returncode, wall, usage.ru_maxrss / 1024)
