"""WebSocket API, search collection and observability: the parts outside the REST path."""

from __future__ import annotations

import json

import pytest

from infra import topology
from infra.constructs.websocket import ACTIONS, TOKEN_SOURCE
from tests.infra.conftest import Synthesized

pytestmark = pytest.mark.infra


def test_only_connect_is_authorized_by_the_token_authorizer(synthesized: Synthesized) -> None:
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synthesized.resources("AWS::ApiGatewayV2::Route", "Realtime").values()
    }
    assert set(routes) == {"$connect", "$disconnect", "$default", *ACTIONS}
    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert all(props.get("AuthorizationType", "NONE") == "NONE" for key, props in routes.items() if key != "$connect")
    # Frames get their reply through a route response; connect and disconnect have none.
    responses = synthesized.resources("AWS::ApiGatewayV2::RouteResponse", "Realtime")
    assert len(responses) == len(routes) - 2
    (authorizer,) = synthesized.resources("AWS::ApiGatewayV2::Authorizer", "Realtime").values()
    assert authorizer["Properties"]["IdentitySource"] == [TOKEN_SOURCE]
    assert authorizer["Properties"]["AuthorizerType"] == "REQUEST"


def test_the_socket_routes_exactly_the_actions_the_handler_knows() -> None:
    from functions.advice.handlers.ws import ACTIONS as HANDLED

    assert frozenset(ACTIONS) == HANDLED


def test_socket_stage_throttles_and_logs(synthesized: Synthesized) -> None:
    (stage,) = synthesized.resources("AWS::ApiGatewayV2::Stage", "Realtime").values()
    props = stage["Properties"]
    assert json.loads(props["AccessLogSettings"]["Format"])["routeKey"] == "$context.routeKey"
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0


def test_search_collection_is_encrypted_and_has_a_network_policy(synthesized: Synthesized) -> None:
    (collection,) = synthesized.resources("AWS::OpenSearchServerless::Collection", "Search").values()
    assert collection["Properties"]["Type"] == "SEARCH"
    policies = {
        p["Properties"]["Type"]: json.loads(p["Properties"]["Policy"])
        for p in synthesized.resources("AWS::OpenSearchServerless::SecurityPolicy", "Search").values()
    }
    name = collection["Properties"]["Name"]
    assert policies["encryption"]["Rules"][0]["Resource"] == [f"collection/{name}"]
    assert policies["encryption"]["AWSOwnedKey"] is True
    assert policies["network"][0]["Rules"][0]["Resource"] == [f"collection/{name}"]
    policy_ids = {
        key.split("/")[1] for key in synthesized.resources("AWS::OpenSearchServerless::SecurityPolicy", "Search")
    }
    assert set(collection["DependsOn"]) == policy_ids


def alarm_names(synthesized: Synthesized) -> set[str]:
    return {a["Properties"]["AlarmName"] for a in synthesized.resources("AWS::CloudWatch::Alarm").values()}


def test_alarms_cover_api_functions_dlqs_and_streams(synthesized: Synthesized) -> None:
    names = alarm_names(synthesized)
    assert {"plein-dev-api-5xx", "plein-dev-api-p99-latency"} <= names
    for wiring in topology.contexts():
        for function in wiring.functions():
            assert f"plein-dev-{function.name}-throttles" in names
        consumers = [s.function for s in wiring.events] + [s.function for s in wiring.bucket]
        for function in consumers + [s.function for s in wiring.streams]:
            assert f"plein-dev-{function.name}-dlq-depth" in names
        for stream in wiring.streams:
            assert f"plein-dev-{stream.function.name}-iterator-age" in names


def test_every_alarm_notifies_the_alarm_topic(synthesized: Synthesized) -> None:
    (topic_id,) = [
        k for k, r in synthesized.stacks["Observability"]["Resources"].items() if r["Type"] == "AWS::SNS::Topic"
    ]
    for alarm in synthesized.resources("AWS::CloudWatch::Alarm").values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}]


def test_one_dashboard(synthesized: Synthesized) -> None:
    assert len(synthesized.resources("AWS::CloudWatch::Dashboard")) == 1
