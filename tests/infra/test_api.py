"""The REST API follows the OpenAPI document: methods, owners, and the authorizer exactly where asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from infra import routes
from infra.config import OPENAPI_DOCUMENT, StageConfig
from infra.constructs.api_docs import fits, velocity_safe_json
from infra.constructs.rest_api import RestApiFromOpenApi
from tests.infra.conftest import SKIP_BUNDLING, Synthesized

pytestmark = pytest.mark.infra

FIXTURE = {
    "openapi": "3.1.0",
    "paths": {
        "/products": {"get": {"x-plein-context": "catalog", "parameters": [{"name": "q", "in": "query"}]}},
        "/vendors/{vendor_id}/offers/{sku}": {
            "get": {"x-plein-context": "vendor"},
            "put": {"x-plein-context": "vendor", "security": [{"cognito": []}]},
        },
        "/cart": {"get": {"x-plein-context": "orders", "security": [{"cognito": []}]}},
    },
}


def methods(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(HTTP method, path) -> method properties, the path rebuilt from the resource tree."""
    resources = {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::ApiGateway::Resource"}

    def path_of(ref: Any) -> str:
        if not isinstance(ref, dict) or "Ref" not in ref:
            return ""
        resource = resources[ref["Ref"]]["Properties"]
        return f"{path_of(resource['ParentId'])}/{resource['PathPart']}"

    found = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ApiGateway::Method":
            props = resource["Properties"]
            found[(props["HttpMethod"], path_of(props["ResourceId"]) or "/")] = props
    return found


def test_every_operation_of_the_document_is_a_method_with_the_right_authorization(synthesized: Synthesized) -> None:
    deployed = methods(synthesized.stacks["Api"])
    operations = routes.operations(routes.load_document(OPENAPI_DOCUMENT))
    assert operations
    for operation in operations:
        method = deployed[(operation.method, operation.path)]
        assert method["AuthorizationType"] == ("COGNITO_USER_POOLS" if operation.secured else "NONE")
        assert method["Integration"]["Type"] == "AWS_PROXY"
        assert "RequestValidatorId" in method
    documented = {(operation.method, operation.path) for operation in operations}
    extra = {key for key in deployed if key not in documented and key[0] != "OPTIONS"}
    assert extra <= {("GET", "/openapi.json"), ("GET", "/docs")}


def test_the_document_and_swagger_ui_are_served_without_a_backend(synthesized: Synthesized) -> None:
    deployed = methods(synthesized.stacks["Api"])
    document = routes.load_document(OPENAPI_DOCUMENT)
    if not fits(velocity_safe_json(document)):
        assert ("GET", "/openapi.json") not in deployed
        pytest.skip("docs/openapi.json has outgrown a mapping template")
    served = deployed[("GET", "/openapi.json")]
    assert served["AuthorizationType"] == "NONE"
    assert served["Integration"]["Type"] == "MOCK"
    template = served["Integration"]["IntegrationResponses"][0]["ResponseTemplates"]["application/json"]
    assert json.loads(template) == document
    assert (
        "SwaggerUIBundle"
        in deployed[("GET", "/docs")]["Integration"]["IntegrationResponses"][0]["ResponseTemplates"]["application/json"]
    )


def test_served_document_has_no_velocity_syntax_and_reads_back_unchanged() -> None:
    document = {"paths": {"/a": {"$ref": "#/components/schemas/A", "description": "## not a comment #set($x=1)"}}}
    body = velocity_safe_json(document)
    assert "$" not in body
    assert "#" not in body
    assert json.loads(body) == document


def test_stage_throttles_traces_and_writes_json_access_logs(synthesized: Synthesized) -> None:
    (stage,) = synthesized.resources("AWS::ApiGateway::Stage", "Api").values()
    props = stage["Properties"]
    assert props["TracingEnabled"] is True
    assert json.loads(props["AccessLogSetting"]["Format"])["requestId"] == "$context.requestId"
    (settings,) = [setting for setting in props["MethodSettings"] if setting["ResourcePath"] == "/*"]
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0


@pytest.fixture(scope="module")
def fixture_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    document = tmp_path_factory.mktemp("openapi") / "openapi.json"
    document.write_text(json.dumps(FIXTURE))
    app = App(context=SKIP_BUNDLING)
    stack = Stack(app, "Fixture")
    pool = cognito.UserPool(stack, "Pool")
    handlers = {
        name: lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context): pass"),
        )
        for name in ("catalog", "vendor", "orders")
    }
    RestApiFromOpenApi(
        stack,
        "Rest",
        stage=StageConfig(name="dev"),
        operations=routes.operations(routes.load_document(Path(document))),
        handlers=handlers,
        user_pool=pool,
    )
    return dict(Template.from_stack(stack).to_json())


def test_authorizer_exactly_on_operations_with_security(fixture_template: dict[str, Any]) -> None:
    deployed = methods(fixture_template)
    authorizations = {key: props["AuthorizationType"] for key, props in deployed.items() if key[0] != "OPTIONS"}
    assert authorizations == {
        ("GET", "/products"): "NONE",
        ("GET", "/vendors/{vendor_id}/offers/{sku}"): "NONE",
        ("PUT", "/vendors/{vendor_id}/offers/{sku}"): "COGNITO_USER_POOLS",
        ("GET", "/cart"): "COGNITO_USER_POOLS",
    }
    (authorizer,) = [r for r in fixture_template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Authorizer"]
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    for key, props in deployed.items():
        if props["AuthorizationType"] == "COGNITO_USER_POOLS":
            assert props["AuthorizerId"] == {
                "Ref": next(k for k, r in fixture_template["Resources"].items() if r is authorizer)
            }, key


def test_cors_preflight_exactly_on_resources_with_operations(fixture_template: dict[str, Any]) -> None:
    deployed = methods(fixture_template)
    assert {path for method, path in deployed if method == "OPTIONS"} == set(FIXTURE["paths"])


def test_path_and_query_parameters_become_request_parameters(fixture_template: dict[str, Any]) -> None:
    deployed = methods(fixture_template)
    assert deployed[("GET", "/vendors/{vendor_id}/offers/{sku}")]["RequestParameters"] == {
        "method.request.path.sku": True,
        "method.request.path.vendor_id": True,
    }
    assert deployed[("GET", "/products")]["RequestParameters"] == {"method.request.querystring.q": False}


def test_one_invoke_permission_per_context_function(fixture_template: dict[str, Any]) -> None:
    permissions = [r for r in fixture_template["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"]
    assert len(permissions) == 3


def test_operations_without_an_owner_or_with_clashing_variables_are_refused() -> None:
    with pytest.raises(ValueError, match="x-plein-context"):
        routes.operations({"paths": {"/a": {"get": {}}}})
    clash = {"/a/{x}": {"get": {"x-plein-context": "c"}}, "/a/{y}/b": {"get": {"x-plein-context": "c"}}}
    with pytest.raises(ValueError, match="two variable children"):
        routes.operations({"paths": clash})


def test_a_document_too_large_for_a_mapping_template_is_not_served() -> None:
    from aws_cdk import aws_apigateway as apigw

    from infra.constructs.api_docs import add_docs_routes

    api = apigw.RestApi(Stack(App(), "Docs"), "Api")
    assert add_docs_routes(api, {"paths": {}, "info": {"description": "x" * 300_000}}) == []
    assert len(add_docs_routes(api, {"paths": {}})) == 2


def test_gateway_responses_answer_in_the_error_shape_with_cors(fixture_template: dict[str, Any]) -> None:
    from functions.common.errors import GATEWAY_ERRORS

    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in fixture_template["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::GatewayResponse"
    }

    assert set(responses) == set(GATEWAY_ERRORS)
    for response_type, error in GATEWAY_ERRORS.items():
        props = responses[response_type]
        assert props["StatusCode"] == str(error.status)
        assert json.loads(props["ResponseTemplates"]["application/json"]) == error.body()
        assert props["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
