"""The REST API: one `SpecRestApi` whose body is the generated OpenAPI document with API Gateway's
extensions (infra/api_definition.py), one proxy Lambda per context.

Methods, path parts, preflights, the authorizer, the request validator and the gateway responses
are all inside the one `AWS::ApiGateway::RestApi` resource, so the Api stack no longer grows with
the API (docs/decisions.md, 2026-12-05).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.api_definition import gateway_body
from infra.config import StageConfig
from infra.constructs.api_docs import ApiDocs
from infra.nag import acknowledge
from infra.routes import Operation, operations

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
# Writes that cost money or work downstream get the stage's tighter per-method throttle.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
THROTTLED_WRITES = ("checkout", "feeds", "reviews")


def lambda_uri(function: lambda_.IFunction) -> str:
    invocations = f"2015-03-31/functions/{function.function_arn}/invocations"
    return f"arn:{Aws.PARTITION}:apigateway:{Aws.REGION}:lambda:path/{invocations}"


class RestApiFromOpenApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        document: dict[str, Any],
        handlers: Mapping[str, lambda_.IFunction],
        user_pool: cognito.IUserPool,
        cors_origins: Sequence[str] = (),
        serve_document: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        self.operations = operations(document)
        contexts = sorted({operation.context for operation in self.operations})
        unknown = set(contexts) - handlers.keys()
        if unknown:
            raise ValueError(f"the OpenAPI document names contexts without an API function: {sorted(unknown)}")
        self.docs = ApiDocs(self, "Docs", document=document) if serve_document else None
        self.body = gateway_body(
            document,
            integrations={context: lambda_uri(handlers[context]) for context in contexts},
            user_pool_arn=user_pool.user_pool_arn,
            # Refusals API Gateway answers itself name the last origin (the web client's).
            origins=list(cors_origins) or ["*"],
            extra_paths=self.docs.paths if self.docs else None,
        )
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=stage.log_retention, removal_policy=stage.removal_policy
        )
        # A construct id of its own, so that the first deploy replaces the resource-tree API with a
        # new one instead of importing a body into it while CloudFormation deletes its old methods,
        # resources and gateway responses (the URL changes once; the web client's config follows).
        self.api = apigw.SpecRestApi(
            self,
            "Definition",
            api_definition=apigw.ApiDefinition.from_inline(self.body),
            rest_api_name=stage.name_of("api"),
            description="Plein REST API (generated from the code's OpenAPI document)",
            # The account's CloudWatch role is set by the account stack, which deploys first.
            cloud_watch_role=False,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name=stage.name,
                throttling_rate_limit=stage.throttle_rate,
                throttling_burst_limit=stage.throttle_burst,
                method_options=write_throttling(stage, self.operations),
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=ACCESS_LOG_FORMAT,
            ),
        )
        # The deployment's logical id hashes the RestApi's properties, the body with them (CDK's
        # LatestDeploymentResource): a changed definition is a new deployment, never a stale stage.

        # One invoke permission per function (not per operation), for any method and stage of this API.
        for context in contexts:
            handlers[context].add_permission(
                f"InvokeFromApi{context.title()}",
                principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
                source_arn=self.api.arn_for_execute_api(),
                scope=self,
            )
        acknowledge(
            self.api,
            "AwsSolutions-APIG3",
            "The stage's regional WAF web ACL (rate per IP, AWS managed rules) is associated by the edge stack.",
        )
        acknowledge(
            self.api,
            "AwsSolutions-APIG2",
            "Request validation is in the OpenAPI body (x-amazon-apigateway-request-validators, on every "
            "operation), where cdk-nag looks only for AWS::ApiGateway::RequestValidator resources.",
        )


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
