"""One error hierarchy: every exception snowleap defines derives from ``SnowleapError``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import snowleap
from snowleap.errors import BundleError, InputError, SnowleapError, UnknownOpError
from snowleap.ops.base import SkipRow
from snowleap.serving.errors import RequestError
from snowleap.snowplow.errors import EventError, PayloadError
from snowleap.spark.errors import ParityError

# NOTE: control-flow signals, never shown to a caller.
NOT_ERRORS = {SkipRow}


def defined_exceptions() -> list[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for module_info in pkgutil.walk_packages(snowleap.__path__, "snowleap."):
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__.startswith("snowleap."):
                found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_exception_of_the_project_is_a_snowleap_error() -> None:
    exceptions = defined_exceptions()
    assert {BundleError, InputError, PayloadError, RequestError, ParityError} <= set(exceptions)
    strays = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in exceptions
        if cls not in NOT_ERRORS and not issubclass(cls, SnowleapError)
    ]
    assert strays == []


@pytest.mark.parametrize("error", [InputError, PayloadError, EventError, RequestError])
def test_bad_data_and_bad_requests_are_not_bundle_errors(error: type[Exception]) -> None:
    # an `except BundleError` around a load must not swallow a caller's bad row or request
    assert issubclass(error, SnowleapError)
    assert not issubclass(error, BundleError)


def test_bundle_and_input_errors_stay_value_errors() -> None:
    # callers that wrote `except ValueError` around load / transform keep working
    assert issubclass(BundleError, ValueError) and issubclass(InputError, ValueError)
    assert issubclass(UnknownOpError, BundleError)
    assert snowleap.SnowleapError is SnowleapError
