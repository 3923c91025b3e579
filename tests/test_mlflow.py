"""The MLflow flavor: a bundle saved and logged as an MLflow model, loaded back as pyfunc, served by
``mlflow models serve`` on 127.0.0.1. Skipped without the ``mlflow`` extra; ``make test`` installs
it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

mlflow = pytest.importorskip("mlflow", reason="the mlflow extra is not installed")
pd = pytest.importorskip("pandas")

import snowleap  # noqa: E402
import snowleap.mlflow as snowleap_mlflow  # noqa: E402
from snowleap.serving import ScoringService, ServingSettings  # noqa: E402
from tests.conftest import SHARED, assert_close, expected_value  # noqa: E402

REFERENCE = SHARED / "mleap-reference"
BUNDLES = ["airbnb.model.lr", "airbnb.model.rf"]
SERVER_START_SECONDS = 180


def case(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((REFERENCE / f"{name}.expected.json").read_text())
    return loaded


def frame_of(name: str) -> Any:
    frame = case(name)["frame"]
    return pd.DataFrame(frame["rows"], columns=[f["name"] for f in frame["schema"]["fields"]])


def assert_prices(values: list[Any], name: str) -> None:
    expected = case(name)["expected"]["price_prediction"]
    assert len(values) == len(expected)
    for i, (got, want) in enumerate(zip(values, expected, strict=True)):
        assert_close(got, expected_value(want), f"{name} price_prediction row {i}")


@pytest.mark.parametrize("name", BUNDLES)
def test_a_saved_bundle_predicts_with_pyfunc_as_snowleap_scores_it(
    name: str, tmp_path: Path
) -> None:
    # GIVEN the bundle saved as an MLflow model
    bundle = REFERENCE / f"{name}.zip"
    snowleap_mlflow.save_model(bundle, tmp_path / "model")
    # WHEN MLflow loads it as pyfunc and it predicts a DataFrame of listings
    model = mlflow.pyfunc.load_model(str(tmp_path / "model"))
    frame = frame_of(name)
    predicted = model.predict(frame)
    # THEN every column the pipeline adds comes back, with snowleap's values (MLeap's prices)
    runtime = snowleap.load(bundle)
    assert list(predicted.columns) == list(runtime.output_schema)
    assert_prices(predicted["price_prediction"].tolist(), name)
    columns = {c: frame[c].tolist() for c in runtime.input_schema}
    batch = runtime.transform(columns)
    for column in runtime.output_schema:
        assert predicted[column].tolist() == batch[column].tolist(), column


def test_the_signature_comes_from_the_bundle_schema(tmp_path: Path) -> None:
    bundle = REFERENCE / "airbnb.model.lr.zip"
    snowleap_mlflow.save_model(bundle, tmp_path / "model", output_fields=["price_prediction"])
    info = mlflow.models.Model.load(str(tmp_path / "model" / "MLmodel"))
    runtime = snowleap.load(bundle)
    inputs = info.signature.inputs.to_dict()
    assert [(c["name"], c["type"]) for c in inputs] == [
        (name, str(ctype)) for name, ctype in runtime.input_schema.items()
    ]
    assert info.signature.outputs.to_dict() == [
        {"type": "double", "name": "price_prediction", "required": True}
    ]
    assert info.signature.params.to_dict() == [
        {"name": "fields", "default": ["price_prediction"], "shape": (-1,), "type": "string"}
    ]
    assert set(info.flavors) == {"python_function", "snowleap"}
    assert info.flavors["python_function"]["loader_module"] == "snowleap.mlflow"
    assert info.flavors["snowleap"]["output_fields"] == ["price_prediction"]
    requirements = (tmp_path / "model" / "requirements.txt").read_text().split()
    assert f"snowleap=={snowleap.__version__}" in requirements


def test_a_logged_model_loads_back_by_its_uri(tracking: Path) -> None:
    # GIVEN the bundle logged in a run
    with mlflow.start_run():
        info = snowleap_mlflow.log_model(
            REFERENCE / "airbnb.model.lr.zip", "price_model", output_fields=["price_prediction"]
        )
    # WHEN it is loaded by its URI THEN pyfunc predicts MLeap's prices
    predicted = mlflow.pyfunc.load_model(info.model_uri).predict(frame_of("airbnb.model.lr"))
    assert list(predicted.columns) == ["price_prediction"]
    assert_prices(predicted["price_prediction"].tolist(), "airbnb.model.lr")
    # AND the flavor's own loader gives back the snowleap model
    assert snowleap_mlflow.load_model(info.model_uri).info.name == "pipeline_ed5135e9ca49"


def test_params_pick_outputs_and_a_bad_row_fails_the_call_naming_it(tmp_path: Path) -> None:
    snowleap_mlflow.save_model(REFERENCE / "airbnb.model.lr.zip", tmp_path / "model")
    model = mlflow.pyfunc.load_model(str(tmp_path / "model"))
    frame = frame_of("airbnb.model.lr")
    picked = model.predict(frame, params={"fields": ["state", "features_lr"]})
    assert list(picked.columns) == ["state", "features_lr"]
    assert len(picked["features_lr"][0]) == 27
    frame.loc[3, "state"] = "Atlantis"
    with pytest.raises(mlflow.exceptions.MlflowException, match="row 3: column 'state'") as raised:
        model.predict(frame)
    assert "Atlantis" not in str(raised.value)


def test_output_fields_must_be_columns_of_the_pipeline(tmp_path: Path) -> None:
    with pytest.raises(snowleap.InputError, match="'price' is no column of the pipeline"):
        snowleap_mlflow.save_model(
            REFERENCE / "airbnb.model.lr.zip", tmp_path / "model", output_fields=["price"]
        )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mlflow_server(tmp_path: Path) -> Iterator[str]:
    """``mlflow models serve --env-manager local`` on a free port of 127.0.0.1, stopped after."""
    snowleap_mlflow.save_model(REFERENCE / "airbnb.model.lr.zip", tmp_path / "model")
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(Path(bin_dir) / "mlflow"), "models", "serve", "-m", str(tmp_path / "model"),
        "--env-manager", "local", "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    log = (tmp_path / "server.log").open("w")
    # NOTE: its own process group, so the uvicorn it execs is stopped with it
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not _answers(f"{url}/ping"):
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "mlflow models serve did not start"
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def post(url: str, document: Any) -> tuple[int, Any]:
    body = json.dumps(document).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_mlflow_models_serve_answers_invocations_as_the_lambda_route_does(
    mlflow_server: str,
) -> None:
    # GIVEN the listings in two of MLflow's request formats, and the Lambda service's own answer
    frame = case("airbnb.model.lr")["frame"]
    names = [f["name"] for f in frame["schema"]["fields"]]
    split = {"dataframe_split": {"columns": names, "data": frame["rows"]}}
    records = {"dataframe_records": [dict(zip(names, r, strict=True)) for r in frame["rows"]]}
    settings = ServingSettings(model_uri=str(REFERENCE / "airbnb.model.lr.zip"), cache_dir=None)
    service = ScoringService.create(settings, s3_client=lambda: None)
    ours = service.invocations(json.dumps(split).encode(), "application/json")
    for body in (split, records, {**split, "params": {"fields": ["price_prediction"]}}):
        # WHEN MLflow's server is asked over HTTP
        status, answer = post(f"{mlflow_server}/invocations", body)
        # THEN it answers snowleap's predictions, the same as POST /invocations of the function
        assert status == 200, answer
        fields = body.get("params", {}).get("fields")
        expected = [{k: r[k] for k in fields} for r in ours["predictions"]] if fields else None
        assert answer["predictions"] == (expected or ours["predictions"])
        assert_prices([r["price_prediction"] for r in answer["predictions"]], "airbnb.model.lr")
    # AND a row it cannot score is a 400 naming the row, as MLflow answers a failed prediction
    bad = json.loads(json.dumps(split))
    bad["dataframe_split"]["data"][2][0] = "Atlantis"
    status, answer = post(f"{mlflow_server}/invocations", bad)
    assert status == 400 and "row 2: column 'state'" in answer["message"]
