"""`GET /openapi.json` and `GET /docs` (Swagger UI), answered by API Gateway itself, without a function.

The document (about 350 KB) is larger than a mapping template may be (300 KB), so it is an S3 asset
of the Api stack that API Gateway reads with a role allowed exactly that object (an AWS
integration); the Swagger UI page is a static MOCK template. Both are path items of the API
definition (infra/api_definition.py).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from constructs import Construct

from functions.common.errors import GATEWAY_ERRORS

SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
DOCS_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plein API</title>
<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css"></head>
<body><div id="swagger"></div><script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "openapi.json", domNode: document.getElementById("swagger")}});</script>
</body></html>
"""
DOCUMENT_PATH = "/openapi.json"
PAGE_PATH = "/docs"


def document_file(document: dict[str, Any]) -> Path:
    """The document as a file named by its content (an asset's source must outlive the synthesis)."""
    text = json.dumps(document, separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "plein-openapi"
    folder.mkdir(exist_ok=True)
    path = folder / f"openapi-{digest}.json"
    if not path.exists():
        path.write_text(text)
    return path


class ApiDocs(Construct):
    """The document as an S3 asset and the role API Gateway reads it with; `paths` for the definition."""

    def __init__(self, scope: Construct, construct_id: str, *, document: dict[str, Any]) -> None:
        super().__init__(scope, construct_id)
        self.asset = s3_assets.Asset(self, "Document", path=str(document_file(document)))
        self.object_arn = f"arn:{Aws.PARTITION}:s3:::{self.asset.s3_bucket_name}/{self.asset.s3_object_key}"
        self.role = iam.Role(
            self,
            "Reader",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway reads the OpenAPI document it serves at /openapi.json",
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[self.object_arn]))
        self.paths = {
            DOCUMENT_PATH: {"get": self._document()},
            PAGE_PATH: {"get": _static_page()},
        }

    def _document(self) -> dict[str, Any]:
        failed = GATEWAY_ERRORS["DEFAULT_5XX"]
        return {
            "summary": "This OpenAPI document",
            "responses": _responses("200", "502"),
            "x-amazon-apigateway-integration": {
                "type": "aws",
                "httpMethod": "GET",
                "uri": f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}:s3:path/"
                f"{self.asset.s3_bucket_name}/{self.asset.s3_object_key}",
                "credentials": self.role.role_arn,
                "passthroughBehavior": "when_no_match",
                "responses": {
                    "default": {"statusCode": "200", "responseParameters": _headers("application/json")},
                    # S3 refusing (the object gone, the role changed) is our failure, in our shape.
                    "[45]\\d{2}": {
                        "statusCode": "502",
                        "responseParameters": _headers("application/json"),
                        "responseTemplates": {"application/json": json.dumps(failed.body())},
                    },
                },
            },
        }


def _static_page() -> dict[str, Any]:
    return {
        "summary": "Swagger UI for this API",
        "responses": _responses("200"),
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 200}'},
            "passthroughBehavior": "when_no_templates",
            "responses": {
                "default": {
                    "statusCode": "200",
                    "responseParameters": _headers("text/html"),
                    "responseTemplates": {"application/json": DOCS_PAGE},
                }
            },
        },
    }


HEADERS = ("Content-Type", "Access-Control-Allow-Origin")


def _headers(content_type: str) -> dict[str, str]:
    return {
        "method.response.header.Content-Type": f"'{content_type}'",
        "method.response.header.Access-Control-Allow-Origin": "'*'",
    }


def _responses(*statuses: str) -> dict[str, Any]:
    header = {"schema": {"type": "string"}}
    return {
        status: {"description": "Served by API Gateway", "headers": dict.fromkeys(HEADERS, header)}
        for status in statuses
    }
