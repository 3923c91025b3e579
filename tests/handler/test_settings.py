"""The function's settings from its environment, and the checks a bundle must pass to serve."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import snowleap
from demo_bundle import demo_bundle
from snowleap.errors import BundleError
from snowleap.serving import ChallengerSettings, ServingSettings, check_model_fits
from snowleap.serving.errors import ConfigurationError
from snowleap.serving.request_body import media_type
from snowleap.serving.source import FileModelSource, open_model_source


def test_settings_default_when_the_environment_says_nothing() -> None:
    settings = ServingSettings.from_environment({}, default_model_uri="embedded.zip")
    assert settings == ServingSettings(model_uri="embedded.zip")
    assert settings.cache_dir == Path("/tmp/snowleap-models")


def test_settings_are_read_from_the_environment() -> None:
    environ = {
        "MODEL_URI": "s3://b/k.zip",
        "MODEL_REFRESH_SECONDS": "5",
        "SCORE_THRESHOLD": "0.7",
        "MAX_BODY_BYTES": "2048",
        "SESSION_SALT": "pepper",
        "MODEL_CACHE_DIR": "",
        "MODEL_KIND": "session",
    }
    settings = ServingSettings.from_environment(environ, default_model_uri="embedded.zip")
    assert settings == ServingSettings("s3://b/k.zip", 5.0, 0.7, 2048, "pepper", None, "session")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SCORE_THRESHOLD", "high", "SCORE_THRESHOLD='high': expected a number"),
        ("SCORE_THRESHOLD", "1.5", "must be between 0 and 1"),
        ("MAX_BODY_BYTES", "0", "MAX_BODY_BYTES must be > 0"),
        ("MODEL_REFRESH_SECONDS", "-1", "MODEL_REFRESH_SECONDS must be >= 0"),
        ("MODEL_KIND", "any", "MODEL_KIND='any': expected one of auto, session"),
    ],
)
def test_malformed_settings_fail_naming_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ServingSettings.from_environment({name: value}, default_model_uri="m.zip")


@pytest.mark.parametrize(
    ("uri", "message"),
    [("s3://bucket-only", "expected s3://bucket/key"), ("https://x/y.zip", "only s3://")],
)
def test_unsupported_model_uris_are_refused(uri: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_model_source(uri, lambda: None)


def test_a_local_path_is_a_file_source() -> None:
    assert isinstance(open_model_source("bundles/x.zip", lambda: None), FileModelSource)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", "application/json"),
        ("Application/JSON; charset=utf-8", "application/json"),
        ("text/tab-separated-values;charset=UTF-8", "text/tab-separated-values"),
        ("", None),
        (None, None),
    ],
)
def test_media_type_ignores_case_and_parameters(header: str | None, expected: str | None) -> None:
    assert media_type(header) == expected


def test_the_demo_bundle_fits_the_session_features() -> None:
    check_model_fits(snowleap.load(demo_bundle()))


def test_a_model_reading_a_column_that_is_no_session_feature_is_refused(tmp_path: Path) -> None:
    # GIVEN the demo bundle with one assembler input renamed to a column no session has
    source = zipfile.ZipFile(io.BytesIO(demo_bundle()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as renamed:
        for name in source.namelist():
            data = source.read(name).replace(b'"n_page_views"', b'"page_views_total"')
            renamed.writestr(name, data)
    bundle = buffer.getvalue()
    # WHEN it is checked THEN the message names the column
    with pytest.raises(BundleError, match="input 'page_views_total' is not a session feature"):
        check_model_fits(snowleap.load(bundle))


def test_challenger_settings_are_read_from_the_environment() -> None:
    environ = {"CHALLENGER_URI": "s3://b/c.zip", "CHALLENGER_PERCENT": "12.5"}
    settings = ServingSettings.from_environment(environ, default_model_uri="m.zip")
    assert settings.challenger == ChallengerSettings("s3://b/c.zip", 12.5, "split")
    shadow = {**environ, "CHALLENGER_MODE": "shadow"}
    assert ChallengerSettings.from_environment(shadow) == ChallengerSettings(
        "s3://b/c.zip", 12.5, "shadow"
    )
    # NOTE: no CHALLENGER_URI, no challenger, whatever the other settings say
    assert ChallengerSettings.from_environment({"CHALLENGER_PERCENT": "10"}) is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CHALLENGER_PERCENT": "120"}, "CHALLENGER_PERCENT=120.0: must be between 0 and 100"),
        ({"CHALLENGER_PERCENT": "ten"}, "CHALLENGER_PERCENT='ten': expected a number"),
        ({"CHALLENGER_MODE": "canary"}, "CHALLENGER_MODE='canary': expected one of split, shadow"),
    ],
)
def test_bad_challenger_settings_say_which_and_why(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        ChallengerSettings.from_environment({"CHALLENGER_URI": "c.zip", **environ})
    assert str(error.value) == message
