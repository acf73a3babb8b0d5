"""WebSocket entry point of live advice: connect, disconnect and one frame per action.

The advice domain (presence, routing, sessions, media) comes later; until then every action
answers with an error frame, so that clients see a clear reply rather than silence. Routes with a
route response (the CDK app sets one on every route but `$connect`/`$disconnect`) send the
returned `body` back to the caller.
"""

from __future__ import annotations

import json
from typing import Any

from functions.common.observability import logger

ACTIONS = frozenset({"presence", "request", "accept", "decline", "message", "media", "signal", "forward", "end"})
CONNECTION_ROUTES = frozenset({"$connect", "$disconnect"})


def error_frame(code: str, message: str, action: str | None) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "action": action}


def route(event: dict[str, Any]) -> dict[str, Any]:
    route_key = (event.get("requestContext") or {}).get("routeKey")
    if route_key in CONNECTION_ROUTES:
        return {"statusCode": 200}
    action = _action(event.get("body"))
    if action in ACTIONS:
        frame = error_frame("not_available", f"live advice cannot handle {action!r} yet", action)
    else:
        frame = error_frame("unknown_action", "send a JSON object with a known `action`", action)
    return {"statusCode": 200, "body": json.dumps(frame)}


def _action(body: Any) -> str | None:
    try:
        parsed = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        return None
    action = parsed.get("action") if isinstance(parsed, dict) else None
    return action if isinstance(action, str) else None


@logger().inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return route(event)
