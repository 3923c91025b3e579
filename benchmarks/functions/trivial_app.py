"""The floor of a cold start: a handler that does nothing, run the same way as snowleap's."""

from __future__ import annotations

from typing import Any


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": "{}"}
