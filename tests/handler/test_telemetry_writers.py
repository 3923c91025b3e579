"""``LineWriter`` and ``EmfWriter`` write what Powertools' ``Logger.info`` and ``Metrics`` write."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from emf import EmfWriter
from log_lines import LineWriter


@pytest.fixture
def logger() -> Iterator[tuple[Logger, io.StringIO]]:
    stream = io.StringIO()
    # NOTE: a logger name of its own: Powertools configures a stdlib logger only once.
    name = f"lines-test-{uuid.uuid4().hex}"
    log = Logger(service=name, logger_handler=logging.StreamHandler(stream))
    log.append_keys(function_request_id="r-1", correlation_id="c-1", cold_start=False)
    yield log, stream


def written(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    stream.seek(0)
    stream.truncate()
    return lines


def test_a_line_is_the_one_logger_info_writes_but_its_time(
    logger: tuple[Logger, io.StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    log, stream = logger
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-abc;Parent=def;Sampled=1")
    fields = {"session": "k1", "probability": 0.25, "model_version": None, "served": True}
    with log.append_context_keys(request_kind="score"):
        log.info("session scored", extra=fields)
        (expected,) = written(stream)
        LineWriter(log).info("session scored", fields)
        (line,) = written(stream)
    assert line.pop("timestamp")[:16] == expected.pop("timestamp")[:16]
    assert line.pop("location").split(":")[0] == expected.pop("location").split(":")[0]
    # NOTE: same keys in the same order: None values dropped, the trace id last
    assert list(line.items()) == list(expected.items())
    assert "model_version" not in line and list(line)[-1] == "xray_trace_id"


def test_nothing_below_the_loggers_level_and_a_filtered_handler_goes_through_logger_info(
    logger: tuple[Logger, io.StringIO],
) -> None:
    log, stream = logger
    log.setLevel("WARNING")
    LineWriter(log).info("session scored", {"session": "k1"})
    assert written(stream) == []
    log.setLevel("INFO")
    log.registered_handler.addFilter(lambda record: "drop" not in record.getMessage())
    LineWriter(log).info("drop me", {"session": "k1"})
    LineWriter(log).info("keep me", {"session": "k2"})
    assert [line["message"] for line in written(stream)] == ["keep me"]


def test_a_document_is_the_one_powertools_writes_but_its_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "emf-test")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "lines-test")
    reference = EphemeralMetrics()
    reference.add_dimension(name="Variant", value="challenger")
    for value in (0.25, 0.5):
        reference.add_metric(name="Probability", unit=MetricUnit.NoUnit, value=value)
    reference.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    reference.flush_metrics()
    EmfWriter(reference).write(
        {"Variant": "challenger"},
        (
            ("Probability", MetricUnit.NoUnit, [0.25, 0.5]),
            ("Requests", MetricUnit.Count, (1,)),
        ),
    )
    expected, document = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert isinstance(document["_aws"].pop("Timestamp"), int)
    expected["_aws"].pop("Timestamp")
    assert json.dumps(document) == json.dumps(expected)


def test_over_100_values_of_a_metric_go_into_further_documents(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "emf-test")
    EmfWriter(EphemeralMetrics()).write(
        {}, (("Probability", MetricUnit.NoUnit, [0.5] * 250), ("Requests", MetricUnit.Count, [1]))
    )
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [len(d["Probability"]) for d in documents] == [100, 100, 50]
    assert sum(len(d.get("Requests", [])) for d in documents) == 1
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    EmfWriter(EphemeralMetrics()).write({}, (("Requests", MetricUnit.Count, [1]),))
    assert capsys.readouterr().out == ""


def test_a_field_named_like_a_key_of_the_line_replaces_it_as_logger_info_does(
    logger: tuple[Logger, io.StringIO],
) -> None:
    log, stream = logger
    for fields in ({"session": "k1"}, {"correlation_id": "mine", "session": "k2"}):
        log.info("session scored", extra=fields)
        LineWriter(log).info("session scored", fields)
        expected, line = written(stream)
        for got in (expected, line):
            got.pop("timestamp"), got.pop("location")
        assert list(line.items()) == list(expected.items())
