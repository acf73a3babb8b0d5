"""The local WebSocket gateway: authorizer on $connect, route selection, @connections callbacks."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import Plein

pytestmark = pytest.mark.e2e


def test_a_routed_action_is_answered_through_connections(plein: Plein) -> None:
    # Given a signed-in WebSocket connection
    with connect(f"{plein.ws_url}/probe?token={plein.access_token('shopper')}", open_timeout=10) as socket:
        # When the client sends a frame routed on its action
        socket.send(json.dumps({"action": "echo", "text": "hi"}))

        # Then the function posts a frame back through the @connections API
        frame = json.loads(socket.recv(timeout=10))
    assert frame["type"] == "echo"
    assert frame["route"] == "echo"
    assert json.loads(frame["body"]) == {"action": "echo", "text": "hi"}
    assert frame["user"] == plein.users["shopper"].sub
    assert frame["connection"]["SourceIp"] == "127.0.0.1"


def test_a_frame_without_action_goes_to_default(plein: Plein) -> None:
    with connect(f"{plein.ws_url}/probe?token={plein.access_token('shopper')}", open_timeout=10) as socket:
        socket.send("not json")
        frame = json.loads(socket.recv(timeout=10))

    assert frame["route"] == "$default"


@pytest.mark.parametrize("query", ["", "?token="])
def test_a_connection_without_a_token_is_unauthorized(plein: Plein, query: str) -> None:
    # No identity source: API Gateway answers 401 without calling the authorizer
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{plein.ws_url}/probe{query}", open_timeout=10)

    assert refused.value.response.status_code == 401


def test_a_token_the_authorizer_denies_is_forbidden(plein: Plein) -> None:
    # An ID token is not an access token, and a forged one is no token of the pool: both Deny (403)
    for token in (plein.token("shopper"), "not-a-jwt"):
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{plein.ws_url}/probe?token={token}", open_timeout=10)

        assert refused.value.response.status_code == 403, token


def test_management_api_says_gone_for_unknown_connections(plein: Plein) -> None:
    import boto3

    management = boto3.session.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name=plein.config.region
    ).client("apigatewaymanagementapi", endpoint_url=plein.config.ws_management_url)

    with pytest.raises(management.exceptions.GoneException):
        management.post_to_connection(ConnectionId="bm90LXRoZXJl", Data=b"{}")


def test_management_api_deletes_a_connection(plein: Plein) -> None:
    import boto3

    management = boto3.session.Session(
        aws_access_key_id="local", aws_secret_access_key="local", region_name=plein.config.region
    ).client("apigatewaymanagementapi", endpoint_url=plein.config.ws_management_url)
    with connect(f"{plein.ws_url}/probe?token={plein.access_token('shopper')}", open_timeout=10) as socket:
        socket.send(json.dumps({"action": "echo"}))
        frame = json.loads(socket.recv(timeout=10))
        assert frame["type"] == "echo"
        connection_id = next(iter(plein.runtime.websocket.connections)) if plein.runtime.websocket else ""

        management.delete_connection(ConnectionId=connection_id)

        with pytest.raises(Exception, match=r"1000|closed|ConnectionClosed"):
            socket.recv(timeout=5)


def test_idle_connections_are_closed_like_api_gateway(plein: Plein) -> None:
    import dataclasses

    from websockets.exceptions import ConnectionClosed

    # Given the gateway's idle timeout shortened to 1 s (600 s by default, as on AWS)
    gateway = plein.runtime.websocket
    assert gateway is not None
    default = gateway.limits
    gateway.limits = dataclasses.replace(default, ws_idle_seconds=1.0)
    try:
        # When the client stays silent, Then the gateway closes with 1001 (going away)
        with (
            connect(f"{plein.ws_url}/probe?token={plein.access_token('shopper')}", open_timeout=10) as socket,
            pytest.raises(ConnectionClosed) as closed,
        ):
            socket.recv(timeout=15)
    finally:
        gateway.limits = default
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001
