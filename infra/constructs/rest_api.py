"""The REST API, built from the generated OpenAPI document: one proxy Lambda per context."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.common.api import IDEMPOTENCY_HEADER
from functions.common.errors import GATEWAY_ERRORS
from infra.config import StageConfig
from infra.constructs.api_docs import add_docs_routes
from infra.nag import acknowledge
from infra.routes import Operation

ACCESS_LOG_FORMAT = apigw.AccessLogFormat.json_with_standard_fields(
    caller=True,
    http_method=True,
    ip=True,
    protocol=True,
    request_time=True,
    resource_path=True,
    response_length=True,
    status=True,
    user=True,
)
CORS: dict[str, Any] = {
    "allow_headers": [*apigw.Cors.DEFAULT_HEADERS, IDEMPOTENCY_HEADER],
    "max_age": Duration.minutes(10),
}
# Writes that cost money or work downstream get the stage's tighter per-method throttle.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
THROTTLED_WRITES = ("checkout", "feeds", "reviews")
PUBLIC_REASON = "Public per the OpenAPI document (no `security` on the operation): {method} {path}."


class RestApiFromOpenApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        operations: list[Operation],
        document: dict[str, Any] | None = None,
        handlers: Mapping[str, lambda_.IFunction],
        user_pool: cognito.IUserPool,
        cors_origins: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=stage.log_retention, removal_policy=stage.removal_policy
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=stage.name_of("api"),
            description="Plein REST API (generated from docs/openapi.json)",
            # The account's CloudWatch role is set by the account stack, which deploys first.
            cloud_watch_role=False,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name=stage.name,
                throttling_rate_limit=stage.throttle_rate,
                throttling_burst_limit=stage.throttle_burst,
                method_options=write_throttling(stage, operations),
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=ACCESS_LOG_FORMAT,
            ),
        )
        # Refusals API Gateway answers itself (authorizer, throttling, WAF) name the web client's
        # origin, so that the browser shows them; the functions answer the other origins.
        origins = list(cors_origins) or [apigw.Cors.ALL_ORIGINS[0]]
        cors_headers = {"Access-Control-Allow-Origin": f"'{origins[-1]}'", "Vary": "'Origin'"}
        for response_type, error in GATEWAY_ERRORS.items():
            # One error shape for clients, answered by API Gateway itself; the input is never echoed.
            self.api.add_gateway_response(
                f"Gateway{response_type.title().replace('_', '')}",
                type=apigw.ResponseType.of(response_type),
                status_code=str(error.status),
                response_headers=cors_headers,
                templates={"application/json": json.dumps(error.body())},
            )
        acknowledge(
            self.api,
            "AwsSolutions-APIG3",
            "The stage's regional WAF web ACL (rate per IP, AWS managed rules) is associated by the edge stack.",
        )
        validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        integrations = {
            context: apigw.LambdaIntegration(handler, proxy=True, scope_permission_to_method=False)
            for context, handler in handlers.items()
        }
        self.authorizer: apigw.CognitoUserPoolsAuthorizer | None = None
        self.methods: dict[tuple[str, str], apigw.Method] = {}
        served: dict[str, apigw.IResource] = {}
        for operation in operations:
            authorization_type, authorizer = self._auth(operation, user_pool)
            resource = served.setdefault(operation.path, self.api.root.resource_for_path(operation.path))
            method = resource.add_method(
                operation.method,
                integrations[operation.context],
                request_validator=validator,
                request_parameters=dict(operation.parameters) or None,
                authorization_type=authorization_type,
                authorizer=authorizer,
            )
            if not operation.secured:
                reason = PUBLIC_REASON.format(method=operation.method, path=operation.path)
                acknowledge(method, "AwsSolutions-APIG4", reason)
                acknowledge(method, "AwsSolutions-COG4", reason)
            self.methods[(operation.method, operation.path)] = method
        if document is not None:
            self.docs_methods = add_docs_routes(self.api, document)
        # Preflight only where there is something to call: intermediate path parts get none, which
        # keeps the stack well under CloudFormation's 500 resources as the API grows.
        for resource in served.values():
            preflight = resource.add_cors_preflight(**CORS, allow_origins=origins)
            reason = "CORS preflight (OPTIONS) is answered by API Gateway itself and must stay anonymous."
            acknowledge(preflight, "AwsSolutions-APIG4", reason)
            acknowledge(preflight, "AwsSolutions-COG4", reason)

    def _auth(
        self, operation: Operation, user_pool: cognito.IUserPool
    ) -> tuple[apigw.AuthorizationType, apigw.IAuthorizer | None]:
        if not operation.secured:
            return apigw.AuthorizationType.NONE, None
        if self.authorizer is None:
            # Created on first use: an authorizer attached to no method fails synthesis.
            self.authorizer = apigw.CognitoUserPoolsAuthorizer(
                self, "Authorizer", cognito_user_pools=[user_pool], results_cache_ttl=Duration.minutes(5)
            )
        return apigw.AuthorizationType.COGNITO, self.authorizer


def is_throttled_write(operation: Operation) -> bool:
    return operation.method in WRITE_METHODS and any(
        part in THROTTLED_WRITES for part in operation.path.strip("/").split("/")
    )


def write_throttling(stage: StageConfig, operations: Sequence[Operation]) -> dict[str, apigw.MethodDeploymentOptions]:
    """Per-method stage settings (`/<path>/<METHOD>`) for the writes named in `THROTTLED_WRITES`."""
    return {
        f"{operation.path}/{operation.method}": apigw.MethodDeploymentOptions(
            throttling_rate_limit=stage.write_throttle_rate,
            throttling_burst_limit=stage.write_throttle_burst,
            metrics_enabled=True,
            logging_level=apigw.MethodLoggingLevel.ERROR,
        )
        for operation in operations
        if is_throttled_write(operation)
    }
