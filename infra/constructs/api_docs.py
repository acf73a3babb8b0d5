"""`GET /openapi.json` and `GET /docs` (Swagger UI), answered by API Gateway itself (MOCK integrations).

The document is a static mapping template. API Gateway runs templates through Velocity, where
`$` and `#` are syntax; in JSON both can only occur inside strings, so they are written as the
JSON escapes `\\u0024` and `\\u0023`, which every JSON parser reads back unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Annotations
from aws_cdk import aws_apigateway as apigw

from infra.nag import acknowledge

MAX_TEMPLATE_BYTES = 250_000  # API Gateway refuses mapping templates above 300 KB
SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
DOCS_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plein API</title>
<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css"></head>
<body><div id="swagger"></div><script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "openapi.json", domNode: document.getElementById("swagger")}});</script>
</body></html>
"""


def velocity_safe_json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":")).replace("$", "\\u0024").replace("#", "\\u0023")


def fits(body: str) -> bool:
    return len(body.encode()) <= MAX_TEMPLATE_BYTES


def add_docs_routes(api: apigw.RestApi, document: dict[str, Any]) -> list[apigw.Method]:
    body = velocity_safe_json(document)
    if not fits(body):
        Annotations.of(api).add_warning_v2(
            "plein:openapi-too-large", "docs/openapi.json is too large for a mapping template: /openapi.json not served"
        )
        return []
    paths = document.get("paths", {})
    served = []
    for path, content, content_type in (("openapi.json", body, "application/json"), ("docs", DOCS_PAGE, "text/html")):
        if f"/{path}" in paths:
            continue  # a context serves it itself
        served.append(_static(api, path, content, content_type))
    return served


def _static(api: apigw.RestApi, path: str, content: str, content_type: str) -> apigw.Method:
    headers = {
        "method.response.header.Content-Type": f"'{content_type}'",
        "method.response.header.Access-Control-Allow-Origin": "'*'",
    }
    integration = apigw.MockIntegration(
        request_templates={"application/json": '{"statusCode": 200}'},
        passthrough_behavior=apigw.PassthroughBehavior.WHEN_NO_TEMPLATES,
        integration_responses=[
            apigw.IntegrationResponse(
                status_code="200", response_templates={"application/json": content}, response_parameters=headers
            )
        ],
    )
    method = api.root.resource_for_path(f"/{path}").add_method(
        "GET",
        integration,
        authorization_type=apigw.AuthorizationType.NONE,
        method_responses=[apigw.MethodResponse(status_code="200", response_parameters=dict.fromkeys(headers, True))],
    )
    reason = f"GET /{path} is the public API documentation, answered by API Gateway without a backend."
    acknowledge(method, "AwsSolutions-APIG4", reason)
    acknowledge(method, "AwsSolutions-COG4", reason)
    return method
