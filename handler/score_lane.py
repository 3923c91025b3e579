"""The fast lane of ``POST /score``: the resolver's answer, without the resolver's walk to it.

Why it exists: a warm ``POST /score`` spent about a fifth of its time in Powertools'
``APIGatewayRestResolver`` around the route (the proxy event's wrappers, route matching, the
middleware stack, the context, the response builder), more than the service spends scoring the
session. ``POST /score`` is the function's hot route; every other route stays with the resolver.

What the lane answers is what the resolver answers, field for field (the equivalence tests in
``tests/handler/test_score_lane.py`` run every ready event and error, hostile, CORS and HTTP API
variants through both):

* the route is recognized as the resolver matches it (method upper-cased, the path of the payload
  format, HTTP APIs' stage stripped as Powertools strips it, the route's ``^/score$`` pattern);
* a 200 without CORS is the document serialized by the resolver's own serializer under the
  payload format's headers; any other answer (an error through the same exception handlers, or
  CORS headers for an allowed origin) is built by Powertools' own ``ResponseBuilder``;
* events the lane cannot read exactly as the resolver does, subsegment tracing (the route's
  subsegment) and Powertools' debug mode go to the resolver.

The lane also keeps Powertools' ``event_handler`` (about 15 ms of a cold start, a tenth of the
handler's own imports) out of a function that only scores: the resolvers (``routes.py``) are made
at the first event the lane does not answer alone, or at init when CORS, tracing or debug mode
need them for every request. Until then a 200 is serialized as Powertools' default serializer
writes it, and an error answer makes the resolvers first, for their exception handlers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import Response
    from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Route

# NOTE: the pattern Powertools compiles for the rule "/score" ("^{}$": "/score\n" matches too).
_SCORE_PATH = re.compile("^/score$")
_JSON = "application/json"
ScoreCall = Callable[[bytes, str | None], dict[str, Any]]
BodyReader = Callable[[Mapping[str, Any]], bytes]
# NOTE: Powertools' default serializer is json.dumps with these separators and its Encoder,
#   whose own types (Decimal, dataclasses, pydantic) fail the plain encoder with a TypeError.
_plain_encode = json.JSONEncoder(separators=(",", ":")).encode


def is_score_request(event: Mapping[str, Any], *, http_api: bool) -> bool:
    """Whether the resolver of the event's payload format would route it to ``POST /score``."""
    if http_api:
        context = event["requestContext"]
        http, stage, raw_path = context.get("http"), context.get("stage"), event.get("rawPath")
        if not (isinstance(stage, str) and isinstance(raw_path, str)):
            return False
        method = http["method"]
        # NOTE: APIGatewayProxyEventV2.path: the stage's length is cut, whatever the path says.
        path = raw_path if stage == "$default" else raw_path[len("/" + stage) :]
    else:
        method, path = event["httpMethod"], event["path"]
    return method.upper() == "POST" and _SCORE_PATH.match(path) is not None


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A request header as Powertools' ``CaseInsensitiveDict`` reads it (the last of the names
    differing only in case); ``name`` lower-case."""
    value = None
    for key, item in (headers or {}).items():
        if key.lower() == name:
            value = item
    return value


def usable(resolver: ApiGatewayResolver | None) -> bool:
    """Whether the lane answers as ``resolver`` would (``None``: the resolvers the handler makes
    without CORS or debug mode, not made yet): not while it prints (debug mode)."""
    return resolver is None or not resolver._debug


def answer(
    event: dict[str, Any],
    *,
    http_api: bool,
    score: ScoreCall,
    read_body: BodyReader,
    resolver: ApiGatewayResolver | None,
    load_resolver: Callable[[], ApiGatewayResolver | None],
) -> dict[str, Any]:
    """The resolver's response to ``event``, a ``POST /score``; ``load_resolver`` makes the
    resolver when an error answer needs its exception handlers."""
    try:
        content_type = header(event.get("headers"), "content-type")
        document = score(read_body(event), content_type)
    except Exception as exc:
        chosen = resolver or load_resolver()
        assert chosen is not None
        handler = chosen.exception_handler_manager.lookup_exception_handler(type(exc))
        if handler is None:
            raise
        return _built(chosen, event, handler(exc))
    if resolver is not None and resolver._cors is not None:
        from aws_lambda_powertools.event_handler import Response

        return _built(resolver, event, Response(200, _JSON, document))
    body = _serialized(document) if resolver is None else resolver._serializer(document)
    if http_api:
        return {
            "statusCode": 200,
            "body": body,
            "isBase64Encoded": False,
            "headers": {"Content-Type": _JSON},
            "cookies": [],
        }
    return {
        "statusCode": 200,
        "body": body,
        "isBase64Encoded": False,
        "multiValueHeaders": {"Content-Type": [_JSON]},
    }


def _serialized(document: Any) -> str:
    """``document`` as Powertools' default serializer writes it."""
    try:
        return _plain_encode(document)
    except TypeError:
        from aws_lambda_powertools.shared.json_encoder import Encoder

        return json.dumps(document, separators=(",", ":"), cls=Encoder)


def _built(
    resolver: ApiGatewayResolver, event: dict[str, Any], response: Response[Any]
) -> dict[str, Any]:
    """``response`` as Powertools' response builder turns it into the integration's answer."""
    builder = resolver._response_builder_class(
        response=response, serializer=resolver._serializer, route=_score_route(resolver)
    )
    built: dict[str, Any] = builder.build(resolver._to_proxy_event(event), resolver._cors)
    return built


def _score_route(resolver: ApiGatewayResolver) -> Route:
    for route in resolver._static_routes:
        if route.method == "POST" and route.rule.match("/score"):
            return route
    raise LookupError("the resolver has no POST /score route")
