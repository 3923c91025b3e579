"""On a real standalone cluster (master + two workers, separate executor JVMs and Python workers):
``snowleap.spark.score`` equals Spark's transform, and ``training/train.py`` under
``spark-submit`` gives the very metrics of a local run with the same seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.cluster.standalone import StandaloneCluster

ROOT = Path(__file__).resolve().parents[2]
JOB_TIMEOUT_S = 1500


def submit(
    cluster: StandaloneCluster, script: Path, *args: str, conf: dict[str, str] | None = None
) -> None:
    result = subprocess.run(
        cluster.submit_command(script, *args, conf=conf),
        env=cluster.environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]


def test_score_equals_transform_on_the_cluster(
    cluster: StandaloneCluster, event_files: Path, tmp_path: Path
) -> None:
    out = tmp_path / "score.json"
    submit(cluster, ROOT / "tests" / "cluster" / "score_job.py", str(event_files), str(out))
    result = json.loads(out.read_text())
    assert result["master"] == cluster.url
    for case in ("default", "airbnb"):
        assert result[case]["differences"] == [], case
        assert result[case]["columns_equal"] and result[case]["types_equal"], case
    assert result["default"]["rows"] > 300
    assert result["airbnb"]["rows"] == 100
    # the work ran on both workers' executors, each with its own Python daemon
    assert result["workers"]["executors"] == 2
    assert result["workers"]["python_daemons"] == 2
    assert result["workers"]["executables"] == [sys.executable]


def train_args(events: Path, folder: Path) -> list[str]:
    return [
        "--input",
        str(events),
        "--out",
        str(folder / "model.zip"),
        "--report",
        str(folder / "report"),
        "--spark-model",
        str(folder / "spark-model"),
        "--trees",
        "3",
        "--max-depth",
        "4",
        "--seed",
        "11",
    ]


def metrics_of(folder: Path) -> dict[str, Any]:
    metrics: dict[str, Any] = json.loads((folder / "report" / "metrics.json").read_text())
    return metrics


def test_training_on_the_cluster_gives_the_local_metrics(
    cluster: StandaloneCluster, event_files: Path, tmp_path: Path
) -> None:
    import snowleap

    local, remote = tmp_path / "local", tmp_path / "cluster"
    # NOTE: the local run goes on beside the cluster run: both are mostly waiting on JVM starts
    #   and small tasks, so overlapping them saves minutes of wall time on two cores
    local_log = (tmp_path / "local-train.log").open("wb")
    local_run = subprocess.Popen(
        [
            *(sys.executable, str(ROOT / "training" / "train.py"), "--master", "local[2]"),
            *train_args(event_files, local),
        ],
        cwd=ROOT,
        env=cluster.environment(),
        stdout=local_log,
        stderr=subprocess.STDOUT,
    )
    try:
        # NOTE: the partitioning of a local run (snowleap.spark.spark_session's 2 shuffle
        #   partitions, 2 cores): a forest's bootstrap samples are drawn per partition
        partitions = {"spark.sql.shuffle.partitions": "2"}
        submit(
            cluster,
            ROOT / "training" / "train.py",
            *train_args(event_files, remote),
            conf=partitions,
        )
        returncode = local_run.wait(timeout=JOB_TIMEOUT_S)
    finally:
        if local_run.poll() is None:
            local_run.kill()
            local_run.wait(timeout=30)
        local_log.close()
    output = (tmp_path / "local-train.log").read_text(errors="replace")
    assert returncode == 0, output[-4000:]
    on_local, on_cluster = metrics_of(local), metrics_of(remote)
    assert on_cluster["spark_master"] == cluster.url
    assert on_local["spark_master"] == "local[2]"
    for section in ("counts", "held_out", "by_prefix_length", "calibration", "threshold"):
        assert on_cluster.get(section) == on_local.get(section), section
    assert on_local["held_out"]["roc_auc"] > 0.7
    # both bundles load and score a session alike
    session = {name: 0.0 for name in snowleap.load(local / "model.zip").input_schema}
    session |= {"n_events": 3.0, "referrer_medium": "search", "device_class": "mobile"}
    session |= {"platform": "web"}
    scores = [
        snowleap.load(folder / "model.zip").transform_row(session) for folder in (local, remote)
    ]
    assert scores[0] == scores[1]
