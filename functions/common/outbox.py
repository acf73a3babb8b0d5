"""Transactional outbox: an event is saved in the same transaction as the change that causes it,
and a stream consumer relays it to the bus.

A crash between saving and publishing then loses nothing: the outbox item is in the table, and
the table's stream delivers it until the relay has published it. The relay may publish an event
twice (a retried stream batch), so consumers stay idempotent on `event_id`, as they already are.

Stores add `outbox_put(table_name, event)` to their `TransactWriteItems` (boto3) or save an
`outbox_record(Record, event)` in a PynamoDB `TransactWrite`. A context turns its table stream on
and subscribes `outbox_relay(context)` (functions/common/wiring.py) to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from functions.common.events import DomainEvent, SerializedEvent
from functions.common.settings import EventBusSettings, Observability

OUTBOX_PREFIX = "outbox#"
OUTBOX_SORT_KEY = "event"
RETENTION = timedelta(days=7)
"""Relayed outbox items expire (DynamoDB TTL) after this; they only serve the stream."""


def outbox_item(event: DomainEvent) -> dict[str, Any]:
    """The outbox item of `event` in DynamoDB's wire format."""
    expires = int((event.occurred_at + RETENTION).timestamp())
    return {
        "pk": {"S": f"{OUTBOX_PREFIX}{event.event_id}"},
        "sk": {"S": OUTBOX_SORT_KEY},
        "source": {"S": event.source},
        "detail_type": {"S": event.detail_type},
        "detail": {"S": event.model_dump_json()},
        "occurred_at": {"S": event.occurred_at.isoformat()},
        "ttl": {"N": str(expires)},
    }


def outbox_put(table_name: str, event: DomainEvent) -> dict[str, Any]:
    """A `TransactWriteItems` operation that saves `event` in the outbox, once per event id."""
    return {
        "Put": {
            "TableName": table_name,
            "Item": outbox_item(event),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def outbox_puts(table_name: str, events: Iterable[DomainEvent]) -> list[dict[str, Any]]:
    return [outbox_put(table_name, event) for event in events]


class RelaySettings(Observability, EventBusSettings):
    """The outbox relay of any context: where it publishes."""


def entries_from_stream(records: Sequence[dict[str, Any]]) -> list[SerializedEvent]:
    """The outbox items a batch of stream records inserted, in stream order; other changes to the
    table (its own items, expiring outbox items) are not events."""
    found: list[SerializedEvent] = []
    for record in records:
        if record.get("eventName") != "INSERT":
            continue
        image = (record.get("dynamodb") or {}).get("NewImage") or {}
        if not image.get("pk", {}).get("S", "").startswith(OUTBOX_PREFIX):
            continue
        found.append(
            SerializedEvent(
                source=image["source"]["S"],
                detail_type=image["detail_type"]["S"],
                detail=image["detail"]["S"],
                occurred_at=datetime.fromisoformat(image["occurred_at"]["S"]),
            )
        )
    return found


def relay(records: Sequence[dict[str, Any]], publisher: Any) -> int:
    """Publish the events that `records` inserted into the outbox; returns how many."""
    entries = entries_from_stream(records)
    if entries:
        publisher.publish_serialized(entries)
    return len(entries)


def _entry() -> Any:
    from functions.common.consumers import collect_garbage_for_batches
    from functions.common.observability import logger, metrics, tracer

    log, trace, measure = logger(), tracer(), metrics()
    collect_garbage_for_batches()

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        from functions.common.aws import client
        from functions.common.events import EventBridgePublisher
        from functions.common.settings import load_settings

        settings = load_settings(RelaySettings)
        published = relay(event.get("Records") or [], EventBridgePublisher(settings.event_bus_name, client("events")))
        log.info("outbox relayed", extra={"records": len(event.get("Records") or []), "events": published})
        return {"batchItemFailures": []}

    return handler


handler = _entry()
