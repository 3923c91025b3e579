"""Powertools' resolvers, the routes and their exception handlers (see ``app.py``).

Imported at the first event the ``POST /score`` lane does not answer alone (another route, an
error answer, a malformed route), or at init when CORS, subsegment tracing or Powertools' debug
mode make the resolvers needed for every request: Powertools' ``event_handler`` is a tenth of
the handler's own imports, and a function that only scores never needs it
(``score_lane.py``). The routes read the service and the helpers of the ``app`` module when
called, so a test that swaps ``app.service`` is served by the new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import (
    APIGatewayHttpResolver,
    APIGatewayRestResolver,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.exceptions import ServiceError

import app as handler
from snowleap.serving import ModelUnavailableError, RequestError
from telemetry import logger

# NOTE: Lambda's limit on a synchronous response (6 MiB), less room for the status and headers.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 - 16 * 1024

Function = TypeVar("Function", bound=Callable[..., Any])

router = Router()
app = APIGatewayRestResolver(cors=handler.cors_config(os.environ))
http_app = APIGatewayHttpResolver(cors=handler.cors_config(os.environ))


def error_response(status: int, message: str) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": HTTPStatus(status).phrase, "message": message}),
    )


@router.exception_handler(RequestError)
def bad_request(error: RequestError) -> Response[str]:
    logger.info("bad request", extra={"status": error.status, "reason": error.message})
    return error_response(error.status, error.message)


@router.exception_handler(ModelUnavailableError)
def model_unavailable(error: ModelUnavailableError) -> Response[str]:
    return error_response(503, f"{error}; retry shortly")


@router.exception_handler(Exception)
def internal_error(error: Exception) -> Response[str]:
    if isinstance(error, ServiceError):
        # NOTE: Powertools' own HTTP errors (404 for an unknown route) pass through as they are.
        return error_response(error.status_code, str(error.msg))
    # NOTE: the message of an unexpected error is logged, not sent: it may say too much.
    logger.exception("unexpected error")
    return error_response(500, "internal error; see the function's logs")


def traced(function: Function) -> Function:
    """A subsegment around ``function`` when subsegments are traced.

    NOTE: responses are left out of the traces (capture_response=False): X-Ray metadata is no
    place for every session's score, and large bodies would be truncated anyway.
    """
    if handler.tracer is None:
        return function
    wrapped: Function = handler.tracer.capture_method(capture_response=False)(function)
    return wrapped


@router.post("/score")
@traced
def score() -> dict[str, Any]:
    event = router.current_event
    body = handler.request_body(event.raw_event)
    return handler.service.score(body, event.headers.get("content-type"))


@router.post("/transform")
@traced
def transform() -> Response[str]:
    event = router.current_event
    body = handler.request_body(event.raw_event)
    fields = handler.query_value(event.raw_event, "fields")
    content_type = event.headers.get("content-type")
    return json_response(handler.service.transform(body, content_type, fields))


@router.post("/invocations")
@traced
def invocations() -> Response[str]:
    event = router.current_event
    content_type = event.headers.get("content-type")
    body = handler.request_body(event.raw_event)
    return json_response(handler.service.invocations(body, content_type))


@router.get("/model")
@traced
def model() -> dict[str, Any]:
    return handler.service.model_metadata()


@router.get("/health")
def health() -> dict[str, Any]:
    return handler.service.health()


app.include_router(router)
http_app.include_router(router)


def json_response(document: Mapping[str, Any]) -> Response[str]:
    """A 200 holding ``document``, or a 413 when it would not fit in a Lambda response."""
    text = json.dumps(document, separators=(",", ":"))
    # NOTE: the body travels JSON-escaped inside the function's response, whose size Lambda
    # limits; a frame with every column of a large request can be ten times the request.
    size = len(json.dumps(text))
    if size > MAX_RESPONSE_BYTES:
        raise RequestError(
            413,
            f"the answer would be {size} bytes, more than the {MAX_RESPONSE_BYTES} a Lambda "
            "response can hold: pick fewer output columns (fields) or send fewer rows",
        )
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=text)
