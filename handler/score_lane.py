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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, Route

# NOTE: the pattern Powertools compiles for the rule "/score" ("^{}$": "/score\n" matches too).
_SCORE_PATH = re.compile("^/score$")
_JSON = content_types.APPLICATION_JSON
ScoreCall = Callable[[bytes, str | None], dict[str, Any]]
BodyReader = Callable[[Mapping[str, Any]], bytes]


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


class ScoreLane:
    """Answers ``POST /score`` events for one resolver (its routes, serializer, CORS, handlers)."""

    def __init__(self, resolver: ApiGatewayResolver, *, http_api: bool) -> None:
        self._resolver = resolver
        self._http_api = http_api
        self._route = _score_route(resolver)

    @property
    def usable(self) -> bool:
        """Whether the lane answers as the resolver would: not while it prints (debug mode)."""
        return not self._resolver._debug

    def answer(
        self, event: dict[str, Any], score: ScoreCall, read_body: BodyReader
    ) -> dict[str, Any]:
        """The resolver's response to ``event``, a ``POST /score``."""
        try:
            content_type = header(event.get("headers"), "content-type")
            document = score(read_body(event), content_type)
        except Exception as exc:
            handler = self._resolver.exception_handler_manager.lookup_exception_handler(type(exc))
            if handler is None:
                raise
            return self._built(event, handler(exc))
        if self._resolver._cors is not None:
            return self._built(event, Response(200, _JSON, document))
        body = self._resolver._serializer(document)
        if self._http_api:
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

    def _built(self, event: dict[str, Any], response: Response[Any]) -> dict[str, Any]:
        """``response`` as Powertools' response builder turns it into the integration's answer."""
        resolver = self._resolver
        builder = resolver._response_builder_class(
            response=response, serializer=resolver._serializer, route=self._route
        )
        answer: dict[str, Any] = builder.build(resolver._to_proxy_event(event), resolver._cors)
        return answer


_lanes: dict[tuple[int, bool], ScoreLane] = {}


def lane_of(resolver: ApiGatewayResolver, *, http_api: bool) -> ScoreLane:
    """The lane of ``resolver`` (made once; a test may swap the handler's resolvers)."""
    lane = _lanes.get((id(resolver), http_api))
    if lane is None or lane._resolver is not resolver:
        lane = _lanes[id(resolver), http_api] = ScoreLane(resolver, http_api=http_api)
    return lane


def _score_route(resolver: ApiGatewayResolver) -> Route:
    for route in resolver._static_routes:
        if route.method == "POST" and route.rule.match("/score"):
            return route
    raise LookupError("the resolver has no POST /score route")
