"""The advice WebSocket API: `$connect` behind a Lambda REQUEST authorizer, every route to one function."""

from __future__ import annotations

import json
from typing import Any

import jsii
from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import StageConfig
from infra.nag import acknowledge
from infra.shared import WebSocketRefs

ACTIONS = (
    "presence", "request", "accept", "decline", "message", "media", "signal", "forward", "end", "typing", "heartbeat",
    "resume",
)  # fmt: skip
TOKEN_SOURCE = "route.request.querystring.token"  # noqa: S105 (where the token is, not a token)
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "routeKey": "$context.routeKey",
    "eventType": "$context.eventType",
    "connectionId": "$context.connectionId",
    "status": "$context.status",
    "error": "$context.error.message",
    "authorizerError": "$context.authorizer.error",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogs:
    def __init__(self, group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS))


class AdviceSocket(Construct):
    """Create it, read `refs` for the functions' environment, then `route_to` the handler."""

    def __init__(self, scope: Construct, construct_id: str, *, stage: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.api = apigwv2.WebSocketApi(
            self,
            "Api",
            api_name=stage.name_of("advice-ws"),
            description="Plein live advice (signalling, presence, chat)",
            route_selection_expression="$request.body.action",
        )
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=stage.log_retention, removal_policy=stage.removal_policy
        )
        self.stage = apigwv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=stage.name,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=stage.throttle_rate, burst_limit=stage.throttle_burst),
            access_log_settings=_AccessLogs(access_logs),
        )
        stack = Stack.of(self)
        export_name = stage.name_of("advice-ws-api-id")
        CfnOutput(stack, "AdviceSocketApiId", value=self.api.api_id, export_name=export_name)
        self.refs = WebSocketRefs(
            callback_url=self.stage.callback_url,
            url=self.stage.url,
            api_id=self.api.api_id,
            stage_name=stage.name,
            stack=stack,
            api_logical_id=stack.get_logical_id(self.api.node.default_child),  # type: ignore[arg-type]
            api_id_export=export_name,
        )

    def route_to(self, handler: lambda_.IFunction, authorizer_handler: lambda_.IFunction) -> None:
        authorizer = authorizers.WebSocketLambdaAuthorizer(
            "TokenAuthorizer", authorizer_handler, identity_source=[TOKEN_SOURCE]
        )
        # Frames get their reply through a route response; connect and disconnect have none.
        routes: dict[str, dict[str, Any]] = {"$connect": {"authorizer": authorizer}, "$disconnect": {}}
        routes.update({key: {"return_response": True} for key in ("$default", *ACTIONS)})
        for key, options in routes.items():
            route = self.api.add_route(
                key, integration=integrations.WebSocketLambdaIntegration(f"{key}-integration", handler), **options
            )
            if key != "$connect":
                acknowledge(
                    route,
                    "AwsSolutions-APIG4",
                    "Only $connect is authorized (the token is checked once per connection); later frames ride on it.",
                )
