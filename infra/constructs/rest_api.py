"""The REST API, built from the generated OpenAPI document: one proxy Lambda per context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.common.api import IDEMPOTENCY_HEADER
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
    "allow_origins": apigw.Cors.ALL_ORIGINS,
    "allow_headers": [*apigw.Cors.DEFAULT_HEADERS, IDEMPOTENCY_HEADER],
    "max_age": Duration.minutes(10),
}
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
            cloud_watch_role=True,
            # The account-wide logging role may be shared by several stages: never delete it.
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name=stage.name,
                throttling_rate_limit=stage.throttle_rate,
                throttling_burst_limit=stage.throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=ACCESS_LOG_FORMAT,
            ),
        )
        cors_headers = {"Access-Control-Allow-Origin": "'*'"}
        self.api.add_gateway_response("Default4xx", type=apigw.ResponseType.DEFAULT_4_XX, response_headers=cors_headers)
        self.api.add_gateway_response("Default5xx", type=apigw.ResponseType.DEFAULT_5_XX, response_headers=cors_headers)
        acknowledge(
            self.api,
            "AwsSolutions-APIG3",
            "Stage throttling and the Cognito authorizer guard the API; a WAF web ACL is a per-stage cost decision.",
        )
        acknowledge(
            self.api,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-level role API Gateway needs to write execution logs; AWS documents this managed policy.",
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
            preflight = resource.add_cors_preflight(**CORS)
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
