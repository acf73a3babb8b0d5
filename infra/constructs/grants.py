"""Least-privilege grants of one function, derived from its `needs` in the wiring.

Every statement names its actions (no `service:*`), and data resources are named exactly: the
function's own table and its indexes, the feeds bucket, the search collection, the socket API.
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from functions.common.wiring import ContextWiring, Function, Need
from infra import topology
from infra.constructs.search_access import register_search_role
from infra.nag import acknowledge
from infra.shared import Shared

TABLE_ACTIONS = [
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
]
BUCKET_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
# Exactly the calls of the code that needs the pool (vendor approval: functions/vendor/store/cognito.py).
USER_POOL_ACTIONS = ["cognito-idp:AdminAddUserToGroup", "cognito-idp:AdminUpdateUserAttributes"]
CHIME_MEETING_ACTIONS = [
    "chime:GetMeeting",
    "chime:DeleteMeeting",
    "chime:CreateAttendee",
    "chime:DeleteAttendee",
    "chime:ListAttendees",
]
KVS_CHANNEL_ACTIONS = [
    "kinesisvideo:CreateSignalingChannel",
    "kinesisvideo:DescribeSignalingChannel",
    "kinesisvideo:DeleteSignalingChannel",
    "kinesisvideo:GetSignalingChannelEndpoint",
    "kinesisvideo:GetIceServerConfig",
    "kinesisvideo:ConnectAsMaster",
    "kinesisvideo:ConnectAsViewer",
]


def grant_needs(
    fn: lambda_.Function,
    role: iam.Role,
    *,
    shared: Shared,
    wiring: ContextWiring,
    function: Function,
    own_table: bool = True,
) -> None:
    if own_table:
        table = shared.tables[wiring.name]
        indexes = [f"{table.table_arn}/index/{name}" for name in shared.table_indexes[wiring.name]]
        role.add_to_policy(iam.PolicyStatement(actions=TABLE_ACTIONS, resources=[table.table_arn, *indexes]))
        if shared.cursor_secret is not None:  # functions with data sign or read pagination cursors
            shared.cursor_secret.grant_read(role)
    needs = function.needs
    if Need.EVENT_BUS in needs:
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["events:PutEvents"],
                resources=[shared.require_bus().event_bus_arn],
                conditions={"StringEquals": {"events:source": [wiring.source]}},
            )
        )
    if Need.FEEDS_BUCKET in needs:
        bucket_arn = shared.stage.feeds_bucket_arn
        role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket_arn]))
        role.add_to_policy(iam.PolicyStatement(actions=BUCKET_OBJECT_ACTIONS, resources=[f"{bucket_arn}/*"]))
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{shared.stage.name_of('feeds')}-<AWS::AccountId>-<AWS::Region>/*]",
            "Feed objects are keyed by vendor and upload id, created at run time; access is the feeds bucket only.",
        )
    if Need.SEARCH in needs:
        if shared.search is None:
            raise RuntimeError("the search stack must be built before functions that need SEARCH")
        role.add_to_policy(iam.PolicyStatement(actions=["aoss:APIAccessAll"], resources=[shared.search.collection_arn]))
        register_search_role(fn, role, shared)
    if Need.USER_POOL in needs and shared.user_pool is not None:
        role.add_to_policy(iam.PolicyStatement(actions=USER_POOL_ACTIONS, resources=[shared.user_pool.user_pool_arn]))
    if Need.WEBSOCKET in needs:
        if shared.websocket is None:
            raise RuntimeError("the realtime stack must be built before functions that need WEBSOCKET")
        connections, finding = shared.websocket.manage_connections(role)
        role.add_to_policy(iam.PolicyStatement(actions=["execute-api:ManageConnections"], resources=[connections]))
        acknowledge(
            role,
            finding,
            "Connection ids are assigned by API Gateway at run time; the grant covers this socket API stage only.",
        )
    if Need.PAYMENTS in needs and shared.payment_secret is not None:
        shared.payment_secret.grant_read(role)
    if Need.MEDIA in needs:
        grant_media(role, shared.stage.name_of("advice"))
    grant_named(role, needs, shared.stage.name)
    grant_messaging(role, needs, shared)


def grant_named(role: iam.Role, needs: frozenset[Need], stage: str) -> None:
    """Grants on resources named, not referenced: another stack makes them after the functions exist
    (the API stack writes the API's URL parameter; rewards-redemptions is built in the workers
    stack, after the API's functions), and a reference would make the stacks depend on each other."""
    if Need.LINKS in needs:
        parameter = f"{_arn('ssm')}:parameter{topology.public_api_url_parameter(stage)}"
        role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetParameter"], resources=[parameter]))
    if Need.REDEMPTIONS in needs:
        function = f"{_arn('lambda')}:function:{topology.redemptions_function_name(stage)}"
        role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[function]))


def _arn(service: str) -> str:
    """The ARN prefix of `service` in the stack's own account and region."""
    return f"arn:{Aws.PARTITION}:{service}:{Aws.REGION}:{Aws.ACCOUNT_ID}"


def grant_messaging(role: iam.Role, needs: frozenset[Need], shared: Shared) -> None:
    """Notifications: SES from the stage's sender, SNS push endpoints, members' contact details."""
    if Need.MAIL in needs and shared.stage.ses_from_email:
        grant_mail(role, shared.stage.ses_from_email, topology.mail_configuration_set(shared.stage.name))
    if Need.PUSH in needs and shared.stage.push_applications:
        grant_push(role, list(shared.stage.push_applications.values()))
    if Need.CONTACTS in needs and shared.user_pool is not None:
        role.add_to_policy(
            iam.PolicyStatement(actions=["cognito-idp:ListUsers"], resources=[shared.user_pool.user_pool_arn])
        )


def grant_mail(role: iam.Role, sender: str, configuration_set: str) -> None:
    """SendRawEmail from the stage's sender only (its address identity or its domain's), through the
    stage's configuration set (SES authorizes a send against both)."""
    domain = sender.rpartition("@")[2]
    ses = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}"
    identities = [
        f"{ses}:identity/{sender}",
        f"{ses}:identity/{domain}",
        f"{ses}:configuration-set/{configuration_set}",
    ]
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["ses:SendRawEmail"],
            resources=identities,
            conditions={"StringEquals": {"ses:FromAddress": sender}},
        )
    )


def grant_push(role: iam.Role, applications: list[str]) -> None:
    """Platform endpoints of the stage's platform applications: create, publish to, delete."""
    role.add_to_policy(iam.PolicyStatement(actions=["sns:CreatePlatformEndpoint"], resources=applications))
    endpoints = f"arn:{Aws.PARTITION}:sns:{Aws.REGION}:{Aws.ACCOUNT_ID}:endpoint/*"
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["sns:Publish", "sns:DeleteEndpoint", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes"],
            resources=[endpoints],
        )
    )
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:<AWS::Region>:<AWS::AccountId>:endpoint/*]",
        "Platform endpoints are created per device at run time; scoped to this account and region.",
    )


def grant_media(role: iam.Role, prefix: str) -> None:
    """Chime SDK meetings and KVS signalling channels for live advice (media permissions)."""
    meetings = f"arn:{Aws.PARTITION}:chime:{Aws.REGION}:{Aws.ACCOUNT_ID}:meeting/*"
    channels = f"arn:{Aws.PARTITION}:kinesisvideo:{Aws.REGION}:{Aws.ACCOUNT_ID}:channel/{prefix}-*/*"
    role.add_to_policy(
        iam.PolicyStatement(actions=["chime:CreateMeeting", "chime:CreateMeetingWithAttendees"], resources=["*"])
    )
    role.add_to_policy(iam.PolicyStatement(actions=CHIME_MEETING_ACTIONS, resources=[meetings]))
    role.add_to_policy(iam.PolicyStatement(actions=KVS_CHANNEL_ACTIONS, resources=[channels]))
    acknowledge(
        role,
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:chime:<AWS::Region>:<AWS::AccountId>:meeting/*]",
        "Meeting ids are created per advice session at run time; scoped to this account and region.",
    )
    acknowledge(
        role,
        f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kinesisvideo:<AWS::Region>:<AWS::AccountId>:channel/{prefix}-*/*]",
        "Signalling channels are created per advisor at run time under this stage's name prefix.",
    )
