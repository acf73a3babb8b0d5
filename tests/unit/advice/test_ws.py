"""The advice WebSocket handler: connections are accepted, every other frame gets an error frame."""

from __future__ import annotations

import json

import pytest

from functions.advice.handlers.ws import ACTIONS, route


def event(route_key: str, body: str | None = None) -> dict[str, object]:
    return {"requestContext": {"routeKey": route_key, "connectionId": "c1"}, "body": body}


@pytest.mark.parametrize("route_key", ["$connect", "$disconnect"])
def test_connection_routes_answer_200_without_body(route_key: str) -> None:
    assert route(event(route_key)) == {"statusCode": 200}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_protocol_action_gets_not_available(action: str) -> None:
    frame = json.loads(route(event(action, json.dumps({"action": action})))["body"])
    assert (frame["code"], frame["action"]) == ("not_available", action)


def test_known_action_is_not_available_yet() -> None:
    response = route(event("presence", json.dumps({"action": "presence", "status": "online"})))
    frame = json.loads(response["body"])
    assert frame == {
        "type": "error",
        "code": "not_available",
        "message": "live advice cannot handle 'presence' yet",
        "action": "presence",
    }


@pytest.mark.parametrize("body", ['{"action": "dance"}', "not json", "[1, 2]", '{"action": 3}', None])
def test_unknown_or_malformed_frames_get_unknown_action(body: str | None) -> None:
    frame = json.loads(route(event("$default", body))["body"])
    assert frame["type"] == "error"
    assert frame["code"] == "unknown_action"
