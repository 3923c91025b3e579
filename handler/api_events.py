"""What an API Gateway event must look like before Powertools routes it, checked in one place.

API Gateway itself never sends a malformed event, but anything allowed to invoke the function can
(a test console, a misconfigured integration, an attacker with ``lambda:InvokeFunction``), and
Powertools assumes the documented shapes: ``headers`` as a list or ``path: null`` fail deep inside
it. ``event_problem`` names the first field that is not what the payload format documents, so the
handler answers 400 saying so; the message names API Gateway's own field names, never a value.

REST APIs send payload format 1.0, HTTP APIs 2.0 (1.0 too when configured so):
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# field -> what it must be; None is allowed wherever API Gateway sends null for "none"
_TEXT_MAPS: Final[tuple[str, ...]] = (
    "headers",
    "queryStringParameters",
    "pathParameters",
    "stageVariables",
)
_LIST_MAPS: Final[tuple[str, ...]] = ("multiValueHeaders", "multiValueQueryStringParameters")


def is_http_api(event: Mapping[str, Any]) -> bool:
    """Payload format 2.0 (an HTTP API)."""
    return event.get("version") == "2.0"


def is_rest_api(event: Mapping[str, Any]) -> bool:
    """Payload format 1.0 (a REST API, or an HTTP API configured for 1.0)."""
    return "httpMethod" in event or event.get("version") == "1.0"


def event_problem(event: Mapping[str, Any]) -> str | None:
    """Why ``event`` is not a well-formed API Gateway event of its payload format, or ``None``."""
    common = _common_problem(event)
    if common is not None:
        return common
    if is_http_api(event):
        return _http_api_problem(event)
    return _rest_api_problem(event)


def _common_problem(event: Mapping[str, Any]) -> str | None:
    for name in _TEXT_MAPS:
        if not _optional_map(event.get(name), str):
            return f"'{name}' must be an object of strings or null"
    body = event.get("body")
    if body is not None and not isinstance(body, str):
        return "'body' must be a string or null"
    encoded = event.get("isBase64Encoded")
    if encoded is not None and not isinstance(encoded, bool):
        return "'isBase64Encoded' must be true or false"
    if not isinstance(event.get("requestContext"), Mapping):
        return "'requestContext' must be an object"
    return None


def _rest_api_problem(event: Mapping[str, Any]) -> str | None:
    for name in _LIST_MAPS:
        if not _optional_map(event.get(name), list):
            return f"'{name}' must be an object of lists of strings or null"
    for name in ("httpMethod", "path"):
        if not _text(event.get(name)):
            return f"'{name}' must be a non-empty string"
    return None


def _http_api_problem(event: Mapping[str, Any]) -> str | None:
    http = event["requestContext"].get("http")
    if not isinstance(http, Mapping):
        return "'requestContext.http' must be an object"
    for name in ("method", "path"):
        if not _text(http.get(name)):
            return f"'requestContext.http.{name}' must be a non-empty string"
    for name in ("rawPath", "rawQueryString"):
        value = event.get(name)
        if value is not None and not isinstance(value, str):
            return f"'{name}' must be a string"
    cookies = event.get("cookies")
    if cookies is not None and not (
        isinstance(cookies, list) and all(isinstance(c, str) for c in cookies)
    ):
        return "'cookies' must be a list of strings"
    return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _optional_map(value: Any, item_type: type) -> bool:
    """``None``, or an object whose keys are strings and values of ``item_type`` (a list's items
    strings too)."""
    if value is None:
        return True
    if not isinstance(value, Mapping):
        return False
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, item_type):
            return False
        if isinstance(item, list) and not all(isinstance(part, str) for part in item):
            return False
    return True
