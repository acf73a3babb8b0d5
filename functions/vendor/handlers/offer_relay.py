"""Table stream → `OffersChanged` events (and the dashboard counters).

A failure raises, so Lambda retries the whole batch in order (the stream is ordered per item);
consumers ignore changes whose `revision` they have already seen.
"""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger, metrics, tracer
from functions.vendor.handlers.dependencies import RelaySettings
from functions.vendor.logic.relay import StreamChange, events_for, stats_deltas


def handle(event: dict[str, Any]) -> int:
    from functions.common.settings import load_settings
    from functions.vendor.handlers.dependencies import _bound, _publisher
    from functions.vendor.store.dynamo import DynamoVendors, offer_from_image

    settings = load_settings(RelaySettings)
    changes: list[StreamChange] = []
    for record in event.get("Records", []):
        images = record.get("dynamodb", {})
        old, new = offer_from_image(images.get("OldImage")), offer_from_image(images.get("NewImage"))
        if old is not None or new is not None:
            changes.append(StreamChange(old=old, new=new))
    if not changes:
        return 0
    events = events_for(changes)
    if events:
        _publisher(settings.event_bus_name).publish(events)
    deltas = stats_deltas(changes)
    if deltas:
        _bound(settings.table_name)
        DynamoVendors().add_stats(deltas)
    return len(events)


def _entry() -> Any:
    log, trace, measure = logger(), tracer(), metrics()

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        published = handle(event)
        log.info("offer changes relayed", extra={"records": len(event.get("Records", [])), "events": published})
        return {"batchItemFailures": []}

    return handler


handler = _entry()
