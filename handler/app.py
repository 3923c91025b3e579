"""AWS Lambda entry point: Powertools adapter from API Gateway events to ``ScoringService``.

Routes (one set, served for both API Gateway payload formats): ``POST /score`` (Snowplow
events, for a session model), ``POST /transform`` (MLeap LeapFrame JSON) and ``POST /invocations``
(MLflow's scoring-server JSON) for any model, ``GET /model``, ``GET /health``. An EventBridge
scheduled event or ``{"warmup": true}`` loads or refreshes the model and returns at once.
Everything the function does lives in ``snowleap.serving``.

``POST /score`` is answered by a lane of its own, as Powertools' resolver answers it but without
its walk to the route (``score_lane.py``); the resolvers, the routes and their exception handlers
are in ``routes.py``, imported only when an event needs them (read here as ``app.router``,
``app.app`` and ``app.http_app``).

Tracing: with the template's ``Tracing: Active`` Lambda itself records each invocation's segment
in X-Ray, no SDK needed. The X-Ray SDK (which Powertools' ``Tracer`` imports, and botocore with
it: about 40% of a cold start) is loaded only when ``TRACE_SUBSEGMENTS=true`` asks for
subsegments (the handler's and each route's, responses left out); it ships in a layer of its own,
attached by the same template parameter.

SnapStart (template parameter ``SnapStart``): the model is loaded before the snapshot, and after a
restore the service draws a salt of its own, reseeds ``random``, opens a new S3 client and checks
for a newer model (``ScoringService.restored``); the runtime calls the hooks registered here with
``snapshot_restore_py``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import importlib.util
import json
import os
from collections.abc import Callable, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.shared.functions import powertools_dev_is_set

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer
    from aws_lambda_powertools.event_handler import CORSConfig
    from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
    from aws_lambda_powertools.utilities.typing import LambdaContext

import score_lane
from api_events import event_problem, is_http_api, is_rest_api
from snowleap.serving import ConfigurationError, RequestError, ScoringService, ServingSettings
from telemetry import (
    PowertoolsObserver,
    correlation_id,
    count_server_error,
    logger,
    publish_metrics,
)

Function = TypeVar("Function", bound=Callable[..., Any])


def subsegment_tracer(environ: Mapping[str, str]) -> Tracer | None:
    """Powertools' ``Tracer`` if ``TRACE_SUBSEGMENTS`` is ``true``, else ``None`` (no X-Ray SDK)."""
    if environ.get("TRACE_SUBSEGMENTS", "").strip().lower() != "true":
        return None
    if importlib.util.find_spec("aws_xray_sdk") is None:
        # NOTE: the template attaches the tracing layer with the same parameter; a hand-made
        # deployment may not.
        raise ConfigurationError(
            "TRACE_SUBSEGMENTS=true needs the X-Ray SDK: attach the tracing layer "
            "(template parameter TraceSubsegments=true)"
        )
    from aws_lambda_powertools import Tracer

    return Tracer()


def cors_origins(environ: Mapping[str, str]) -> list[str]:
    """The origins ``CORS_ALLOW_ORIGINS`` lists (comma-separated)."""
    return [o.strip() for o in environ.get("CORS_ALLOW_ORIGINS", "").split(",") if o.strip()]


def cors_config(environ: Mapping[str, str]) -> CORSConfig | None:
    """Powertools' CORS for the origins ``CORS_ALLOW_ORIGINS`` lists: a response carries
    ``Access-Control-Allow-Origin`` only for a listed origin, and preflight requests
    (``OPTIONS``) are answered; ``None`` (no CORS headers) when it lists none."""
    origins = cors_origins(environ)
    if not origins:
        return None
    from aws_lambda_powertools.event_handler import CORSConfig

    return CORSConfig(
        allow_origin=origins[0],
        extra_origins=origins[1:],
        allow_headers=["Content-Type", "X-Api-Key", "X-Amz-Date", "X-Amz-Security-Token"],
        max_age=600,
    )


tracer = subsegment_tracer(os.environ)


def default_model_uri() -> str:
    """The embedded bundle: beside this file when deployed, in the repository's ``bundles/``."""
    here = Path(__file__).resolve().parent
    for folder in (here / "bundles", here.parent / "bundles"):
        candidate = folder / "snowleap-default.zip"
        if candidate.is_file():
            return str(candidate)
    return str(here / "bundles" / "snowleap-default.zip")


def session_salt(environ: Mapping[str, str]) -> str:
    """The session salt: the SSM parameter ``SESSION_SALT_PARAMETER`` names (a SecureString,
    decrypted), read through Powertools Parameters and cached for
    ``SESSION_SALT_MAX_AGE_SECONDS`` (300); else ``SESSION_SALT`` (local runs); else empty."""
    name = environ.get("SESSION_SALT_PARAMETER", "").strip()
    if not name:
        return environ.get("SESSION_SALT", "")
    # NOTE: imported only when used: Powertools Parameters loads boto3.
    from aws_lambda_powertools.utilities import parameters

    max_age = int(environ.get("SESSION_SALT_MAX_AGE_SECONDS") or 300)
    try:
        value = parameters.get_parameter(name, decrypt=True, max_age=max_age)
    except parameters.exceptions.GetParameterError as exc:
        # NOTE: no salt, no start: a random one would silently change every session key.
        raise ConfigurationError(
            f"SESSION_SALT_PARAMETER={name!r}: the parameter could not be read ({exc})"
        ) from None
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"SESSION_SALT_PARAMETER={name!r}: the parameter is empty")
    return value


def create_service(environ: Mapping[str, str]) -> ScoringService:
    """The service for this execution environment; the model itself loads on first use."""
    settings = ServingSettings.from_environment(environ, default_model_uri=default_model_uri())
    settings = dataclasses.replace(settings, session_salt=session_salt(environ))
    if not settings.session_salt:
        logger.warning(
            "neither SESSION_SALT_PARAMETER nor SESSION_SALT is set: session keys differ "
            "between environments"
        )
    return ScoringService.create(settings, s3_client=s3_client, observer=PowertoolsObserver())


def s3_client() -> Any:
    """boto3's S3 client (from the Lambda runtime), its timeouts and attempts fitted inside the
    function's timeout (``S3ClientSettings``); imported only for an ``s3://`` MODEL_URI."""
    import boto3

    from snowleap.serving.s3_source import client_config
    from snowleap.serving.settings import S3ClientSettings

    config = client_config(S3ClientSettings.from_environment(os.environ))
    return boto3.client("s3", config=config)


service = create_service(os.environ)


def before_snapshot() -> None:
    """SnapStart hook: the model goes into the snapshot."""
    answer = service.prepare_snapshot()
    logger.info("snapshot prepared", extra={"refresh": answer["refresh"]})


def after_restore() -> None:
    """SnapStart hook: nothing the init drew is reused (``ScoringService.restored``)."""
    result = service.restored()
    logger.info("restored from a snapshot", extra={"refresh": result.outcome.value})


try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ImportError:  # pragma: no cover - the python3.12+ Lambda runtimes ship it
    # NOTE: outside Lambda (make invoke, make serve) there is no snapshot to take or restore.
    pass
else:
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)


def traced_handler(function: Function) -> Function:
    if tracer is None:
        return function
    wrapped: Function = tracer.capture_lambda_handler(capture_response=False)(function)
    return wrapped


def request_body(event: Mapping[str, Any]) -> bytes:
    """The raw request body bytes; API Gateway base64-encodes bodies it considers binary."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise RequestError(
                400, "request body is marked base64 but is not valid base64"
            ) from None
    return str(body).encode("utf-8")


def query_value(event: Mapping[str, Any], name: str) -> str | None:
    """A query parameter, repeated ones joined by commas (as HTTP APIs deliver them)."""
    repeated = (event.get("multiValueQueryStringParameters") or {}).get(name)
    if repeated:
        return ",".join(str(value) for value in repeated)
    value = (event.get("queryStringParameters") or {}).get(name)
    return None if value is None else str(value)


def is_warmup(event: Mapping[str, Any]) -> bool:
    """An EventBridge scheduled event, or a plain ``{"warmup": true}``."""
    scheduled = (
        event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"
    )
    return scheduled or event.get("warmup") is True


@logger.inject_lambda_context
@traced_handler
@publish_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    logger.set_correlation_id(correlation_id(event))
    try:
        return count_server_error(dispatch(event, context))
    except Exception:
        # NOTE: the last line of defence. Route errors are answered by the exception handlers
        # above; this catches what fails outside them (a warm-up, an API event too malformed to
        # route), so nothing raises out of the handler.
        logger.exception("unhandled error")
        return count_server_error(api_response(500, "internal error"))


def api_response(status: int, message: str) -> dict[str, Any]:
    """An answer in API Gateway's proxy format, for an event no resolver can route."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"error": HTTPStatus(status).phrase, "message": message}),
        "isBase64Encoded": False,
    }


def dispatch(event: Any, context: LambdaContext) -> dict[str, Any]:
    """Warm-up pings to the service, API events to the resolver of their payload version."""
    if not isinstance(event, dict):
        logger.warning("event is not a JSON object")
        return {"error": "unsupported event: expected a JSON object"}
    if is_warmup(event):
        return service.warm_up()
    if is_http_api(event) or is_rest_api(event):
        problem = event_problem(event)
        if problem is not None:
            logger.info("malformed API event", extra={"status": 400, "reason": problem})
            return api_response(400, f"malformed API Gateway event: {problem}")
        http_api = is_http_api(event)
        # NOTE: POST /score skips the resolver's walk to the route (score_lane.py: why, how).
        if tracer is None and score_lane.is_score_request(event, http_api=http_api):
            resolver = resolver_of(http_api, load=False)
            if score_lane.usable(resolver):
                return score_lane.answer(
                    event,
                    http_api=http_api,
                    score=service.score,
                    read_body=request_body,
                    resolver=resolver,
                    load_resolver=lambda: resolver_of(http_api, load=True),
                )
        loaded = resolver_of(http_api, load=True)
        assert loaded is not None
        return loaded.resolve(event, context)
    logger.warning("unsupported event", extra={"event_keys": sorted(event)[:20]})
    return {
        "error": "unsupported event: expected an API Gateway REST or HTTP API event, an "
        'EventBridge scheduled event, or {"warmup": true}'
    }


# NOTE: what routes.py defines, read through this module as before it moved there.
_ROUTE_NAMES = ("router", "app", "http_app")


def load_routes() -> None:
    """Import routes.py (Powertools' resolvers and the routes); its objects become this module's
    ``router``, ``app`` and ``http_app`` (unless set already: a test may have swapped one)."""
    import routes

    for name in _ROUTE_NAMES:
        globals().setdefault(name, getattr(routes, name))


def __getattr__(name: str) -> Any:
    if name in _ROUTE_NAMES:
        load_routes()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def resolver_of(http_api: bool, *, load: bool) -> ApiGatewayResolver | None:
    """The resolver of a payload format; ``None`` while routes.py is not imported, unless
    ``load``."""
    name = "http_app" if http_api else "app"
    resolver: ApiGatewayResolver | None = globals().get(name)
    if resolver is None and load:
        load_routes()
        resolver = globals()[name]
    return resolver


if tracer is not None or cors_origins(os.environ) or powertools_dev_is_set():
    # NOTE: every request needs the resolvers then (score_lane.py), so they load in the init.
    load_routes()
