"""The function as Lambda runs it: the Runtime Interface Emulator and awslambdaric on Python 3.13,
over the function package and the x86_64 layer as ``sam build`` and ``make layer`` make them
(``handler/rie.py``; ``make test`` installs the emulator and the runtime first)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import rie
from tests.handler.conftest import EVENTS, load_event


@pytest.fixture(scope="module")
def layout() -> rie.FunctionLayout:
    # NOTE: the tracing layer too, as TraceSubsegments=true attaches it, for the subsegment test;
    # the import-path test then shows that being on the path loads nothing.
    return rie.score_function(tracing=True)


@pytest.fixture(scope="module")
def emulator(
    layout: rie.FunctionLayout, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[rie.Emulator]:
    cache = tmp_path_factory.mktemp("rie-model-cache")
    env = {"SESSION_SALT": "rie-test", "MODEL_CACHE_DIR": str(cache)}
    with rie.Emulator(layout, env=env) as running:
        yield running
    # NOTE: the emulator and the runtime it started are both gone.
    assert running.process is None


# NOTE: request bodies, not events: sessions.json is sent by score.json's shape below; the
# listings are the README's curl bodies for the airbnb model.
REQUEST_BODIES = {"sessions.json", "listings.json", "listings_mlflow.json"}


def body(response: dict[str, object]) -> object:
    return json.loads(str(response["body"]))


def test_every_ready_event_runs_through_the_emulator(emulator: rie.Emulator) -> None:
    # GIVEN the function under the emulator (its init runs with the first invocation)
    # WHEN each event of events/ is invoked
    answers = {
        path.name: emulator.invoke(json.loads(path.read_text())).response
        for path in sorted(EVENTS.glob("*.json"))
        if path.name not in REQUEST_BODIES
    }

    # THEN the runtime was initialised once, by the emulator, with the default bundle
    assert "INIT REPORT" in emulator.log()
    assert emulator.init_ms() is not None
    # AND each route answers as it does in-process
    scored = body(answers["score.json"])
    assert answers["score.json"]["statusCode"] == 200
    assert isinstance(scored, dict) and len(scored["sessions"]) == 2
    assert all(0.0 <= s["probability"] <= 1.0 for s in scored["sessions"])
    assert answers["score_http_api.json"]["statusCode"] == 200
    assert body(answers["score_http_api.json"])["sessions"] == scored["sessions"]  # type: ignore[index]
    assert answers["model.json"]["statusCode"] == 200
    assert body(answers["model.json"])["output_schema"]  # type: ignore[index]
    assert answers["health.json"]["statusCode"] == 200
    assert body(answers["health.json"])["status"] == "ok"  # type: ignore[index]
    assert answers["bad_request.json"]["statusCode"] == 400
    assert answers["warmup.json"]["warmup"] is True
    assert answers["warmup.json"]["refresh"] in ("unchanged", "updated")
    # AND the row routes answer too: their events ask the airbnb model for listings, which the
    #   default session model does not take, so each is a 400 naming a missing input
    for name in ("transform.json", "transform_http_api.json", "invocations.json"):
        assert answers[name]["statusCode"] == 400, answers[name]
        assert "an input of the model" in body(answers[name])["message"]  # type: ignore[index]


def test_the_sessions_body_is_scored_through_the_emulator(emulator: rie.Emulator) -> None:
    # GIVEN the two-session tracker body of events/sessions.json in a REST event
    event = load_event("score.json")
    event["body"] = (EVENTS / "sessions.json").read_text()

    # WHEN it is invoked twice (the second time warm)
    first, second = emulator.invoke(event), emulator.invoke(event)

    # THEN both answers are the same two scored sessions
    assert first.response["statusCode"] == 200
    assert body(first.response) == body(second.response)
    assert len(body(first.response)["sessions"]) == 2  # type: ignore[index]


def imported(layout: rie.FunctionLayout, **env: str) -> set[str]:
    """The modules ``import app`` loads in the layout (Python 3.13, as the runtime imports it)."""
    probe = "import app, sys; print('MODULES ' + ' '.join(sorted(sys.modules)))"
    completed = subprocess.run(
        [rie.python313(), "-S", "-c", probe],
        cwd=layout.task,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": layout.python_path,
            **rie.FUNCTION_ENV,
            "MODEL_CACHE_DIR": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def test_the_import_path_has_no_xray_sdk_and_no_aws_sdk(layout: rie.FunctionLayout) -> None:
    # WHEN the handler module is imported as the runtime imports it, tracing left as deployed
    modules = imported(layout)
    # THEN neither the X-Ray SDK nor the AWS SDK were loaded (the model is a local file)
    assert {"app", "aws_lambda_powertools", "snowleap"} <= modules
    assert not modules & {"aws_xray_sdk", "aws_xray_sdk.core", "boto3", "botocore.session"}
    # NOTE: Powertools imports botocore's package itself (1-2 ms: logging and re) to tag the SDK's
    # user agent; nothing below it.
    assert not any(m.startswith("botocore.") for m in modules)


def test_subsegments_load_the_xray_sdk_when_asked_for(layout: rie.FunctionLayout) -> None:
    # WHEN subsegments are asked for THEN Powertools' Tracer and the X-Ray SDK are loaded
    assert "aws_xray_sdk" in imported(layout, TRACE_SUBSEGMENTS="true")


def test_the_function_package_ships_unchecked_hash_bytecode(layout: rie.FunctionLayout) -> None:
    # GIVEN the function package as handler/Makefile builds it
    compiled = list(Path(layout.task).rglob("*.cpython-313.pyc"))
    sources = list(Path(layout.task).rglob("*.py"))
    # THEN every module has its .pyc, written as unchecked-hash (flags word = 0b01 in the header)
    assert len(compiled) == len(sources) > 50
    for pyc in compiled:
        assert int.from_bytes(pyc.read_bytes()[4:8], "little") == 0b01, pyc


def test_a_shadow_challenger_under_the_emulator_changes_no_byte_of_the_answer(
    layout: rie.FunctionLayout, emulator: rie.Emulator, tmp_path: Path
) -> None:
    # GIVEN a second environment serving the same default bundle with a challenger in its
    #   shadow (a copy of the bundle, so the logs' scores can be checked against the answer)
    challenger = tmp_path / "challenger.zip"
    challenger.write_bytes((rie.ROOT / "bundles" / "snowleap-default.zip").read_bytes())
    event = load_event("score.json")
    event["body"] = (EVENTS / "sessions.json").read_text()
    env = {
        "SESSION_SALT": "rie-test",
        "MODEL_CACHE_DIR": str(tmp_path / "cache"),
        "CHALLENGER_URI": str(challenger),
        "CHALLENGER_MODE": "shadow",
    }
    with rie.Emulator(layout, env=env) as shadowed:
        shadow_answer = shadowed.invoke(event).response
        log = shadowed.log()

    # THEN its answer is byte for byte the champion-only environment's
    alone = emulator.invoke(event).response
    assert shadow_answer["statusCode"] == alone["statusCode"] == 200
    assert str(shadow_answer["body"]).encode() == str(alone["body"]).encode()
    # AND the challenger scored both sessions, said only in its log lines
    records = [json.loads(line[line.index("{") :]) for line in log.splitlines() if "{" in line]
    shadow = [r for r in records if r.get("message") == "session scored" and not r["served"]]
    assert len(shadow) == 2 and {r["variant"] for r in shadow} == {"challenger"}
    answered = {s["session"]: s["probability"] for s in body(alone)["sessions"]}  # type: ignore[index]
    assert {r["session"]: r["probability"] for r in shadow} == answered


def test_without_the_numpy_layer_every_route_answers_as_with_it(tmp_path: Path) -> None:
    # GIVEN two environments serving the airbnb model (scalars, dense and one-hot vectors), one
    #   with the numpy layer attached and one without it (NumpyLayer=false, the default)
    airbnb = rie.ROOT.parent / "shared" / "mleap-reference" / "airbnb.model.lr.zip"
    events = {
        path.name: json.loads(path.read_text())
        for path in sorted(EVENTS.glob("*.json"))
        if path.name not in REQUEST_BODIES
    }
    every_column = load_event("transform.json")
    every_column["queryStringParameters"] = every_column["multiValueQueryStringParameters"] = None
    events["transform.json, every column"] = every_column
    answers: dict[bool, dict[str, object]] = {}
    for numpy in (True, False):
        layout = rie.score_function(tmp_path / f"numpy-{numpy}", numpy=numpy)
        env = {"SESSION_SALT": "rie-test", "MODEL_CACHE_DIR": "", "MODEL_URI": str(airbnb)}
        with rie.Emulator(layout, env=env) as running:
            answers[numpy] = {name: running.invoke(e).response for name, e in events.items()}
        if not numpy:
            modules = imported(layout, MODEL_URI=str(airbnb))
    # WHEN each event is invoked in both
    # THEN the row routes answer 200 without numpy, each answer the same as with numpy's batch
    for name in ("transform.json", "transform_http_api.json", "invocations.json"):
        assert answers[False][name]["statusCode"] == 200, answers[False][name]  # type: ignore[index]
    assert answers[False] == answers[True]
    assert "numpy" not in modules
