"""Table stream → `OffersChanged` events (and the dashboard counters), through `OfferRelay`.

A failure raises, so Lambda retries the whole batch in order (the stream is ordered per item);
consumers ignore changes whose `revision` they have already seen.
"""

from __future__ import annotations

from typing import Any

from functions.common.consumers import collect_garbage_for_batches
from functions.common.observability import logger, metrics, tracer
from functions.vendor.handlers.dependencies import offer_relay


def _entry() -> Any:
    log, trace, measure = logger(), tracer(), metrics()
    collect_garbage_for_batches()

    @log.inject_lambda_context(clear_state=True)
    @trace.capture_lambda_handler
    @measure.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        records = event.get("Records", [])
        summary = offer_relay().relay(records)
        log.info("offer changes relayed", extra={"records": len(records), **summary})
        return {"batchItemFailures": []}

    return handler


handler = _entry()
