"""REST proxy events and responses, WebSocket events and route selection, as API Gateway shapes them."""

from __future__ import annotations

import base64
import json

import pytest

from local.config import ACCOUNT_ID
from local.gateway.events import (
    HttpRequest,
    allowed_context,
    proxy_response,
    rest_event,
    websocket_authorizer_event,
    websocket_event,
)
from local.gateway.websocket import route_key


def _request(**overrides: object) -> HttpRequest:
    values: dict[str, object] = {
        "method": "POST",
        "path": "/vendors/v1/offers",
        "headers": [("Content-Type", "application/json"), ("X-Tag", "a"), ("X-Tag", "b")],
        "query": [("limit", "5"), ("tag", "x"), ("tag", "y")],
        "body": b'{"sku": "A"}',
    }
    values.update(overrides)
    return HttpRequest(**values)  # type: ignore[arg-type]


def test_rest_event_has_the_v1_proxy_shape() -> None:
    event = rest_event(
        _request(),
        resource="/vendors/{vendor_id}/offers",
        path_parameters={"vendor_id": "v1"},
        claims={"sub": "u1", "cognito:groups": "vendor,shopper"},
        stage="local",
        request_id="r-1",
        now=1_764_000_000.0,
    )

    assert event["resource"] == "/vendors/{vendor_id}/offers"
    assert event["path"] == "/vendors/v1/offers"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["X-Tag"] == "b"
    assert event["multiValueHeaders"]["X-Tag"] == ["a", "b"]
    assert event["queryStringParameters"] == {"limit": "5", "tag": "y"}
    assert event["multiValueQueryStringParameters"]["tag"] == ["x", "y"]
    assert event["pathParameters"] == {"vendor_id": "v1"}
    assert event["body"] == '{"sku": "A"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["requestId"] == "r-1"
    assert context["stage"] == "local"
    assert context["resourcePath"] == "/vendors/{vendor_id}/offers"
    assert context["httpMethod"] == "POST"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["authorizer"] == {"claims": {"sub": "u1", "cognito:groups": "vendor,shopper"}}
    assert context["requestTimeEpoch"] == 1_764_000_000_000


def test_public_route_event_has_no_authorizer_and_empty_parts_are_null() -> None:
    event = rest_event(
        _request(method="GET", headers=[], query=[], body=b""),
        resource="/products",
        path_parameters={},
        claims=None,
        stage="local",
    )

    assert event["requestContext"]["authorizer"] is None
    assert event["queryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["body"] is None


def test_binary_body_is_base64() -> None:
    payload = bytes(range(256))
    event = rest_event(
        _request(headers=[("Content-Type", "image/png")], body=payload),
        resource="/x",
        path_parameters={},
        claims=None,
        stage="local",
    )

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload


def test_malformed_json_passes_through_untouched() -> None:
    event = rest_event(_request(body=b"{not json"), resource="/x", path_parameters={}, claims=None, stage="local")

    assert event["body"] == "{not json"


def test_proxy_response_with_multi_value_and_base64() -> None:
    response = proxy_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "image/png"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x89PNG").decode(),
            "isBase64Encoded": True,
        }
    )

    assert response.status == 201
    assert response.body == b"\x89PNG"
    assert ("Set-Cookie", "a=1") in response.headers
    assert ("Set-Cookie", "b=2") in response.headers


@pytest.mark.parametrize("result", [None, "text", {"statusCode": "200"}, {"statusCode": 200, "headers": ["x"]}])
def test_malformed_integration_result_is_502(result: object) -> None:
    response = proxy_response(result)

    assert response.status == 502
    assert json.loads(response.body)["error"]["code"] == "gateway_error"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"action": "presence", "status": "online"}', "presence"),
        ('{"action": ""}', "$default"),
        ('{"action": 3}', "$default"),
        ("[1, 2]", "$default"),
        ("not json", "$default"),
    ],
)
def test_route_selection_on_action(body: str, expected: str) -> None:
    assert route_key(body) == expected


def test_websocket_connect_event() -> None:
    event = websocket_event(
        route_key="$connect",
        event_type="CONNECT",
        connection_id="abc=",
        domain="127.0.0.1:3001",
        stage="local",
        authorizer={"principalId": "u1", "sub": "u1"},
        headers={"Host": "127.0.0.1:3001"},
        query={"token": "t"},
    )

    context = event["requestContext"]
    assert context["routeKey"] == "$connect"
    assert context["eventType"] == "CONNECT"
    assert context["connectionId"] == "abc="
    assert context["authorizer"]["principalId"] == "u1"
    assert context["authorizer"]["sub"] == "u1"
    assert event["queryStringParameters"] == {"token": "t"}
    assert "body" not in event


def test_websocket_message_event() -> None:
    event = websocket_event(
        route_key="echo", event_type="MESSAGE", connection_id="c", domain="d", stage="local", body='{"action":"echo"}'
    )

    assert event["body"] == '{"action":"echo"}'
    assert event["requestContext"]["messageId"]
    assert "headers" not in event


ARN = f"arn:aws:execute-api:eu-west-1:{ACCOUNT_ID}:localws/local/$connect"


def test_the_socket_authorizer_gets_a_websocket_request_authorizer_event() -> None:
    from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
        APIGatewayAuthorizerRequestEvent,
    )

    event = websocket_authorizer_event(
        region="eu-west-1",
        connection_id="abc=",
        domain="127.0.0.1:3001",
        stage="local",
        headers={"Host": "127.0.0.1:3001"},
        query={"token": "t"},
    )

    parsed = APIGatewayAuthorizerRequestEvent(event)
    assert parsed.get_type == "REQUEST"
    assert parsed.method_arn == ARN
    assert parsed.parsed_arn.api_id == "localws"
    assert parsed.query_string_parameters == {"token": "t"}
    assert event["requestContext"]["routeKey"] == "$connect"
    assert event["requestContext"]["connectionId"] == "abc="


def _answer(effect: str, resource: object = ARN, context: object = None) -> dict[str, object]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    answer: dict[str, object] = {
        "principalId": "u1",
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
    }
    if context is not None:
        answer["context"] = context
    return answer


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            _answer("Allow", context={"sub": "u1", "groups": "shopper", "n": 2}),
            {"principalId": "u1", "sub": "u1", "groups": "shopper", "n": "2"},
        ),
        (_answer("Allow", resource=f"arn:aws:execute-api:eu-west-1:{ACCOUNT_ID}:localws/*"), {"principalId": "u1"}),
        (_answer("Allow", resource=[ARN]), {"principalId": "u1"}),
        (_answer("Deny"), None),
        (_answer("Allow", resource=f"arn:aws:execute-api:eu-west-1:{ACCOUNT_ID}:other/local/$connect"), None),
        ({"principalId": "u1"}, None),
        ("Allow", None),
    ],
)
def test_a_connection_is_allowed_only_by_an_allow_covering_its_method(answer: object, expected: object) -> None:
    assert allowed_context(answer, ARN) == expected


def test_an_explicit_deny_wins_over_an_allow() -> None:
    answer = _answer("Allow")
    answer["policyDocument"]["Statement"].append({"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "*"})  # type: ignore[index]

    assert allowed_context(answer, ARN) is None
