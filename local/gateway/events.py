"""API Gateway event shapes: REST proxy (v1) requests and responses, WebSocket route events."""

from __future__ import annotations

import base64
import fnmatch
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from local.config import ACCOUNT_ID

TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded", "+json", "+xml")
API_ID = "local"
WS_API_ID = "localws"
NO_STATUS_CODE = 1005  # the WebSocket close code of a close frame without one (RFC 6455)


@dataclass(frozen=True)
class HttpRequest:
    """What the gateway read off the wire, before it became an event."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"
    host: str = "127.0.0.1:3000"


def is_text(content_type: str | None) -> bool:
    if not content_type:
        return True
    lowered = content_type.lower()
    return any(marker in lowered for marker in TEXT_TYPES)


def _multi(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def request_time(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def rest_event(
    request: HttpRequest,
    *,
    resource: str,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, str] | None,
    stage: str,
    request_id: str | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy integration event (payload format 1.0)."""
    now = time.time() if now is None else now
    request_id = request_id or str(uuid.uuid4())
    multi_headers = _multi(request.headers)
    # API Gateway keeps the last value of a repeated header in `headers`
    headers = {name: values[-1] for name, values in multi_headers.items()}
    multi_query = _multi(request.query)
    query = {name: values[-1] for name, values in multi_query.items()}
    content_type = next((v for n, v in request.headers if n.lower() == "content-type"), None)
    body: str | None
    if not request.body:
        body, encoded = None, False
    elif is_text(content_type):
        try:
            body, encoded = request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            body, encoded = base64.b64encode(request.body).decode(), True
    else:
        body, encoded = base64.b64encode(request.body).decode(), True
    user_agent = next((v for n, v in request.headers if n.lower() == "user-agent"), None)
    authorizer: dict[str, Any] | None = {"claims": dict(claims)} if claims is not None else None
    return {
        "resource": resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,  # API Gateway always passes the request's headers (Host at least)
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": resource,
            "resourcePath": resource,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": request_time(now),
            "path": f"/{stage}{request.path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": request.host.split(":")[0],
            "requestTimeEpoch": int(now * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": request.source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": user_agent,
                "user": None,
            },
            "domainName": request.host,
            "apiId": API_ID,
            "authorizer": authorizer,
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def proxy_response(result: Any) -> HttpResponse:
    """Turn a proxy integration result into HTTP; a malformed one is a 502, as on API Gateway."""
    if not isinstance(result, Mapping) or not isinstance(result.get("statusCode", 200), int):
        return bad_gateway()
    status = int(result.get("statusCode", 200))
    headers: list[tuple[str, str]] = []
    single = result.get("headers") or {}
    multi = result.get("multiValueHeaders") or {}
    if not isinstance(single, Mapping) or not isinstance(multi, Mapping):
        return bad_gateway()
    for name, values in multi.items():
        headers.extend((str(name), str(value)) for value in (values or []))
    for name, value in single.items():
        if str(name).lower() not in {n.lower() for n, _ in headers}:
            headers.append((str(name), str(value)))
    raw = result.get("body")
    if raw is None:
        body = b""
    elif result.get("isBase64Encoded"):
        try:
            body = base64.b64decode(str(raw))
        except ValueError:
            return bad_gateway()
    else:
        body = str(raw).encode()
    return HttpResponse(status, headers, body)


GATEWAY_ERROR_TYPES = {
    "UNAUTHORIZED": "UnauthorizedException",
    "ACCESS_DENIED": "AccessDeniedException",
    "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
    "REQUEST_TOO_LARGE": "RequestTooLongException",
    "THROTTLED": "TooManyRequestsException",
    "DEFAULT_4XX": "BadRequestException",
    "DEFAULT_5XX": "InternalServerErrorException",
}
"""The `x-amzn-ErrorType` API Gateway sends with each gateway response type."""


def gateway_error(response_type: str) -> HttpResponse:
    """API Gateway's own answer of `response_type`, as the CDK app configures it (GATEWAY_ERRORS):
    the project's error shape, with CORS headers so that a browser sees the status."""
    from functions.common.errors import GATEWAY_ERRORS

    error = GATEWAY_ERRORS[response_type]
    return local_error(error.status, error.code, error.message, GATEWAY_ERROR_TYPES[response_type])


def local_error(status: int, code: str, message: str, error_type: str = "BadRequestException") -> HttpResponse:
    """An error the gateway answers itself, in the project's error shape and with CORS headers."""
    import json

    from functions.common.errors import error_body

    return HttpResponse(
        status,
        [("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type), ("Access-Control-Allow-Origin", "*")],
        json.dumps(error_body(code, message)).encode(),
    )


def bad_gateway() -> HttpResponse:
    return gateway_error("DEFAULT_5XX")


def websocket_event(
    *,
    route_key: str,
    event_type: str,
    connection_id: str,
    domain: str,
    stage: str,
    authorizer: Mapping[str, str] | None = None,
    body: str | None = None,
    headers: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
    connected_at: float | None = None,
    source_ip: str = "127.0.0.1",
    is_binary: bool = False,
    now: float | None = None,
    close_code: int | None = None,
) -> dict[str, Any]:
    """An API Gateway WebSocket event for `$connect`, `$disconnect` or a message route; a
    `$disconnect` carries the WebSocket close code (`close_code`, 1005 when none was sent).
    `authorizer` is what the `$connect` REQUEST authorizer allowed: its `principalId` and context."""
    now = time.time() if now is None else now
    request_context = _websocket_context(route_key, event_type, connection_id, domain, stage, headers, source_ip, now)
    request_context["connectedAt"] = int((connected_at or now) * 1000)
    if event_type == "MESSAGE":
        request_context["messageId"] = str(uuid.uuid4())
    if event_type == "DISCONNECT":
        request_context["disconnectStatusCode"] = NO_STATUS_CODE if close_code is None else close_code
        request_context["disconnectReason"] = ""
        headers = {"Host": domain, **(headers or {})}  # API Gateway sends the Host of the connection
    if authorizer is not None:
        request_context["authorizer"] = dict(authorizer)
    event: dict[str, Any] = {"requestContext": request_context, "isBase64Encoded": is_binary}
    if event_type in {"CONNECT", "DISCONNECT"}:
        event |= _request_parameters(headers, query)
    if body is not None:
        event["body"] = body
    return event


def websocket_authorizer_event(
    *,
    region: str,
    connection_id: str,
    domain: str,
    stage: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    source_ip: str = "127.0.0.1",
    now: float | None = None,
) -> dict[str, Any]:
    """The event a WebSocket API's Lambda REQUEST authorizer gets for `$connect`."""
    now = time.time() if now is None else now
    context = _websocket_context("$connect", "CONNECT", connection_id, domain, stage, headers, source_ip, now)
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{WS_API_ID}/{stage}/$connect",
        **_request_parameters(headers, query),
        "stageVariables": {},
        "requestContext": context,
    }


def allowed_context(result: Any, method_arn: str) -> dict[str, str] | None:
    """What a REQUEST authorizer's answer passes on when it allows `method_arn` (its `principalId`
    and `context`, values as strings), or None when it denies or answers something malformed."""
    if not isinstance(result, dict) or not isinstance(result.get("policyDocument"), dict):
        return None
    statements = result["policyDocument"].get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    decisions = [
        statement.get("Effect")
        for statement in statements
        if isinstance(statement, dict) and _covers(statement.get("Resource"), method_arn)
    ]
    if "Allow" not in decisions or "Deny" in decisions:  # an explicit Deny wins, as in IAM
        return None
    context = result.get("context")
    values = context.items() if isinstance(context, dict) else ()
    return {"principalId": str(result.get("principalId", ""))} | {str(k): str(v) for k, v in values}


def _covers(resource: Any, method_arn: str) -> bool:
    patterns = resource if isinstance(resource, list) else [resource]
    return any(isinstance(pattern, str) and fnmatch.fnmatchcase(method_arn, pattern) for pattern in patterns)


def _websocket_context(  # noqa: PLR0917 - private, called twice with every field of the context
    route_key: str,
    event_type: str,
    connection_id: str,
    domain: str,
    stage: str,
    headers: Mapping[str, str] | None,
    source_ip: str,
    now: float,
) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": str(uuid.uuid4()),
        "requestTime": request_time(now),
        "messageDirection": "IN",
        "stage": stage,
        "connectedAt": int(now * 1000),
        "requestTimeEpoch": int(now * 1000),
        "identity": {"sourceIp": source_ip, "userAgent": (headers or {}).get("User-Agent")},
        "requestId": str(uuid.uuid4()),
        "domainName": domain,
        "connectionId": connection_id,
        "apiId": WS_API_ID,
    }


def _request_parameters(headers: Mapping[str, str] | None, query: Mapping[str, str] | None) -> dict[str, Any]:
    return {
        "headers": dict(headers or {}),
        "multiValueHeaders": {name: [value] for name, value in (headers or {}).items()},
        "queryStringParameters": dict(query or {}) or None,
        "multiValueQueryStringParameters": {n: [v] for n, v in (query or {}).items()} or None,
    }
