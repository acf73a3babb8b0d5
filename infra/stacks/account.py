"""Account: settings that belong to the account and region, not to one API or collection.

- API Gateway's CloudWatch Logs role (AWS::ApiGateway::Account). Every stage with execution or
  access logging (the REST API and the WebSocket API) needs it before its stage is created, so it
  lives here, in the first stack, and the API stacks depend on this one.
- OpenSearch Serverless capacity caps (UpdateAccountSettings has no CloudFormation resource: a
  CDK SDK-call custom resource sets them), so a runaway index or query load cannot scale the
  collection's bill without limit.

Both settings are account-wide: several stages in one account and region share them; the role is
retained when a stack goes away (another stage may still log through it).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra.constructs.web_client import acknowledge_sdk_call_handler
from infra.nag import acknowledge
from infra.shared import Shared

PUSH_TO_CLOUDWATCH = "service-role/AmazonAPIGatewayPushToCloudWatchLogs"


class AccountStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, shared: Shared, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        stage = shared.stage
        role = iam.Role(
            self,
            "ApiGatewayLogsRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(PUSH_TO_CLOUDWATCH)],
            description="API Gateway writes REST and WebSocket logs of every stage in this account and region",
        )
        role.apply_removal_policy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
        acknowledge(
            role,
            f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{PUSH_TO_CLOUDWATCH}]",
            "The account-level role API Gateway needs to write execution logs; AWS documents this managed policy.",
        )
        self.api_gateway_account = apigw.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        self.api_gateway_account.apply_removal_policy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
        capacity = {
            "capacityLimits": {
                "maxIndexingCapacityInOCU": stage.search_max_indexing_ocu,
                "maxSearchCapacityInOCU": stage.search_max_search_ocu,
            }
        }
        call = cr.AwsSdkCall(
            service="OpenSearchServerless",
            action="updateAccountSettings",
            parameters=capacity,
            physical_resource_id=cr.PhysicalResourceId.of(f"{stage.name_of('search-capacity')}"),
        )
        self.search_capacity = cr.AwsCustomResource(
            self,
            "SearchCapacity",
            on_create=call,
            on_update=call,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [iam.PolicyStatement(actions=["aoss:UpdateAccountSettings"], resources=["*"])]
            ),
            install_latest_aws_sdk=False,
        )
        acknowledge(
            self.search_capacity,
            "AwsSolutions-IAM5[Resource::*]",
            "aoss:UpdateAccountSettings has no resource-level scoping: it sets the account's capacity caps.",
        )
        acknowledge_sdk_call_handler(self)
