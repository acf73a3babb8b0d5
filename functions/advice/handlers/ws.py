"""WebSocket entry point of live advice: `$connect`, `$disconnect` and one route per action.

The caller comes from the `$connect` authorizer (on AWS the Lambda REQUEST authorizer's context:
`sub`, `username`, `groups`; locally the gateway's verified claims). Frames are validated here
and handled by the LiveService, which answers through `post_to_connection`; the route returns
no body, so that nothing is sent twice.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from functions.advice.handlers.dependencies import live_service
from functions.advice.logic.live import Caller
from functions.advice.models.frames import ACTIONS, CLIENT_FRAME
from functions.common.json_text import loads_bounded
from functions.common.observability import logger

__all__ = ["ACTIONS", "handler", "route"]


def caller_of(request_context: dict[str, Any]) -> Caller | None:
    authorizer = request_context.get("authorizer") or {}
    user_id = authorizer.get("sub") or authorizer.get("principalId")
    if not user_id:
        return None
    username = authorizer.get("username") or authorizer.get("cognito:username")
    return Caller(user_id=str(user_id), username=username or None, connection_id=request_context["connectionId"])


def route(event: dict[str, Any]) -> dict[str, Any]:
    context = event.get("requestContext") or {}
    caller = caller_of(context)
    if caller is None:
        return {"statusCode": 401}
    service = live_service()
    route_key = context.get("routeKey")
    if route_key == "$connect":
        service.connect(caller)
        return {"statusCode": 200}
    if route_key == "$disconnect":
        service.disconnect(caller)
        return {"statusCode": 200}
    body = event.get("body")
    try:
        frame = CLIENT_FRAME.validate_json(body if isinstance(body, str) else "")
    except ValidationError as exc:
        action = _action(body)
        if action in ACTIONS:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            service.refuse(caller, "invalid_frame", problems, action)
        else:
            service.refuse(caller, "unknown_action", "send a JSON object with a known `action`", action)
        return {"statusCode": 200}
    service.handle(caller, frame)
    return {"statusCode": 200}


def _action(body: Any) -> str | None:
    try:
        parsed = loads_bounded(body) if isinstance(body, str) else None
    except ValueError:
        return None
    action = parsed.get("action") if isinstance(parsed, dict) else None
    return action if isinstance(action, str) else None


@logger().inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return route(event)
