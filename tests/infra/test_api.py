"""The REST API is the code's OpenAPI document: every operation with its function, and the authorizer
exactly where the document asks for it, all inside one `SpecRestApi` body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from infra import routes
from infra.api_definition import AUTHORIZER, VALIDATOR, gateway_body, preflight
from infra.config import StageConfig
from infra.constructs.api_docs import DOCS_PAGE, ApiDocs
from infra.constructs.rest_api import RestApiFromOpenApi
from tests.infra.conftest import SKIP_BUNDLING, Synthesized

pytestmark = pytest.mark.infra

FIXTURE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Plein API", "version": "1.0.0"},
    "paths": {
        "/products": {"get": {"x-plein-context": "catalog", "parameters": [{"name": "q", "in": "query"}]}},
        "/vendors/{vendor_id}/offers/{sku}": {
            "get": {"x-plein-context": "vendor"},
            "put": {"x-plein-context": "vendor", "security": [{"cognito": []}]},
        },
        "/cart": {"get": {"x-plein-context": "orders", "security": [{"cognito": []}]}},
    },
}
INTEGRATION = "x-amazon-apigateway-integration"
DOCS_PATHS = {"/openapi.json", "/docs"}
PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"}


def resources_of(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {key: r for key, r in template["Resources"].items() if r["Type"] == resource_type}


def body_of(template: dict[str, Any]) -> dict[str, Any]:
    (api,) = resources_of(template, "AWS::ApiGateway::RestApi").values()
    body: dict[str, Any] = api["Properties"]["Body"]
    return body


def function_of(uri: Any) -> str:
    """The function reference inside an integration URI (`Fn::Join` of literals, pseudo parameters
    and one reference to the function's ARN), as JSON."""
    parts = [
        part
        for part in uri["Fn::Join"][1]
        if not isinstance(part, str) and part not in ({"Ref": pseudo} for pseudo in PSEUDO)
    ]
    (function,) = parts
    return json.dumps(function, sort_keys=True)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """What the synthesized app was built from: the OpenAPI document of the code as it is now."""
    from infra.openapi import merged_schema

    return merged_schema()


def test_every_operation_of_the_document_is_in_the_body_with_its_function_and_authorization(
    synthesized: Synthesized, document: dict[str, Any]
) -> None:
    template = synthesized.stacks["Api"]
    body = body_of(template)
    operations = routes.operations(document)
    assert operations
    functions: dict[str, set[str]] = {}
    for operation in operations:
        deployed = body["paths"][operation.path][operation.method.lower()]
        integration = deployed[INTEGRATION]
        assert (integration["type"], integration["httpMethod"]) == ("aws_proxy", "POST")
        functions.setdefault(operation.context, set()).add(function_of(integration["uri"]))
        if operation.secured:
            assert deployed["security"] == [{AUTHORIZER: []}], (operation.method, operation.path)
        else:
            assert "security" not in deployed, (operation.method, operation.path)
        assert deployed["x-amazon-apigateway-request-validator"] == VALIDATOR
    # One function per context, a different one for each, and exactly those may be invoked by the API.
    assert all(len(found) == 1 for found in functions.values()), functions
    by_context = {context: found.pop() for context, found in functions.items()}
    assert len(set(by_context.values())) == len(by_context)
    permissions = resources_of(template, "AWS::Lambda::Permission").values()
    invoked = sorted(json.dumps(p["Properties"]["FunctionName"], sort_keys=True) for p in permissions)
    assert invoked == sorted(by_context.values())
    for context, function in by_context.items():
        assert f"{context}api" in function.lower(), (context, function)  # the context's `<context>-api`
    # Nothing else: the document's operations, a preflight per path, and the documentation.
    documented = {
        (path, method) for path, item in document["paths"].items() for method in item if method in routes.HTTP_METHODS
    }
    deployed_operations = {
        (path, method) for path, item in body["paths"].items() for method in item if method != "options"
    }
    assert deployed_operations - documented == {(path, "get") for path in DOCS_PATHS}
    assert {path for path, item in body["paths"].items() if "options" in item} == set(document["paths"])


def test_the_authorizer_is_the_stage_user_pool(synthesized: Synthesized) -> None:
    scheme = body_of(synthesized.stacks["Api"])["components"]["securitySchemes"][AUTHORIZER]
    assert scheme["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    authorizer = scheme["x-amazon-apigateway-authorizer"]
    assert authorizer["identitySource"] == "method.request.header.Authorization"
    (pool_arn,) = authorizer["providerARNs"]
    (pool,) = resources_of(synthesized.stacks["Auth"], "AWS::Cognito::UserPool")
    assert pool_arn["Fn::ImportValue"].startswith(f"Plein-dev-Auth:ExportsOutputFnGetAtt{pool}Arn")


def test_the_api_is_one_resource_not_one_per_method(synthesized: Synthesized) -> None:
    template = synthesized.stacks["Api"]
    for kind in ("Method", "Resource", "Authorizer", "GatewayResponse", "RequestValidator"):
        assert not resources_of(template, f"AWS::ApiGateway::{kind}"), kind
    assert len(resources_of(template, "AWS::ApiGateway::RestApi")) == 1


def test_the_document_and_swagger_ui_are_served_without_a_function(
    synthesized: Synthesized, document: dict[str, Any]
) -> None:
    template = synthesized.stacks["Api"]
    paths = body_of(template)["paths"]
    served = paths["/openapi.json"]["get"][INTEGRATION]
    assert "security" not in paths["/openapi.json"]["get"]
    assert (served["type"], served["httpMethod"]) == ("aws", "GET")
    uri = json.dumps(served["uri"])
    assert ":s3:path/" in uri
    # The S3 object is this synthesis's asset, and it is the document, whole (larger than a
    # mapping template may be).
    (asset,) = [path for path in synthesized.outdir.glob("asset.*.json") if path.name.split(".")[1] in uri]
    assert json.loads(asset.read_text()) == document
    assert len(asset.read_bytes()) > 0
    # Read with a role that may get exactly that object.
    (role_id,) = [part["Fn::GetAtt"][0] for part in [served["credentials"]] if "Fn::GetAtt" in part]
    policies = [
        p for p in resources_of(template, "AWS::IAM::Policy").values() if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    (statement,) = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert statement["Action"] == "s3:GetObject"
    assert asset.name.split(".")[1] in json.dumps(statement["Resource"])
    page = paths["/docs"]["get"]
    assert "security" not in page
    assert page[INTEGRATION]["type"] == "mock"
    assert page[INTEGRATION]["responses"]["default"]["responseTemplates"]["application/json"] == DOCS_PAGE


def test_the_swagger_page_has_no_velocity_syntax() -> None:
    # A MOCK template goes through Velocity, where `$` and `#` are syntax.
    assert "$" not in DOCS_PAGE
    assert "#" not in DOCS_PAGE


def test_stage_throttles_traces_and_writes_json_access_logs(synthesized: Synthesized) -> None:
    (stage,) = synthesized.resources("AWS::ApiGateway::Stage", "Api").values()
    props = stage["Properties"]
    assert props["TracingEnabled"] is True
    assert json.loads(props["AccessLogSetting"]["Format"])["requestId"] == "$context.requestId"
    (settings,) = [setting for setting in props["MethodSettings"] if setting["ResourcePath"] == "/*"]
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["MetricsEnabled"] is True


def fixture_template(document: dict[str, Any], origins: tuple[str, ...] = ()) -> dict[str, Any]:
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
        document=document,
        handlers=handlers,
        user_pool=pool,
        cors_origins=origins,
        serve_document=False,
    )
    return dict(Template.from_stack(stack).to_json())


@pytest.fixture(scope="module")
def fixture() -> dict[str, Any]:
    return fixture_template(FIXTURE, origins=("https://a.example", "https://b.example"))


def test_authorizer_exactly_on_operations_with_security(fixture: dict[str, Any]) -> None:
    body = body_of(fixture)
    secured = {
        (method.upper(), path): "security" in operation
        for path, item in body["paths"].items()
        for method, operation in item.items()
        if method != "options"
    }
    assert secured == {
        ("GET", "/products"): False,
        ("GET", "/vendors/{vendor_id}/offers/{sku}"): False,
        ("PUT", "/vendors/{vendor_id}/offers/{sku}"): True,
        ("GET", "/cart"): True,
    }
    (pool,) = resources_of(fixture, "AWS::Cognito::UserPool")
    authorizer = body["components"]["securitySchemes"][AUTHORIZER]["x-amazon-apigateway-authorizer"]
    assert authorizer["providerARNs"] == [{"Fn::GetAtt": [pool, "Arn"]}]
    assert authorizer["authorizerResultTtlInSeconds"] == 300


def test_a_document_without_signed_in_operations_has_no_authorizer(fixture: dict[str, Any]) -> None:
    public = {"paths": {"/products": FIXTURE["paths"]["/products"]}}
    body = gateway_body(public, integrations={"catalog": "uri"}, user_pool_arn="pool", origins=["*"])
    assert "components" not in body
    assert "security" not in body


def test_each_operation_calls_its_context_function(fixture: dict[str, Any]) -> None:
    body = body_of(fixture)
    functions = resources_of(fixture, "AWS::Lambda::Function")
    for path, item in FIXTURE["paths"].items():
        for method, operation in item.items():
            uri = body["paths"][path][method][INTEGRATION]["uri"]
            (function,) = [name for name in functions if json.dumps({"Fn::GetAtt": [name, "Arn"]}) in json.dumps(uri)]
            assert function.startswith(operation["x-plein-context"])


def test_cors_preflight_exactly_on_paths_with_operations_and_anonymous(fixture: dict[str, Any]) -> None:
    body = body_of(fixture)
    preflights = {path: item["options"] for path, item in body["paths"].items() if "options" in item}
    assert set(preflights) == set(FIXTURE["paths"])
    for operation in preflights.values():
        assert "security" not in operation
        assert operation[INTEGRATION]["type"] == "mock"


def test_the_preflight_is_what_cdk_add_cors_preflight_built() -> None:
    # Given the preflight CDK built per resource before the API became one definition
    stack = Stack(App(), "Cors")
    api = apigw.RestApi(stack, "Api")
    origins = ["https://a.example", "https://b.example"]
    resource = api.root.add_resource("a")
    resource.add_cors_preflight(
        allow_origins=origins,
        allow_headers=[*apigw.Cors.DEFAULT_HEADERS, "Idempotency-Key"],
        max_age=Duration.minutes(10),
    )
    resource.add_method("GET")
    (method,) = [
        m["Properties"]
        for m in resources_of(dict(Template.from_stack(stack).to_json()), "AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] == "OPTIONS"
    ]
    (cdk_response,) = method["Integration"]["IntegrationResponses"]
    # Then the body's preflight answers alike: status, headers, the other origins echoed
    ours = preflight(origins)[INTEGRATION]
    assert ours["requestTemplates"] == method["Integration"]["RequestTemplates"]
    response = ours["responses"]["default"]
    assert response["statusCode"] == cdk_response["StatusCode"]
    assert response["responseParameters"] == cdk_response["ResponseParameters"]
    assert response["responseTemplates"] == cdk_response["ResponseTemplates"]


def test_cors_cannot_mix_any_origin_with_named_ones() -> None:
    with pytest.raises(ValueError, match="cannot mix"):
        preflight(["*", "https://a.example"])


def test_path_query_and_header_parameters_are_validated_as_declared(fixture: dict[str, Any]) -> None:
    body = body_of(fixture)
    offer = body["paths"]["/vendors/{vendor_id}/offers/{sku}"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in offer["parameters"]] == [
        ("sku", "path", True),
        ("vendor_id", "path", True),
    ]
    products = body["paths"]["/products"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in products["parameters"]] == [("q", "query", False)]
    assert "parameters" not in body["paths"]["/cart"]["get"]
    assert body["x-amazon-apigateway-request-validators"][VALIDATOR] == {
        "validateRequestBody": True,
        "validateRequestParameters": True,
    }


def test_one_invoke_permission_per_context_function(fixture: dict[str, Any]) -> None:
    permissions = resources_of(fixture, "AWS::Lambda::Permission").values()
    assert sorted(p["Properties"]["FunctionName"]["Fn::GetAtt"][0][:6] for p in permissions) == [
        "catalo",
        "orders",
        "vendor",
    ]
    for permission in permissions:
        assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
        assert json.dumps(permission["Properties"]["SourceArn"]).endswith('"/*/*/*"]]}')


def test_a_changed_definition_is_a_new_deployment(fixture: dict[str, Any]) -> None:
    def deployment_of(template: dict[str, Any]) -> str:
        (logical_id,) = resources_of(template, "AWS::ApiGateway::Deployment")
        return logical_id

    same = fixture_template(FIXTURE, origins=("https://a.example", "https://b.example"))
    changed = json.loads(json.dumps(FIXTURE))
    changed["paths"]["/cart"]["delete"] = {"x-plein-context": "orders", "security": [{"cognito": []}]}
    assert deployment_of(same) == deployment_of(fixture)
    assert deployment_of(fixture_template(changed, origins=("https://a.example", "https://b.example"))) != (
        deployment_of(fixture)
    )


def test_operations_without_an_owner_or_with_clashing_variables_are_refused() -> None:
    with pytest.raises(ValueError, match="x-plein-context"):
        routes.operations({"paths": {"/a": {"get": {}}}})
    clash = {"/a/{x}": {"get": {"x-plein-context": "c"}}, "/a/{y}/b": {"get": {"x-plein-context": "c"}}}
    with pytest.raises(ValueError, match="two variable children"):
        routes.operations({"paths": clash})
    with pytest.raises(ValueError, match="without an API function"):
        gateway_body(FIXTURE, integrations={"catalog": "uri"}, user_pool_arn="pool", origins=["*"])


def test_a_document_larger_than_a_mapping_template_is_served_whole(tmp_path: Any) -> None:
    # Replaces "docs/openapi.json has outgrown a mapping template" (300 KB): the document is an S3
    # object now, whatever its size.
    document = {"openapi": "3.1.0", "paths": {}, "info": {"description": "$x #y " * 100_000}}
    app = App(outdir=str(tmp_path))
    docs = ApiDocs(Stack(app, "Docs"), "Docs", document=document)
    app.synth()
    assert docs.paths["/openapi.json"]["get"][INTEGRATION]["type"] == "aws"
    (asset,) = tmp_path.glob("asset.*.json")
    assert asset.stat().st_size > 300_000
    assert json.loads(asset.read_text()) == document


def test_gateway_responses_answer_in_the_error_shape_with_cors(fixture: dict[str, Any]) -> None:
    from functions.common.errors import GATEWAY_ERRORS

    responses = body_of(fixture)["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == set(GATEWAY_ERRORS)
    for response_type, error in GATEWAY_ERRORS.items():
        response = responses[response_type]
        assert response["statusCode"] == error.status
        assert json.loads(response["responseTemplates"]["application/json"]) == error.body()
        # the web client's origin (the last one), so that a browser shows the refusal
        origin = response["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
        assert origin == "'https://b.example'"


def test_the_open_tracking_pixel_leaves_api_gateway_as_bytes(synthesized: Synthesized) -> None:
    # A proxy answer marked base64 is decoded only for the API's binary media types
    assert body_of(synthesized.stacks["Api"])["x-amazon-apigateway-binary-media-types"] == ["image/*", "image/gif"]
