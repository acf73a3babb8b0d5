"""What the stacks hand to each other: references to shared resources and an inventory for monitoring."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs

from infra.config import StageConfig


@dataclass(frozen=True)
class SearchRefs:
    collection_name: str
    collection_arn: str
    endpoint: str


@dataclass(frozen=True)
class WebSocketRefs:
    callback_url: str
    manage_connections_arn: str
    # The cdk-nag finding the `@connections/*` wildcard raises, acknowledged where it is granted.
    connections_finding: str


@dataclass
class Inventory:
    """What the observability stack watches, by physical name (so that it imports no exports).

    Keys are short labels for alarm names; values are the deployed names.
    """

    functions: dict[str, str] = field(default_factory=dict)
    stream_functions: dict[str, str] = field(default_factory=dict)
    dead_letter_queues: dict[str, str] = field(default_factory=dict)
    rest_api_names: list[str] = field(default_factory=list)


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
    cursor_secret: secretsmanager.ISecret | None = None
    search: SearchRefs | None = None
    websocket: WebSocketRefs | None = None
    inventory: Inventory = field(default_factory=Inventory)

    def require_bus(self) -> events.IEventBus:
        if self.bus is None:
            raise RuntimeError("the events stack must be built before the functions")
        return self.bus
