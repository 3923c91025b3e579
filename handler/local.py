"""Run the Lambda handler on this machine, without Docker.

``python handler/local.py invoke events/score.json`` invokes it once with an event file and prints
the response; ``python handler/local.py serve --port 3000`` serves HTTP on 127.0.0.1, turning
each request into an API Gateway REST (payload 1.0) event and each response back.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class LocalLambdaContext:
    """What the Lambda runtime passes as ``context``, as far as Powertools reads it."""

    function_name: str = "snowleap-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:snowleap-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/snowleap-local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


# NOTE: what template.yaml's Globals set in Lambda.
LOCAL_DEFAULTS = {
    "POWERTOOLS_SERVICE_NAME": "snowleap",
    "POWERTOOLS_METRICS_NAMESPACE": "snowleap",
}
# NOTE: Lambda runs one invocation at a time per execution environment, and Powertools' resolver
# keeps the current event in shared state: concurrent HTTP requests take turns here too.
_invocation = threading.Lock()


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    # NOTE: imported on first use, so main() can set the local defaults of Powertools' settings
    # (the SAM template sets them in Lambda) before the handler module reads them.
    import app

    with _invocation:
        response: dict[str, Any] = app.lambda_handler(event, LocalLambdaContext())
        return response


def rest_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """The API Gateway REST event for one HTTP request."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query)) or None
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    request_id = str(uuid.uuid4())
    return {
        "resource": parts.path,
        "path": parts.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": parts.path,
            "httpMethod": method,
            "path": parts.path,
            "stage": "local",
            "requestId": request_id,
            "identity": {"sourceIp": source_ip},
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class ApiGatewayBridge(BaseHTTPRequestHandler):
    """HTTP request -> API Gateway event -> handler -> HTTP response."""

    server_version = "snowleap-local"
    # NOTE: in-process by default; handler/rie.py serves the same bridge over the emulator.
    invoke_event = staticmethod(invoke)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name: value for name, value in self.headers.items()}
        event = rest_event(self.command, self.path, headers, body, self.client_address[0])
        response = self.invoke_event(event)
        status = int(response.get("statusCode", 502))
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
        self.send_response(status)
        for name, value in (response.get("headers") or {}).items():
            self.send_header(name, str(value))
        for name, values in (response.get("multiValueHeaders") or {}).items():
            for value in values:
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        # NOTE: the handler logs each request itself (JSON, no personal data); the default
        # access log would add the client's address.
        return


def serve(host: str, port: int, bridge: type[ApiGatewayBridge] = ApiGatewayBridge) -> None:
    server = ThreadingHTTPServer((host, port), bridge)
    print(f"snowleap local API on http://{host}:{server.server_port} (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    invoke_cmd = commands.add_parser("invoke", help="invoke the handler with an event file")
    invoke_cmd.add_argument("event", type=Path)
    serve_cmd = commands.add_parser("serve", help="serve the API over HTTP")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=3000)
    args = parser.parse_args(argv)
    for name, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if args.command == "invoke":
        response = invoke(json.loads(args.event.read_text()))
        if isinstance(response.get("body"), str) and not response.get("isBase64Encoded"):
            with contextlib.suppress(json.JSONDecodeError):
                response["body"] = json.loads(response["body"])
        print(json.dumps(response, indent=2))
        return 0
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
