"""``snowleap compare``: the function's own session log lines back into per-variant scores."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest

import app as handler
from snowleap.cli import main
from snowleap.compare import compare, read_labels, read_session_scores, roc_auc
from snowleap.compare.stats import roc_points
from snowleap.errors import InputError
from tests.handler.conftest import FakeLambdaContext, ServiceFactory, rest_event, standin_bundle
from tests.handler.test_rollout import logs  # noqa: F401 (a fixture)


def pairwise_auc(scores: list[float], labels: list[bool]) -> float:
    """ROC AUC by its definition: over every (positive, negative) pair, 1 when the positive
    scores higher, 1/2 for a tie."""
    positives = [s for s, label in zip(scores, labels, strict=True) if label]
    negatives = [s for s, label in zip(scores, labels, strict=True) if not label]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_roc_auc_is_the_pairwise_chance_a_positive_outscores_a_negative() -> None:
    generator = random.Random(7)
    for _ in range(50):
        size = generator.randint(2, 60)
        # NOTE: scores on a coarse grid, so that ties between classes happen often
        scores = [generator.randint(0, 8) / 8 for _ in range(size)]
        labels = [generator.random() < 0.4 for _ in range(size)]
        if all(labels) or not any(labels):
            assert roc_auc(scores, labels) is None
            continue
        assert roc_auc(scores, labels) == pytest.approx(pairwise_auc(scores, labels))
    # AND the ROC curve runs from (0, 0) to (1, 1)
    points = roc_points([(0.9, True), (0.8, False), (0.3, True), (0.1, False)])
    assert points[0] == (0.0, 0.0) and points[-1] == (1.0, 1.0)


def tracker_body(views: list[int]) -> bytes:
    """Session ``sid-<n>`` with ``views[n]`` page views."""
    data = [
        {"e": "pv", "p": "web", "tv": "js-3", "sid": f"sid-{n}", "dtm": str(1795700000000 + i)}
        for n, count in enumerate(views)
        for i in range(count)
    ]
    return json.dumps(
        {
            "schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
            "data": data,
        }
    ).encode()


def test_compare_reads_the_functions_log_lines_and_joins_labels(
    tmp_path: Path,
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    logs: io.StringIO,  # noqa: F811
) -> None:
    # GIVEN a challenger in shadow mode, and 300 sessions of 1 to 5 page views scored twice
    #   (the same sessions again, as when a session's events arrive in two requests)
    champion, challenger = tmp_path / "champion.zip", tmp_path / "challenger.zip"
    champion.write_bytes(standin_bundle(tmp_path, name="champion"))
    challenger.write_bytes(standin_bundle(tmp_path, intercept=1.0, name="challenger"))
    make_service(
        str(champion), challenger=str(challenger), challenger_mode="shadow",
        max_body_bytes=1024 * 1024,
    )  # fmt: skip
    views = [1 + n % 5 for n in range(300)]
    event = rest_event("POST", "/score", tracker_body(views).decode(), "application/json")
    answers = [json.loads(handler.lambda_handler(event, lambda_context)["body"]) for _ in "12"]
    log_file = tmp_path / "function.log"
    # NOTE: as `aws logs tail` prints them: a timestamp and stream before each JSON record
    log_file.write_text(
        "\n".join(f"2026-12-02T07:00:00 [$LATEST] {line}" for line in logs.getvalue().splitlines())
    )
    # AND labels recorded against the response's session keys: bought when 2 or 3 page views
    sessions = answers[1]["sessions"]
    labels = {s["session"]: views[n] in (2, 3) for n, s in enumerate(sessions)}
    label_file = tmp_path / "labels.csv"
    label_file.write_text("session,label\n" + "".join(f"{k},{int(v)}\n" for k, v in labels.items()))

    # WHEN the log lines are compared
    summaries = compare(read_session_scores(log_file), read_labels(label_file))

    # THEN each variant has every session once (its latest score), the challenger as shadow
    champion_summary, challenger_summary = summaries
    assert champion_summary.variant == "champion" and challenger_summary.variant == "challenger"
    assert champion_summary.sessions == challenger_summary.sessions == 300
    assert (champion_summary.served, champion_summary.shadow) == (600, 0)
    assert (challenger_summary.served, challenger_summary.shadow) == (0, 600)
    # AND the distributions are the responses' own probabilities
    probabilities = sorted(s["probability"] for s in sessions)
    assert champion_summary.probabilities == pytest.approx(probabilities)
    assert champion_summary.mean == pytest.approx(sum(probabilities) / 300)
    # AND ROC AUC over the joined labels is the pairwise one of the responses' scores
    expected = pairwise_auc([s["probability"] for s in sessions], list(labels.values()))
    assert champion_summary.roc_auc == pytest.approx(expected)
    assert champion_summary.labelled == 300 and champion_summary.positives == 120

    # WHEN the command line compares them, with a chart
    out = tmp_path / "compare.png"
    assert main(["compare", str(log_file), "--labels", str(label_file), "--png", str(out)]) == 0
    # THEN a PNG is written
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 5_000


def test_compare_prints_a_table_per_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"message": "session scored", "session": f"k{n}", "variant": variant, "served": served,
         "probability": p, "model_version": version}
        for n, p in enumerate([0.05, 0.15, 0.55, 0.95])
        for variant, served, version in (("champion", True, "v1"), ("challenger", False, "v2"))
    ]  # fmt: skip
    log_file = tmp_path / "log.jsonl"
    log_file.write_text("\n".join(json.dumps(line) for line in lines) + '\n{"message": "other"}\n')
    assert main(["compare", str(log_file)]) == 0
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in printed.splitlines()[:3]}
    # variant sessions served shadow "no score" mean ...
    assert rows["champion"][1:6] == ["4", "4", "0", "0", "0.4250"]
    assert rows["challenger"][1:4] == ["4", "0", "4"]
    assert "champion: v1" in printed and "challenger: v2" in printed
    assert "9 log lines read, 1 not session scores" in printed


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ("id,outcome\nk1,1\n", "expected a CSV header with 'session' and 'label' columns"),
        ("session,label\nk1,maybe\n", "line 2: label 'maybe' is not one of"),
        ('{"session": "k1", "label": true}\n[1]\n', "line 2 should be a JSON object"),
        ("session,label\n,1\n", "line 2 has no session key"),
    ],
)
def test_a_bad_label_file_says_what_and_where(tmp_path: Path, labels: str, message: str) -> None:
    path = tmp_path / "labels"
    path.write_text(labels)
    with pytest.raises(InputError, match=message):
        read_labels(path)


def test_a_log_without_session_lines_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log"
    path.write_text('{"message": "request scored"}\nplain text\n')
    assert main(["compare", str(path)]) == 2
    assert "no 'session scored' log lines among 2 lines" in capsys.readouterr().err
