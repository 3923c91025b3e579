"""The standalone-cluster tests run under ``make test-cluster`` (``SNOWLEAP_CLUSTER_TESTS=1``).

One cluster (a master and two workers on 127.0.0.1) serves the whole run and is stopped after it,
whatever happens; the drivers are ``spark-submit`` processes of their own, so these tests
never meet the in-process Spark session of tests/parity.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.standalone import StandaloneCluster

ENABLED = os.environ.get("SNOWLEAP_CLUSTER_TESTS") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="a standalone Spark cluster: run by `make test-cluster`")
    for item in items:
        if "tests/cluster/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandaloneCluster]:
    pytest.importorskip("pyspark", reason="the cluster tests need the `spark` extra")
    started = StandaloneCluster(tmp_path_factory.mktemp("cluster")).start()
    try:
        yield started
    finally:
        started.stop()
        assert started.running() == 0


@pytest.fixture(scope="session")
def event_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.generate import generate, write_shards

    # NOTE: few sessions: the cluster tests prove the distribution (executors, Python workers,
    #   same metrics), which JVM and worker start-ups dominate, not the data volume
    folder = tmp_path_factory.mktemp("events")
    sessions, _ = generate(400, seed=2026)
    write_shards(sessions, folder, shards=2)
    return folder
