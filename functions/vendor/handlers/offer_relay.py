"""Table stream → `OffersChanged` events (and the dashboard counters).

A failure raises, so Lambda retries the whole batch in order (the stream is ordered per item);
consumers ignore changes whose `revision` they have already seen.
"""

from __future__ import annotations

import time
from typing import Any

from functions.common.consumers import collect_garbage_for_batches
from functions.common.observability import logger, metrics, tracer
from functions.vendor.handlers.dependencies import RelaySettings
from functions.vendor.logic.relay import StreamChange, events_for, stats_deltas


def handle(event: dict[str, Any]) -> dict[str, Any]:
    from functions.common.settings import load_settings
    from functions.vendor.handlers.dependencies import _bound, _publisher
    from functions.vendor.store.dynamo import DynamoVendors, offer_from_image

    settings = load_settings(RelaySettings)
    started = time.perf_counter()
    changes: list[StreamChange] = []
    for record in event.get("Records", []):
        images = record.get("dynamodb", {})
        old, new = offer_from_image(images.get("OldImage")), offer_from_image(images.get("NewImage"))
        if old is not None or new is not None:
            changes.append(StreamChange(old=old, new=new))
    if not changes:
        return {"events": 0}
    events = events_for(changes)
    parsed = time.perf_counter()
    if events:
        _publisher(settings.event_bus_name).publish(events)
    published = time.perf_counter()
    deltas = stats_deltas(changes)
    if deltas:
        _bound(settings.table_name)
        DynamoVendors().add_stats(deltas)
    return {
        "events": len(events),
        "changes": len(changes),
        "parse_ms": round((parsed - started) * 1000),
        "publish_ms": round((published - parsed) * 1000),
        "stats_ms": round((time.perf_counter() - published) * 1000),
    }


def _entry() -> Any:
    log, trace, measure = logger(), tracer(), metrics()
    collect_garbage_for_batches()

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        summary = handle(event)
        log.info("offer changes relayed", extra={"records": len(event.get("Records", [])), **summary})
        return {"batchItemFailures": []}

    return handler


handler = _entry()
