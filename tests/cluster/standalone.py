"""A real Spark standalone cluster on 127.0.0.1: one master and two workers, from pyspark itself.

Each daemon is pyspark's own ``bin/spark-class org.apache.spark.deploy.{master.Master,
worker.Worker}`` in a process group of its own, bound to 127.0.0.1 on free ports (web UIs too),
with its logs and work folders under one directory. Every worker offers one core, so an
application gets two executors in two separate JVMs, each starting its Python workers with the
interpreter the driver names (``PYSPARK_PYTHON``: this one, where snowleap is installed).
``stop()`` ends every process it started, by process group, and waits for each.

Example
-------
    with StandaloneCluster(tmp_dir) as cluster:
        subprocess.run(cluster.submit_command("job.py"), env=cluster.environment(), check=True)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

START_TIMEOUT_S = 120.0
WORKERS = 2
WORKER_MEMORY = "1g"
EXECUTOR_MEMORY = "640m"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


class StandaloneCluster:
    """Master + ``WORKERS`` workers of one core each; ``url`` is the master's ``spark://`` URL."""

    def __init__(self, directory: Path, python: str = sys.executable) -> None:
        self.directory = directory
        self.python = python
        self.port = free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        self._master_ui = free_port()
        self._processes: list[subprocess.Popen[bytes]] = []

    def environment(self) -> dict[str, str]:
        """What every daemon and driver here runs with: loopback only, this Python."""
        env = dict(os.environ)
        env.update(
            SPARK_HOME=str(spark_home()),
            SPARK_LOCAL_IP="127.0.0.1",
            SPARK_LOCAL_HOSTNAME="127.0.0.1",
            SPARK_DAEMON_MEMORY="256m",
            PYSPARK_PYTHON=self.python,
            PYSPARK_DRIVER_PYTHON=self.python,
            SPARK_LOG_DIR=str(self.directory / "logs"),
            SPARK_NO_DAEMONIZE="1",
        )
        env.pop("PYSPARK_GATEWAY_PORT", None)
        env.pop("PYSPARK_GATEWAY_SECRET", None)
        return env

    def submit_command(
        self, script: str | Path, *args: str, conf: dict[str, str] | None = None
    ) -> list[str]:
        """``spark-submit --master spark://...`` of ``script`` on this cluster, two executors."""
        extra = [
            item for key, value in (conf or {}).items() for item in ("--conf", f"{key}={value}")
        ]
        return [
            str(spark_home() / "bin" / "spark-submit"),
            "--master",
            self.url,
            "--conf",
            "spark.executor.cores=1",
            "--conf",
            "spark.cores.max=2",
            "--conf",
            f"spark.executor.memory={EXECUTOR_MEMORY}",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.ui.enabled=false",
            # NOTE: small test data: a few shuffle partitions (as snowleap.spark.spark_session
            #   gives local runs), not 200 tasks of one Python worker start each
            "--conf",
            "spark.sql.shuffle.partitions=2",
            "--conf",
            f"spark.pyspark.python={self.python}",
            *extra,
            str(script),
            *args,
        ]

    def start(self) -> StandaloneCluster:
        (self.directory / "logs").mkdir(parents=True, exist_ok=True)
        try:
            self._daemon(
                "master",
                "org.apache.spark.deploy.master.Master",
                [
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--webui-port",
                    str(self._master_ui),
                ],
            )
            self._wait_for(lambda: self._master_page() is not None, "the master")
            for number in range(WORKERS):
                work = self.directory / f"worker-{number}"
                work.mkdir(exist_ok=True)
                self._daemon(
                    f"worker-{number}",
                    "org.apache.spark.deploy.worker.Worker",
                    [
                        *("--host", "127.0.0.1", "--port", str(free_port())),
                        *("--webui-port", str(free_port()), "--cores", "1"),
                        *("--memory", WORKER_MEMORY, "--work-dir", str(work), self.url),
                    ],
                )
            self._wait_for(lambda: self.alive_workers() == WORKERS, f"{WORKERS} workers")
        except BaseException:
            self.stop()
            raise
        return self

    def alive_workers(self) -> int:
        page = self._master_page()
        return int(json.loads(page).get("aliveworkers", 0)) if page else 0

    def stop(self) -> None:
        """End every daemon (workers first, which also ends their executors), then wait."""
        for process in reversed(self._processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self._processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self._processes.clear()

    def running(self) -> int:
        return sum(process.poll() is None for process in self._processes)

    def log(self, name: str) -> str:
        path = self.directory / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> StandaloneCluster:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _daemon(self, name: str, main_class: str, args: list[str]) -> None:
        log = (self.directory / "logs" / f"{name}.log").open("wb")
        command = [str(spark_home() / "bin" / "spark-class"), main_class, *args]
        self._processes.append(
            subprocess.Popen(
                command,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()

    def _master_page(self) -> str | None:
        try:
            url = f"http://127.0.0.1:{self._master_ui}/json/"
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8", "replace"))
        except OSError:
            return None

    def _wait_for(self, ready: object, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self._processes):
                raise RuntimeError(f"a daemon exited while waiting for {what}: {self._logs()}")
            if callable(ready) and ready():
                return
            time.sleep(0.5)
        raise RuntimeError(f"{what} not up within {START_TIMEOUT_S:.0f} s: {self._logs()}")

    def _logs(self) -> str:
        return " | ".join(
            f"{path.name}: {path.read_text(errors='replace')[-600:]}"
            for path in sorted((self.directory / "logs").glob("*.log"))
        )
