"""Spark and serving compute the same features, and the default bundle scores them alike.

One local Spark session (shared through ``getOrCreate`` with any other Spark test in the run)
processes ~1,200 generated sessions: features through ``snowleap.spark.session_features`` (the
training path), against ``parse_enriched_tsv`` + ``group_sessions`` + ``session_features`` in
plain Python (the serving path). Then Spark's saved PipelineModel and snowleap's load of the
committed bundle score the serving rows.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import pytest
from training.generate import generate, write_shards

import snowleap
from snowleap.snowplow import (
    FEATURE_SCHEMA,
    group_sessions,
    parse_enriched_json,
    parse_enriched_tsv,
    session_features,
)
from snowleap.snowplow.features import is_purchase

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "bundles" / "snowleap-default.zip"
SPARK_MODEL = ROOT / "bundles" / "spark-pipeline"
SALT = "parity-salt"
SESSIONS = 1200


@pytest.fixture(scope="module")
def spark() -> Any:
    pytest.importorskip("pyspark", reason="the session parity test needs the `spark` extra")
    from snowleap.spark import spark_session

    # NOTE: getOrCreate inside: when tests/parity ran first, this is its session, not a second one

    return spark_session(app_name="snowleap-tests", master="local[2]")


@pytest.fixture(scope="module")
def event_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    sessions, _ = generate(SESSIONS, seed=2024)
    write_shards(sessions, folder, shards=2)
    return folder


@pytest.fixture(scope="module")
def serving_rows(event_files: Path) -> dict[str, dict[str, Any]]:
    """Per session key: label and features, the way the Lambda handler computes them."""
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(event_files.glob("*.tsv.gz")):
        parsed = parse_enriched_tsv(gzip.decompress(path.read_bytes()).decode("utf-8"))
        assert parsed.rejected == []
        for key, group in group_sessions(parsed.events, SALT).items():
            events = [event for _, event in group]
            label = 1.0 if any(is_purchase(e) for e in events) else 0.0
            rows[key] = {"label": label, **session_features(events).row}
    return rows


@pytest.fixture(scope="module")
def spark_rows(spark: Any, event_files: Path) -> dict[str, dict[str, Any]]:
    from snowleap.spark.session_features import session_rows

    lines = spark.read.text(str(event_files))
    collected = session_rows(lines, "tsv", SALT).collect()
    return {row["session_key"]: row.asDict() for row in collected}


def test_spark_features_equal_serving_features(
    spark_rows: dict[str, dict[str, Any]], serving_rows: dict[str, dict[str, Any]]
) -> None:
    assert len(serving_rows) == SESSIONS
    assert set(spark_rows) == set(serving_rows)
    differences = [
        (key[:8], name, spark_rows[key][name], expected)
        for key, served in serving_rows.items()
        for name, expected in served.items()
        if spark_rows[key][name] != expected or type(spark_rows[key][name]) is not type(expected)
    ]
    assert differences == []
    assert all(row["n_rejected"] == 0 for row in spark_rows.values())
    # the sample is not degenerate: buyers and non-buyers, several mediums and devices
    labels = [row["label"] for row in serving_rows.values()]
    assert 0 < sum(labels) < len(labels)
    assert len({row["referrer_medium"] for row in serving_rows.values()}) >= 5
    assert len({row["device_class"] for row in serving_rows.values()}) == 3


def test_default_bundle_scores_like_spark(
    spark: Any, serving_rows: dict[str, dict[str, Any]]
) -> None:
    from pyspark.ml import PipelineModel

    from snowleap.spark import spark_differences

    model = snowleap.load(BUNDLE)
    assert set(model.input_schema) == set(FEATURE_SCHEMA)
    assert {"probability", "prediction"} <= set(model.output_schema)
    spark_model = PipelineModel.load(str(SPARK_MODEL))
    schema = ", ".join(f"`{name}` {kind}" for name, kind in FEATURE_SCHEMA.items())
    features = [[row[name] for name in FEATURE_SCHEMA] for row in serving_rows.values()]
    frame = spark.createDataFrame(features, schema=schema)
    # GIVEN the serving path's rows, Spark's model and snowleap's load of the exported bundle
    problems = spark_differences(model, spark_model, frame, rows=None)
    # THEN both snowleap paths (batch and row) reproduce Spark's outputs on every session
    assert problems == []
    scored = [model.transform_row(row) for row in serving_rows.values()]
    probabilities = [row["probability"][1] for row in scored if row is not None]
    assert len(probabilities) == len(serving_rows)
    # and not just within tolerance: the very same doubles, session by session
    by_spark = spark_model.transform(frame).select("probability", "prediction").collect()
    assert [(list(r.probability), r.prediction) for r in by_spark] == [
        (row["probability"], row["prediction"]) for row in scored if row is not None
    ]
    assert all(0.0 <= p <= 1.0 and not math.isnan(p) for p in probabilities)
    assert len(set(probabilities)) > 50  # the forest tells sessions apart


def test_sdk_json_lines_take_the_same_path(spark: Any, snowplow_dir: Path, tmp_path: Path) -> None:
    from snowleap.spark.session_features import session_rows

    cases = json.loads((snowplow_dir / "enriched_examples_expected.json").read_text())
    items = [case["sdk_0_2_3_transform_output_py311"] for case in cases]
    lines = [json.dumps(item) for item in items] + ['{"event": "page_view"', "[1, 2]"]
    (tmp_path / "events.json").write_text("\n".join(lines) + "\n")
    collected = session_rows(spark.read.text(str(tmp_path)), "json", SALT).collect()
    by_key = {row["session_key"]: row.asDict() for row in collected}

    served = parse_enriched_json(items)
    groups = group_sessions(served.events, SALT)
    for key, group in groups.items():
        expected = session_features([event for _, event in group]).row
        assert {name: by_key[key][name] for name in expected} == expected
    # the line without a session id and the two broken lines form the null-key group
    unsessioned = by_key[None]
    assert (unsessioned["n_parsed"], unsessioned["n_rejected"]) == (1, 2)
    assert unsessioned["first_rejection"].startswith("item ")
