"""The one way Plein makes a Lambda function: arm64, Python 3.13, X-Ray, own log group and role."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.common.wiring import ContextWiring, Function
from infra import topology
from infra.constructs.bundling import context_code, dependencies_code
from infra.constructs.grants import grant_needs
from infra.nag import acknowledge
from infra.shared import Shared

RUNTIME = lambda_.Runtime.PYTHON_3_13  # keep in step with bundling.PYTHON_VERSION
LAYER_ID = "DependenciesLayer"


def dependencies_layer(scope: Construct) -> lambda_.LayerVersion:
    """One layer per stack (a cross-stack layer export could never be updated once imported)."""
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(LAYER_ID)
    if isinstance(existing, lambda_.LayerVersion):
        return existing
    return lambda_.LayerVersion(
        stack,
        LAYER_ID,
        code=dependencies_code(),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[lambda_.Architecture.ARM_64],
        description="Plein runtime requirements (no dev packages)",
    )


class PleinFunction(Construct):
    """A function declared in a context's wiring, with exactly the grants its `needs` name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        shared: Shared,
        wiring: ContextWiring,
        function: Function,
        extra_environment: dict[str, str] | None = None,
        own_table: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        stage = shared.stage
        name = topology.function_name(stage.name, function)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=stage.log_retention,
            removal_policy=stage.removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {name}",
        )
        self.log_group.grant_write(self.role)
        environment = topology.function_environment(wiring, function, _endpoints(shared))
        environment.update(extra_environment or {})
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=name,
            runtime=RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=function.handler,
            code=context_code(wiring.name),
            layers=[dependencies_layer(self)],
            memory_size=function.memory_mb,
            timeout=Duration.seconds(function.timeout_seconds),
            # A stage setting, none by default: a new account's quota may not allow any reservation.
            reserved_concurrent_executions=stage.reserved_concurrency_of(function.name),
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            role=self.role,
            environment=environment,
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Python 3.13 is the newest runtime the lock file's arm64 wheels are built and tested for; 3.14 follows.",
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::*]",
            "Only actions without resource-level scoping use `*`: X-Ray PutTraceSegments/PutTelemetryRecords, "
            "DynamoDB ListStreams (stream consumers), Chime CreateMeeting (media).",
        )
        grant_needs(self.function, self.role, shared=shared, wiring=wiring, function=function, own_table=own_table)
        shared.inventory.functions[function.name] = name
        shared.inventory.timeouts[function.name] = function.timeout_seconds


def _endpoints(shared: Shared) -> topology.Endpoints:
    if shared.cursor_secret is None:
        raise RuntimeError("the auth stack must be built before the functions")
    stage = shared.stage
    return topology.Endpoints(
        stage=stage.name,
        feeds_bucket=stage.feeds_bucket_name,
        cursor_secret_arn=shared.cursor_secret.secret_arn,
        cors_origins=shared.cors_origins(),
        payment_provider=stage.payment_provider,
        media_provider=stage.media_provider,
        payment_secret_arn=shared.payment_secret.secret_arn if shared.payment_secret else None,
        search_endpoint=shared.search.endpoint if shared.search else None,
        user_pool_id=shared.user_pool.user_pool_id if shared.user_pool else None,
        websocket_endpoint=shared.websocket.callback_url if shared.websocket else None,
        mail_sender=stage.ses_from_email,
        mail_configuration_set=topology.mail_configuration_set(stage.name) if stage.ses_from_email else None,
        public_api_url_parameter=topology.public_api_url_parameter(stage.name),
        push_applications=tuple(stage.push_applications.items()),
        web_url=shared.web.url if shared.web else None,
    )
