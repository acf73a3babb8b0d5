"""The advice WebSocket handler: caller from the authorizer, frames validated, errors as frames."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.advice.handlers import ws
from tests.unit.advice.conftest import World


def event(route_key: str, body: str | None = None, authorizer: dict[str, Any] | None = None) -> dict[str, Any]:
    default = {"sub": "u1", "username": "shopper", "groups": "shopper"}
    context = {"routeKey": route_key, "connectionId": "c1", "authorizer": default if authorizer is None else authorizer}
    return {"requestContext": context, "body": body}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    world = World()
    monkeypatch.setattr(ws, "live_service", lambda: world.live)
    return world


def test_connect_registers_the_connection_and_disconnect_forgets_it(world: World) -> None:
    assert ws.route(event("$connect")) == {"statusCode": 200}
    assert [c.user_id for c in world.store.connections_of("u1")] == ["u1"]
    assert ws.route(event("$disconnect")) == {"statusCode": 200}
    assert world.store.connections_of("u1") == []


def test_the_local_gateway_claims_shape_is_understood(world: World) -> None:
    claims = {"sub": "u2", "cognito:username": "someone", "principalId": "u2", "claims": {}}
    ws.route(event("$connect", authorizer=claims))
    assert world.store.connection("c1").username == "someone"  # type: ignore[union-attr]


def test_without_a_caller_the_connection_is_refused(world: World) -> None:
    assert ws.route(event("$connect", authorizer={}))["statusCode"] == 401


@pytest.mark.parametrize(
    "body",
    [
        '{"action": "dance"}',
        "not json",
        "[1, 2]",
        '{"action": 3}',
        None,
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested-100k-deep"),
    ],
)
def test_unknown_or_malformed_frames_get_unknown_action(world: World, body: str | None) -> None:
    ws.route(event("$default", body))
    (frame,) = world.notifier.to("c1")
    assert (frame["type"], frame["code"]) == ("error", "unknown_action")


def test_a_known_action_with_bad_fields_gets_invalid_frame(world: World) -> None:
    ws.route(event("request", json.dumps({"action": "request", "product_id": "p 1", "question": ""})))
    (frame,) = world.notifier.to("c1")
    assert (frame["code"], frame["action"]) == ("invalid_frame", "request")
    assert "product_id" in frame["message"]
    assert "question" in frame["message"]


def test_a_valid_frame_is_handled_and_answered_through_connections(world: World) -> None:
    response = ws.route(event("heartbeat", json.dumps({"action": "heartbeat"})))
    assert response == {"statusCode": 200}
    assert world.notifier.to("c1")[0]["type"] == "heartbeat"


def test_every_protocol_action_is_routed_on_aws() -> None:
    # the CDK app creates one route per action (infra/constructs/websocket.py)
    assert {"presence", "request", "accept", "decline", "message", "media", "signal", "forward", "end"} <= ws.ACTIONS
