"""Probe WebSocket function: accepts signed-in connections, echoes `echo` frames via @connections."""

from __future__ import annotations

import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["requestContext"]
    route = request["routeKey"]
    if route in ("$connect", "$disconnect"):
        return {"statusCode": 200}
    from functions.common.aws import client
    from functions.common.settings import WebSocketSettings, load_settings

    endpoint = load_settings(WebSocketSettings).websocket_endpoint
    management = client("apigatewaymanagementapi", endpoint)
    frame = {
        "type": "echo" if route == "echo" else "default",
        "route": route,
        "body": event.get("body"),
        "user": request.get("authorizer", {}).get("sub"),
        "connection": management.get_connection(ConnectionId=request["connectionId"])["Identity"],
    }
    management.post_to_connection(ConnectionId=request["connectionId"], Data=json.dumps(frame).encode())
    return {"statusCode": 200}
