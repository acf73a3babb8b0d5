"""The REST API's API Gateway definition: the OpenAPI document with `x-amazon-apigateway-*` extensions.

Built at synthesis from the document `infra.openapi` generates from the code, so the deployed API
cannot drift from the routes. CDK-free: the construct passes the integration URIs and the user
pool ARN in as strings (CDK tokens), which CDK resolves when it writes the template.

What the body keeps of each operation is what API Gateway acts on: its parameters (for request
validation), its `security` (the Cognito authorizer, exactly where the document asks for it) and
its integration (the context's function, AWS_PROXY). Schemas, descriptions and responses stay in
the document served at `/openapi.json`: API Gateway would turn them into models and method
responses nothing uses, and it imports OpenAPI 3.0, not the 3.1 Powertools writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from functions.common.api import IDEMPOTENCY_HEADER
from functions.common.errors import GATEWAY_ERRORS
from infra.routes import Operation, operations

OPENAPI_VERSION = "3.0.1"
AUTHORIZER = "cognito"  # the security scheme name the routes use (functions.common.api.SIGNED_IN)
AUTHORIZER_CACHE_SECONDS = 300
VALIDATOR = "params-and-body"
# What CDK's `Cors.DEFAULT_HEADERS` and `Cors.ALL_METHODS` were when the preflights were CDK methods.
CORS_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    IDEMPOTENCY_HEADER,
)
CORS_METHODS = ("OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD")
CORS_MAX_AGE_SECONDS = 600
PREFLIGHT_STATUS = "204"
OPENAPI_LOCATIONS = {"path": "path", "querystring": "query", "header": "header"}


def gateway_body(
    document: Mapping[str, Any],
    *,
    integrations: Mapping[str, str],
    user_pool_arn: str,
    origins: Sequence[str],
    extra_paths: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The API Gateway definition of `document`.

    `integrations` maps a context (`x-plein-context`) to its function's invocation URI; `origins`
    are the browser origins CORS names (the first is the preflight's default, the last the one
    gateway responses name); `extra_paths` are path items API Gateway answers itself (the docs).
    """
    found = operations(dict(document))
    unknown = {operation.context for operation in found} - integrations.keys()
    if unknown:
        raise ValueError(f"the OpenAPI document names contexts without an API function: {sorted(unknown)}")
    if not origins:
        raise ValueError("CORS needs at least one origin")
    paths: dict[str, dict[str, Any]] = {}
    for operation in found:
        item = paths.setdefault(operation.path, {})
        item[operation.method.lower()] = _operation(operation, integrations[operation.context])
    for item in paths.values():
        item.setdefault("options", preflight(origins))
    for path, item in (extra_paths or {}).items():
        if path not in paths:  # a context serving the path itself wins
            paths[path] = item
    info = document.get("info", {})
    body: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": info.get("title", "Plein API"), "version": info.get("version", "1.0.0")},
        "paths": dict(sorted(paths.items())),
        "x-amazon-apigateway-request-validators": {
            VALIDATOR: {"validateRequestBody": True, "validateRequestParameters": True}
        },
        "x-amazon-apigateway-gateway-responses": gateway_responses(origins[-1]),
    }
    binary = binary_media_types(document)
    if binary:
        body["x-amazon-apigateway-binary-media-types"] = binary
    if any(operation.secured for operation in found):
        body["components"] = {"securitySchemes": {AUTHORIZER: cognito_authorizer(user_pool_arn)}}
    return body


def binary_media_types(document: Mapping[str, Any]) -> list[str]:
    """The binary types the document's responses declare (`image/gif`: the open-tracking pixel), each
    with its family (`image/*`). API Gateway hands a proxy answer marked `isBase64Encoded` back as
    bytes only for these types, and matches them against the request's `Accept`, which mail
    clients' image fetchers send as `image/*` or `image/webp,*/*`."""
    found: set[str] = set()
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for media_type in response.get("content", {}):
                    if media_type.startswith(("image/", "audio/", "video/")):
                        found |= {media_type, f"{media_type.partition('/')[0]}/*"}
    return sorted(found)


def _operation(operation: Operation, uri: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if operation.parameters:
        found["parameters"] = [_parameter(name, required) for name, required in operation.parameters]
    if operation.secured:
        found["security"] = [{AUTHORIZER: []}]
    found["responses"] = {}  # the function's answer passes through (AWS_PROXY): no method responses
    found["x-amazon-apigateway-request-validator"] = VALIDATOR
    found["x-amazon-apigateway-integration"] = {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": uri,
        "passthroughBehavior": "when_no_match",
    }
    return found


def _parameter(request_parameter: str, required: bool) -> dict[str, Any]:
    """`method.request.querystring.limit` -> the OpenAPI parameter API Gateway reads it back from."""
    _, _, location, name = request_parameter.split(".", 3)
    return {"name": name, "in": OPENAPI_LOCATIONS[location], "required": required, "schema": {"type": "string"}}


def cognito_authorizer(user_pool_arn: str) -> dict[str, Any]:
    return {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {
            "type": "cognito_user_pools",
            "providerARNs": [user_pool_arn],
            "identitySource": "method.request.header.Authorization",
            "authorizerResultTtlInSeconds": AUTHORIZER_CACHE_SECONDS,
        },
    }


def cors_headers(origins: Sequence[str]) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Headers": f"'{','.join(CORS_HEADERS)}'",
        "Access-Control-Allow-Origin": f"'{origins[0]}'",
    }
    if origins[0] != "*":
        headers["Vary"] = "'Origin'"
    headers["Access-Control-Allow-Methods"] = f"'{','.join(CORS_METHODS)}'"
    headers["Access-Control-Max-Age"] = f"'{CORS_MAX_AGE_SECONDS}'"
    return headers


def preflight(origins: Sequence[str]) -> dict[str, Any]:
    """OPTIONS answered by API Gateway (a MOCK integration), anonymous, as CDK's `add_cors_preflight`
    built it: the first origin by default, another allowed origin echoed when the request names it."""
    if "*" in origins and len(origins) > 1:
        raise ValueError(f"CORS cannot mix '*' with specific origins: {list(origins)}")
    headers = cors_headers(origins)
    response: dict[str, Any] = {
        "statusCode": PREFLIGHT_STATUS,
        "responseParameters": {f"method.response.header.{name}": value for name, value in headers.items()},
    }
    if len(origins) > 1:
        condition = " || ".join(f'$origin == "{origin}"' for origin in origins[1:])
        response["responseTemplates"] = {
            "application/json": "\n".join(
                [
                    '#set($origin = $input.params().header.get("Origin"))',
                    '#if($origin == "")',
                    '  #set($origin = $input.params().header.get("origin"))',
                    "#end",
                    f"#if({condition})",
                    "  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)",
                    "#end",
                ]
            )
        }
    return {
        "summary": "CORS preflight",
        "responses": {
            PREFLIGHT_STATUS: {
                "description": "CORS preflight, answered by API Gateway",
                "headers": {name: {"schema": {"type": "string"}} for name in headers},
            }
        },
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": "{ statusCode: 200 }"},
            "passthroughBehavior": "when_no_match",
            "responses": {"default": response},
        },
    }


def gateway_responses(origin: str) -> dict[str, Any]:
    """Refusals API Gateway answers itself (authorizer, throttling, WAF, no route), in the project's
    error shape, naming the web client's origin so that a browser shows them; the input is never echoed."""
    headers = {
        "gatewayresponse.header.Access-Control-Allow-Origin": f"'{origin}'",
        "gatewayresponse.header.Vary": "'Origin'",
    }
    return {
        response_type: {
            "statusCode": error.status,
            "responseParameters": headers,
            "responseTemplates": {"application/json": json.dumps(error.body())},
        }
        for response_type, error in GATEWAY_ERRORS.items()
    }
