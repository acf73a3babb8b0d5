"""How a context is wired into the platform, declared next to its code.

Each context has a `wiring.py` with one `ContextWiring`. The CDK app and the local runtime both
read these declarations (through `infra/topology.py`), so tables, queues, rules, bucket
notifications and schedules exist once, in one description, locally and on AWS.
Handler references are dotted paths (`functions.vendor.handlers.api.handler`) so that reading
the wiring never imports Lambda code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Need(StrEnum):
    """Resources beyond its own table a function may be granted access to."""

    EVENT_BUS = "event_bus"
    FEEDS_BUCKET = "feeds_bucket"
    SEARCH = "search"
    USER_POOL = "user_pool"
    WEBSOCKET = "websocket"
    MEDIA = "media"
    PAYMENTS = "payments"  # the stage's payment provider (PAYMENT_PROVIDER) and its key's secret
    MAIL = "mail"  # send e-mail through SES from the stage's sender identity (MAIL_SENDER)
    PUSH = "push"  # SNS mobile push: platform endpoints of the stage's platform applications
    CONTACTS = "contacts"  # read members' e-mail address and locale from the user pool (ListUsers by sub)
    TOKENS = "tokens"  # checks Cognito access tokens (GetUser: no IAM grant); reads USER_POOL_ID
    LINKS = "links"  # builds links to the web client and the REST API (WEB_URL, the API's public URL)
    REDEMPTIONS = "redemptions"  # invokes rewards-redemptions (REDEMPTIONS_FUNCTION): gift cards, points at checkout


@dataclass(frozen=True)
class TableSpec:
    """The context's table. `model` is the PynamoDB base model that defines keys and indexes."""

    model: str
    stream: bool = False


@dataclass(frozen=True)
class Function:
    """A Lambda function: `handler` is `package.module.attribute`."""

    name: str
    handler: str
    needs: frozenset[Need] = frozenset()
    memory_mb: int = 512
    timeout_seconds: int = 30
    reserved_concurrency: int | None = None


@dataclass(frozen=True)
class EventSubscription:
    """Events from the bus, matched by source and detail-type, delivered through SQS with a DLQ."""

    function: Function
    sources: tuple[str, ...]
    detail_types: tuple[str, ...]
    batch_size: int = 10
    max_receive_count: int = 3


@dataclass(frozen=True)
class StreamSubscription:
    """Records of the context's own table stream (NEW_AND_OLD_IMAGES). A batch that still fails
    after `retry_attempts` retries is skipped and described in the function's `-dlq` queue."""

    function: Function
    batch_size: int = 100
    retry_attempts: int = 5


@dataclass(frozen=True)
class BucketSubscription:
    """Objects created in the feeds bucket under `prefix`, delivered through SQS with a DLQ."""

    function: Function
    prefix: str
    batch_size: int = 1
    max_receive_count: int = 3


@dataclass(frozen=True)
class BucketRetention:
    """Objects under `prefix` in the feeds bucket are deleted `days` after they were written."""

    prefix: str
    days: int


@dataclass(frozen=True)
class Schedule:
    """An EventBridge rate rule. By default it invokes the function directly; `through_queue`
    sends the "Scheduled Event" into the function's event queue instead (the function must have an
    EventSubscription), so the tick is handled in line with its other events, e.g. by the one
    writer of an index."""

    function: Function
    rate_minutes: int
    through_queue: bool = False


@dataclass(frozen=True)
class ContextWiring:
    name: str
    table: TableSpec
    api: Function | None = None
    events: tuple[EventSubscription, ...] = ()
    streams: tuple[StreamSubscription, ...] = ()
    bucket: tuple[BucketSubscription, ...] = ()
    bucket_retention: tuple[BucketRetention, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    websocket: Function | None = None
    websocket_authorizer: Function | None = None
    """The Lambda REQUEST authorizer of the socket's `$connect` (on AWS and in the local gateway)."""
    publishes: tuple[str, ...] = field(default=())
    internal: tuple[Function, ...] = ()
    """Functions other contexts invoke directly (no route, no event source), granted by a `Need`."""

    @property
    def source(self) -> str:
        return f"plein.{self.name}"

    def functions(self) -> list[Function]:
        found = [self.api, self.websocket, self.websocket_authorizer]
        found += [sub.function for sub in self.events]
        found += [sub.function for sub in self.streams]
        found += [sub.function for sub in self.bucket]
        found += [sched.function for sched in self.schedules]
        found += list(self.internal)
        return [fn for fn in found if fn is not None]


def outbox_relay(context_name: str) -> StreamSubscription:
    """The stream consumer that publishes a context's outbox (functions/common/outbox.py); the
    context's table needs `TableSpec(stream=True)`."""
    return StreamSubscription(
        Function(f"{context_name}-outbox-relay", "functions.common.outbox.handler", frozenset({Need.EVENT_BUS})),
        batch_size=100,
    )
