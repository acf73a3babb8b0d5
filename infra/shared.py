"""What the stacks hand to each other: references to shared resources and an inventory for monitoring."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import Aws, Fn, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct

from infra.config import StageConfig
from infra.constructs.web_client import WebClient


@dataclass(frozen=True)
class SearchRefs:
    collection_name: str
    collection_arn: str
    endpoint: str
    collection_id: str


@dataclass(frozen=True)
class WebSocketRefs:
    callback_url: str
    url: str
    """The `wss://` URL clients connect to (the web client's `ws_url`)."""
    api_id: str
    stage_name: str
    stack: Stack
    api_logical_id: str
    api_id_export: str  # a fixed export name, so that other stacks' grants (and findings) are predictable

    def manage_connections(self, scope: IConstruct) -> tuple[str, str]:
        """The `@connections/*` ARN of this socket stage as `scope`'s stack sees it, and the cdk-nag
        finding its wildcard raises there (acknowledged where it is granted).

        Pseudo parameters, not a stack's pinned account and region, so the finding reads the same
        in every stage."""
        same_stack = Stack.of(scope) is self.stack
        if not same_stack:  # an import by name carries no dependency of its own
            Stack.of(scope).add_stack_dependency(self.stack, "imports the socket API id by export name")
        api_id = self.api_id if same_stack else Fn.import_value(self.api_id_export)
        shown = f"<{self.api_logical_id}>" if same_stack else self.api_id_export
        path = f"{self.stage_name}/*/@connections/*"
        arn = f"arn:{Aws.PARTITION}:execute-api:{Aws.REGION}:{Aws.ACCOUNT_ID}:{api_id}/{path}"
        pseudo = "arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>"
        finding = f"AwsSolutions-IAM5[Resource::{pseudo}:{shown}/{path}]"
        return arn, finding


@dataclass
class Inventory:
    """What the observability stack watches, by physical name (so that it imports no exports).

    Keys are short labels for alarm names; values are the deployed names.
    """

    functions: dict[str, str] = field(default_factory=dict)
    stream_functions: dict[str, str] = field(default_factory=dict)
    dead_letter_queues: dict[str, str] = field(default_factory=dict)
    rest_api_names: list[str] = field(default_factory=list)
    # label -> timeout in seconds, for the "near its timeout" alarms
    timeouts: dict[str, int] = field(default_factory=dict)
    # label -> queue name of every consumer queue (not the DLQs), for the queue-age alarms
    queues: dict[str, str] = field(default_factory=dict)
    # rule names whose targets can fail (EventBridge FailedInvocations)
    rules: list[str] = field(default_factory=list)
    web_acl_metric: str | None = None


@dataclass
class Shared:
    """References one stage's stacks share; filled in stack by stack in app order."""

    stage: StageConfig
    tables: dict[str, dynamodb.Table] = field(default_factory=dict)
    table_indexes: dict[str, list[str]] = field(default_factory=dict)
    bus: events.IEventBus | None = None
    event_queues: dict[str, sqs.IQueue] = field(default_factory=dict)
    event_dlqs: dict[str, sqs.IQueue] = field(default_factory=dict)
    bucket: s3.IBucket | None = None
    bucket_queues: dict[str, sqs.IQueue] = field(default_factory=dict)
    user_pool: cognito.IUserPool | None = None
    user_pool_client_id: str | None = None
    cursor_secret: secretsmanager.ISecret | None = None
    payment_secret: secretsmanager.ISecret | None = None
    web: WebClient | None = None
    rest_api: apigw.RestApiBase | None = None
    search: SearchRefs | None = None
    websocket: WebSocketRefs | None = None
    inventory: Inventory = field(default_factory=Inventory)

    def cors_origins(self) -> tuple[str, ...]:
        """The stage's explicit browser origins plus its deployed web client's (once the web stack exists)."""
        return (*self.stage.cors_origins, self.web.url) if self.web else self.stage.cors_origins

    def require_bus(self) -> events.IEventBus:
        if self.bus is None:
            raise RuntimeError("the events stack must be built before the functions")
        return self.bus
